//! JSON strings written by hand, on the request path: the access token's claims and the
//! connection-info answer.
//!
//! The output is byte for byte what `serde_json` writes for the same string (a test holds the
//! two together). The difference is speed: the strings written here (URLs, user ids, tokens,
//! claim values) almost never need escaping, so one pass with no early exit, which the compiler
//! vectorises, checks that, and a clean string is copied whole; `serde_json` looks every byte
//! up in a table as it copies.

/// Where JSON text is written: a `String` or a byte buffer.
pub(crate) trait JsonText {
    /// Appends `text`.
    fn push_str(&mut self, text: &str);
}

impl JsonText for String {
    fn push_str(&mut self, text: &str) {
        String::push_str(self, text);
    }
}

impl JsonText for Vec<u8> {
    fn push_str(&mut self, text: &str) {
        self.extend_from_slice(text.as_bytes());
    }
}

/// Appends `text` as a JSON string, quotes included.
pub(crate) fn write_string(out: &mut impl JsonText, text: &str) {
    out.push_str("\"");
    if needs_escape(text.as_bytes()) {
        write_escaped(out, text);
    } else {
        out.push_str(text);
    }
    out.push_str("\"");
}

/// Whether `bytes` holds a `"`, a `\` or a control character (below 0x20).
fn needs_escape(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |found, &b| {
        found | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

/// `text` with its `"`, `\` and control characters escaped, as `serde_json` escapes them:
/// the short forms where JSON has one, `\u00xx` (lower-case hex) for the other controls.
#[cold]
fn write_escaped(out: &mut impl JsonText, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &byte) in text.as_bytes().iter().enumerate() {
        let short = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // Every byte matched is ASCII, so `i` is a character boundary.
        out.push_str(&text[start..i]);
        if short.is_empty() {
            let unicode = [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ];
            out.push_str(std::str::from_utf8(&unicode).expect("ASCII"));
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> String {
        let mut out = String::new();
        write_string(&mut out, text);
        let mut bytes = Vec::new();
        write_string(&mut bytes, text);
        assert_eq!(out.as_bytes(), bytes, "String and Vec<u8> agree");
        out
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        for text in [
            "",
            "plain",
            "http://localhost/client/?hub=chat",
            "quote \" backslash \\ slash /",
            "\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{20}\u{7f}",
            "é ü 中 😀 \u{2028}",
        ] {
            assert_eq!(
                written(text),
                serde_json::to_string(text).unwrap(),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_written_as_serde_json_writes_it(text in "\\PC{0,40}|[\\x00-\\x7f]{0,40}") {
            proptest::prop_assert_eq!(written(&text), serde_json::to_string(&text).unwrap());
        }
    }
}
