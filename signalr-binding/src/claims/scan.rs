//! The fast path of copying claims: one validating scan over the id token's JSON that skips
//! the claims not asked for and copies the wanted ones, as written, into access-token JSON.
//!
//! It gives the same claims as the general path ([`super::CopiedClaims::from_payload`],
//! which builds a `serde_json::Value`): same filtering, renaming and array rules, values that
//! are the same JSON values (members in the id token's order rather than sorted). It never
//! accepts a text that `serde_json` refuses; whatever it is not sure to handle the same way, it
//! declines (returns `None`) and leaves to the general path, which decides:
//!
//! - text that is not JSON, a payload that is not an object, or nesting deeper than
//!   [`MAX_DEPTH`];
//! - a member name with an escape (it could spell a wanted claim type);
//! - a `\u` escape of a surrogate (`serde_json` refuses a lone one; pairs are rare);
//! - a number with a fraction or an exponent, `-0`, or more than 18 digits (`serde_json` may
//!   read those as a float, or refuse them as out of range);
//! - a claim asked for that appears twice (the general path keeps the last);
//! - an object inside a copied claim (the general path removes duplicate keys in it);
//! - more than [`MAX_COPIED_CLAIMS`] claims (the general path reports the error).
//!
//! Why by hand: on the benchmark's id-token payload (13 claims, 3 copied) this scan and copy
//! takes about 360 ns where the same copy driven by `serde_json` (visitors writing the wanted
//! claims, `IgnoredAny` for the rest) took 570 ns, and the lazy readers tried (`jiter`, and
//! `sonic-rs` without `target-cpu=native`) took 490 to 510 ns only to walk the members. The scan
//! is small, its grammar is RFC 8259's, and property tests hold it to `serde_json` (below) and
//! to the general path.
//!
//! Where its time goes (about 300 ns on that 449-byte payload since strings are searched with
//! SSE2): each step waits on the one before, since where a string ends says where to read
//! next; about 70 cycles a member. Tried and not kept: a first pass marking every `"` (when the
//! text has no `\` and no control character) so that a string's end is a bit look-up saved
//! about 10 ns; skipping strings and scalars inline in the member loop was faster alone and
//! slower in a whole resolve. A simdjson-style structural index is not expected to gain much
//! on texts this small.

use super::{MAX_COPIED_CLAIMS, output_type};
use crate::json;

/// The deepest nesting scanned; deeper is declined (`serde_json` refuses beyond 128).
const MAX_DEPTH: usize = 64;

/// Writes the claims of payload `json` whose type is in `claim_types` to `out` (as
/// [`super::copy_from_id_token`] does), or returns `None`, with `out` as it was, to take the
/// general path.
pub(super) fn copy<'t>(
    json: &[u8],
    claim_types: impl Iterator<Item = &'t str> + Clone,
    out: &mut Vec<u8>,
) -> Option<()> {
    let start = out.len();
    let copied = copy_into(json, claim_types, out);
    if copied.is_none() {
        out.truncate(start);
    }
    copied
}

/// [`copy`], leaving what it wrote when it declines.
fn copy_into<'t>(
    json: &[u8],
    claim_types: impl Iterator<Item = &'t str> + Clone,
    out: &mut Vec<u8>,
) -> Option<()> {
    // Every string is valid UTF-8 when the whole text is: its delimiters are ASCII.
    std::str::from_utf8(json).ok()?;
    let mut scan = Scan { json, pos: 0 };
    let mut copy = Copy { out, count: 0 };
    let mut seen = 0u64;
    // Which name lengths are wanted: most members are skipped without comparing names.
    let lengths = claim_types
        .clone()
        .fold(0u64, |lengths, wanted| lengths | length_bit(wanted.len()));
    scan.whitespace();
    scan.expect(b'{')?;
    scan.items(b'}', |scan, _| {
        // A name with an escape could spell a wanted claim type: declined.
        let name = scan.plain_member_name()?;
        let wanted = if lengths & length_bit(name.len()) == 0 {
            None
        } else {
            claim_types
                .clone()
                .enumerate()
                .find(|(_, wanted)| wanted.as_bytes() == name)
        };
        let Some((position, claim_type)) = wanted else {
            return scan.skip_value(0);
        };
        let bit = 1u64.checked_shl(position as u32)?;
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        copy.claim(scan, claim_type)
    })?;
    scan.whitespace();
    (scan.pos == json.len()).then_some(())
}

/// A position in the JSON text.
struct Scan<'j> {
    json: &'j [u8],
    pos: usize,
}

/// How a string is written: whether its content between the quotes is its value.
///
/// Reading a string gives only this, not the content too: a slice and a flag together are a
/// struct with padding, which the compiler copied through the stack in the loop over members
/// (a store-forwarding stall: about 4% of a resolve in a profile).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Written {
    /// No escape: the content is the value.
    Plain,
    /// With a `\` escape.
    Escaped,
}

// The small steps are always inlined: a call per byte class would cost more than the step.
impl<'j> Scan<'j> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.json.get(self.pos).copied()
    }

    #[inline(always)]
    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    #[inline(always)]
    fn eat(&mut self, byte: u8) -> bool {
        let matched = self.peek() == Some(byte);
        self.pos += usize::from(matched);
        matched
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    #[inline(always)]
    fn whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// The rest of a string whose opening quote was read, up to and including its closing
    /// quote.
    #[inline(always)]
    fn string(&mut self) -> Option<Written> {
        let end = self.pos + find_special(&self.json[self.pos..])?;
        self.pos = end;
        if self.json[end] == b'"' {
            self.pos += 1;
            return Some(Written::Plain);
        }
        self.escaped_string()
    }

    /// The rest of a string with an escape (or a control character) at `self.pos`.
    #[cold]
    fn escaped_string(&mut self) -> Option<Written> {
        loop {
            match self.next()? {
                b'"' => return Some(Written::Escaped),
                b'\\' => self.escape()?,
                // A control character: not allowed unescaped in a JSON string.
                _ => return None,
            }
            self.pos += find_special(&self.json[self.pos..])?;
        }
    }

    /// The rest of an escape after its `\`.
    fn escape(&mut self) -> Option<()> {
        match self.next()? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(()),
            b'u' => {
                let hex = self.json.get(self.pos..self.pos + 4)?;
                let hex = std::str::from_utf8(hex).ok()?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                let unit = u16::from_str_radix(hex, 16).ok()?;
                self.pos += 4;
                (!(0xD800..0xE000).contains(&unit)).then_some(())
            }
            _ => None,
        }
    }

    /// A number, whole (an integer `serde_json` reads back as written) or declined.
    fn integer(&mut self) -> Option<&'j [u8]> {
        let start = self.pos;
        let negative = self.eat(b'-');
        let digits = self.pos;
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.pos += 1;
                }
            }
            _ => return None,
        }
        let text = &self.json[start..self.pos];
        let length = self.pos - digits;
        // A fraction or an exponent follows: a float. A leading zero followed by digits is
        // not JSON: the caller refuses the digit that follows.
        if let Some(b'.' | b'e' | b'E') = self.peek() {
            return None;
        }
        if length > 18 || (negative && text == b"-0") {
            return None;
        }
        Some(text)
    }

    /// `literal` (`true`, `false` or `null`) in full.
    fn literal(&mut self, literal: &'static [u8]) -> Option<&'j [u8]> {
        let text = self.json.get(self.pos..self.pos + literal.len())?;
        if text != literal {
            return None;
        }
        self.pos += literal.len();
        Some(text)
    }

    /// The items of an object or an array whose opening bracket was read, up to and including
    /// `close`: `item` reads item number `index` (a member, or a value), and the commas between
    /// are checked.
    #[inline(always)]
    fn items(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<()> {
        self.whitespace();
        if self.eat(close) {
            return Some(());
        }
        let mut index = 0;
        loop {
            item(self, index)?;
            index += 1;
            self.whitespace();
            match self.next()? {
                b',' => self.whitespace(),
                byte if byte == close => return Some(()),
                _ => return None,
            }
        }
    }

    /// A member's name and its `:`, leaving the scan at the member's value.
    #[inline(always)]
    fn member_name(&mut self) -> Option<()> {
        self.expect(b'"')?;
        self.string()?;
        self.colon()
    }

    /// [`Scan::member_name`], giving the name as written when it has no escape, else `None`.
    #[inline(always)]
    fn plain_member_name(&mut self) -> Option<&'j [u8]> {
        self.expect(b'"')?;
        let start = self.pos;
        if self.string()? == Written::Escaped {
            return None;
        }
        let name = &self.json[start..self.pos - 1];
        self.colon()?;
        Some(name)
    }

    /// The `:` after a member's name, and the whitespace around it.
    #[inline(always)]
    fn colon(&mut self) -> Option<()> {
        self.whitespace();
        self.expect(b':')?;
        self.whitespace();
        Some(())
    }

    /// Skips one value, checking it is JSON.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.pos += 1;
                self.string().map(drop)
            }
            b'{' => {
                let depth = deeper(depth)?;
                self.pos += 1;
                self.items(b'}', |scan, _| {
                    scan.member_name()?;
                    scan.skip_value(depth)
                })
            }
            b'[' => {
                let depth = deeper(depth)?;
                self.pos += 1;
                self.items(b']', |scan, _| scan.skip_value(depth))
            }
            _ => self.scalar().map(drop),
        }
    }

    /// A number, `true`, `false` or `null`, as written.
    fn scalar(&mut self) -> Option<&'j [u8]> {
        match self.peek()? {
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.integer(),
        }
    }
}

/// The bit standing for names of `length` bytes (all of 63 bytes and more share one).
fn length_bit(length: usize) -> u64 {
    1 << length.min(63)
}

fn deeper(depth: usize) -> Option<usize> {
    (depth < MAX_DEPTH).then_some(depth + 1)
}

/// The offset of the first `"`, `\` or control character in `bytes`: where a string's plain
/// run ends.
///
/// Sixteen bytes at a time with SSE2 where the target has it (all of x86-64), then eight at a
/// time ([`find_special_in_words`]).
#[inline]
fn find_special(bytes: &[u8]) -> Option<usize> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use safe_arch::{
            bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i,
            move_mask_i8_m128i, set_splat_i8_m128i,
        };
        let mut blocks = bytes.chunks_exact(16);
        let mut offset = 0;
        for block in &mut blocks {
            let x = load_unaligned_m128i(block.try_into().expect("sixteen bytes"));
            let quote = cmp_eq_mask_i8_m128i(x, set_splat_i8_m128i(b'"' as i8));
            let backslash = cmp_eq_mask_i8_m128i(x, set_splat_i8_m128i(b'\\' as i8));
            // `min(x, 0x1f) == x` exactly when x is at most 0x1f, compared unsigned.
            let control = cmp_eq_mask_i8_m128i(min_u8_m128i(x, set_splat_i8_m128i(0x1f)), x);
            let found = move_mask_i8_m128i(bitor_m128i(bitor_m128i(quote, backslash), control));
            if found != 0 {
                return Some(offset + found.trailing_zeros() as usize);
            }
            offset += 16;
        }
        find_special_in_words(blocks.remainder()).map(|p| offset + p)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    find_special_in_words(bytes)
}

/// [`find_special`] eight bytes at a time: in each word, a byte equal to `"` or `\`, or below
/// 0x20, sets its high bit in `found`. Bytes above a match may be flagged falsely (by the
/// borrow), never below, so the lowest flagged byte is the first match.
#[inline]
fn find_special_in_words(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for word in &mut words {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        let found = (quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash
            | x.wrapping_sub(ONES * 0x20) & !x)
            & HIGH;
        if found != 0 {
            return Some(offset + found.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| is_special(b))
        .map(|p| offset + p)
}

fn is_special(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// The access-token members being written, and how many claims they hold.
struct Copy<'o> {
    out: &'o mut Vec<u8>,
    count: usize,
}

impl Copy<'_> {
    /// Counts one more claim; declines past the limit.
    fn counted(&mut self) -> Option<()> {
        self.count += 1;
        (self.count <= MAX_COPIED_CLAIMS).then_some(())
    }

    /// Writes `"type":` for the next value of claim type `claim_type`.
    fn name(&mut self, claim_type: &str, seen_sub: &mut bool) {
        json::write_string(self.out, &output_type(claim_type, seen_sub));
        self.out.push(b':');
    }

    /// One wanted claim: `"type":value,`, or, for an array, one claim per element: one
    /// element stays a scalar, several are an array, and for `sub` only the first keeps its
    /// type (the rest are `asrs.u.sub`).
    fn claim(&mut self, scan: &mut Scan<'_>, claim_type: &str) -> Option<()> {
        let mut seen_sub = false;
        if !scan.eat(b'[') {
            self.counted()?;
            self.name(claim_type, &mut seen_sub);
            self.value(scan, 0)?;
            self.out.push(b',');
            return Some(());
        }
        // Where the `[` of the array of values is, once one is written.
        let mut bracket = None;
        let mut elements = 0usize;
        scan.items(b']', |scan, index| {
            self.counted()?;
            if index == 0 && claim_type == "sub" {
                // The first `sub` keeps its type: a claim of its own.
                self.name(claim_type, &mut seen_sub);
                self.value(scan, 1)?;
                self.out.push(b',');
                return Some(());
            }
            if bracket.is_none() {
                self.name(claim_type, &mut seen_sub);
                bracket = Some(self.out.len());
                self.out.push(b'[');
            } else {
                self.out.push(b',');
            }
            elements += 1;
            self.value(scan, 1)
        })?;
        match bracket {
            None => {}
            Some(bracket) if elements == 1 => {
                self.out.remove(bracket);
                self.out.push(b',');
            }
            Some(_) => self.out.extend_from_slice(b"],"),
        }
        Some(())
    }

    /// Copies one value as the same JSON value; declines objects.
    fn value(&mut self, scan: &mut Scan<'_>, depth: usize) -> Option<()> {
        match scan.peek()? {
            b'"' => {
                let start = scan.pos;
                scan.pos += 1;
                if scan.string()? == Written::Escaped {
                    // Written again as `serde_json` would: `\u00e9` becomes `é`, `\/` `/`.
                    let text: String = serde_json::from_slice(&scan.json[start..scan.pos]).ok()?;
                    json::write_string(self.out, &text);
                } else {
                    self.out.extend_from_slice(&scan.json[start..scan.pos]);
                }
            }
            b'[' => {
                let depth = deeper(depth)?;
                scan.pos += 1;
                self.out.push(b'[');
                scan.items(b']', |scan, index| {
                    if index > 0 {
                        self.out.push(b',');
                    }
                    self.value(scan, depth)
                })?;
                self.out.push(b']');
            }
            b'{' => return None,
            _ => {
                let text = scan.scalar()?;
                self.out.extend_from_slice(text);
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::CopiedClaims;
    use serde_json::{Value, json};

    /// The members the scan writes after what a buffer already holds, or `None` when it
    /// declines, checking that it then leaves the buffer as it was.
    fn fast(json: &[u8], types: &[&str]) -> Option<Vec<u8>> {
        const BEFORE: &[u8] = b"{\"asrs.s.uid\":\"u\",";
        let mut out = BEFORE.to_vec();
        let copied = copy(json, types.iter().copied(), &mut out);
        assert!(out.starts_with(BEFORE));
        match copied {
            Some(()) => Some(out.split_off(BEFORE.len())),
            None => {
                assert_eq!(out, BEFORE, "what was written before declining is removed");
                None
            }
        }
    }

    /// The members the general path writes for the object `map`.
    fn general(map: serde_json::Map<String, Value>, types: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        CopiedClaims::from_payload(map, types.iter().copied())
            .unwrap()
            .write_members(&mut out);
        out
    }

    /// Both paths on one payload, as JSON objects.
    fn both(payload: &Value, types: &[&str]) -> (Option<Value>, Value) {
        let json = payload.to_string();
        let copied = fast(json.as_bytes(), types).map(|members| as_object(&members));
        // The general path reads the same text (not `payload` itself): serde_json's float
        // parsing may differ from the value printed by one unit in the last place.
        let Value::Object(map) = serde_json::from_str(&json).unwrap() else {
            panic!("an object")
        };
        (copied, as_object(&general(map, types)))
    }

    fn as_object(members: &[u8]) -> Value {
        serde_json::from_slice(&object_text(members)).expect("the members are valid JSON")
    }

    fn object_text(members: &[u8]) -> Vec<u8> {
        let mut out = b"{".to_vec();
        out.extend_from_slice(members.strip_suffix(b",").unwrap_or(members));
        out.push(b'}');
        out
    }

    fn copy_str(json: &str, types: &[&str]) -> Option<Vec<u8>> {
        fast(json.as_bytes(), types)
    }

    #[test]
    fn the_fast_path_copies_what_the_general_path_copies() {
        let payloads = [
            json!({"name": "Ann", "email": "a@x", "roles": ["r", "w"], "other": {"x": 1}}),
            json!({"sub": ["first", "second", "third"], "aud": "a", "asrs.s.uid": "m"}),
            json!({"sub": ["only"], "roles": [], "n": -5, "big": 999_999_999_999_999_999u64}),
            json!({"sub": [], "t": true, "z": null, "nested": [[1, 2], ["a\"b"]], "e": "é\n"}),
            json!({"sub": "one", "roles": ["a"], "name": "quote\"d \\ \u{1} / é"}),
        ];
        let types = [
            "name",
            "email",
            "roles",
            "sub",
            "aud",
            "asrs.s.uid",
            "n",
            "big",
            "t",
            "z",
            "nested",
            "e",
        ];
        for payload in payloads {
            let (fast, general) = both(&payload, &types);
            assert_eq!(fast.as_ref(), Some(&general), "{payload}");
        }
    }

    #[test]
    fn values_are_copied_as_written_or_rewritten_as_serde_json_would() {
        let copied = copy_str(
            r#" { "name" : "Ann" , "roles" : [ "a" , 1 , [ true , null ] ] , "x" : [ 1 ] } "#,
            &["name", "roles"],
        )
        .unwrap();
        assert_eq!(copied, br#""name":"Ann","roles":["a",1,[true,null]],"#);
        let copied = copy_str(r#"{"name":"Jos\u00e9 \/ \"J\""}"#, &["name"]).unwrap();
        assert_eq!(
            String::from_utf8(copied).unwrap(),
            r#""name":"José / \"J\"","#
        );
    }

    #[test]
    fn what_the_fast_path_does_not_handle_it_leaves_to_the_general_path() {
        // A nested object in a copied claim, a duplicate wanted claim, bad JSON, not an object.
        assert!(copy_str(r#"{"address":{"a":1,"a":2}}"#, &["address"]).is_none());
        assert!(copy_str(r#"{"name":"a","name":"b"}"#, &["name"]).is_none());
        assert!(copy_str(r#"{"name":"a""#, &["name"]).is_none());
        assert!(copy_str(r#"{"name":"a"} x"#, &["name"]).is_none());
        assert!(copy_str(r#"["name"]"#, &["name"]).is_none());
        // An escaped member name could spell a wanted claim type.
        assert!(copy_str(r#"{"na\u006de":"a"}"#, &["name"]).is_none());
        // Numbers serde_json may read as floats, or refuse as out of range.
        for number in ["1.5", "1e3", "-0", "1234567890123456789", "1e400"] {
            assert!(
                copy_str(&format!(r#"{{"x":{number}}}"#), &[]).is_none(),
                "{number}"
            );
        }
        // A surrogate escape, lone or paired.
        assert!(copy_str(r#"{"x":"\ud83d\ude00"}"#, &[]).is_none());
        // Too deep.
        let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(65), "]".repeat(65));
        assert!(copy_str(&deep, &[]).is_none());
        assert!(serde_json::from_str::<Value>(&deep).is_ok());
        // Too many claims: the general path reports how many.
        let many: Vec<u32> = (0..=MAX_COPIED_CLAIMS as u32).collect();
        assert!(copy_str(&json!({ "x": many }).to_string(), &["x"]).is_none());
        // Objects and duplicates among the claims not asked for are skipped.
        let copied = copy_str(r#"{"o":{"a":1,"a":2},"d":1,"d":2,"name":"Ann"}"#, &["name"]);
        assert_eq!(copied.unwrap(), br#""name":"Ann","#);
    }

    #[test]
    fn text_that_is_not_json_is_never_accepted() {
        for text in [
            "",
            "{",
            "{}}",
            r#"{"a"}"#,
            r#"{"a":}"#,
            r#"{"a":1,}"#,
            r#"{,"a":1}"#,
            r#"{"a":01}"#,
            r#"{"a":-}"#,
            r#"{"a":+1}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":tru}"#,
            r#"{"a":True}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12g4"}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":'s'}"#,
            r#"{a:1}"#,
            "{\"a\":1}\u{0}",
        ] {
            assert!(copy_str(text, &["a"]).is_none(), "{text:?}");
            assert!(serde_json::from_str::<Value>(text).is_err(), "{text:?}");
        }
        assert!(fast(b"{\"a\":\"\xff\"}", &["a"]).is_none());
    }

    #[test]
    fn find_special_finds_the_first_special_byte_at_any_offset() {
        for special in [b'"', b'\\', 0x00, 0x1f] {
            for at in 0..40 {
                let mut bytes = vec![b'a'; 40];
                bytes[at] = special;
                // Bytes around a match that must not be flagged: high bytes and 0x20.
                bytes[(at + 1) % 40] = 0xff;
                if at > 0 {
                    bytes[at - 1] = 0x20;
                }
                assert_eq!(find_special(&bytes), Some(at), "{special:#x} at {at}");
            }
        }
        assert_eq!(find_special("plain text, é and ~ \u{7f}".as_bytes()), None);
    }

    /// The member names of a JSON object, in order and with duplicates kept.
    fn member_names(object: &[u8]) -> Vec<String> {
        use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
        struct Names;
        impl<'de> Visitor<'de> for Names {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    names.push(name);
                }
                Ok(names)
            }
        }
        serde_json::Deserializer::from_slice(object)
            .deserialize_map(Names)
            .unwrap()
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1_000_000i64..1_000_000).prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::btree_map("sub|name|a", inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// JSON-like text: valid payloads cut and spliced with JSON's own punctuation, so that
    /// most inputs are almost JSON.
    fn almost_json() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let payload =
            proptest::collection::btree_map("sub|name|x", json_value(), 0..4).prop_map(|m| {
                Value::Object(m.into_iter().collect())
                    .to_string()
                    .into_bytes()
            });
        let edit = (
            any::<proptest::sample::Index>(),
            0..3usize,
            proptest::sample::select(
                &[
                    "", "\"", "\\", ",", ":", "{", "}", "[", "]", "-", "0", "1", ".", "e", " ",
                    "\\u", "\\ud800", "\u{1}", "\u{7f}", "é", "\u{ff}", "null", "tru",
                ][..],
            ),
        );
        (payload, proptest::collection::vec(edit, 0..3)).prop_map(|(mut text, edits)| {
            for (at, cut, insert) in edits {
                let at = at.index(text.len() + 1);
                let end = (at + cut).min(text.len());
                text.splice(at..end, insert.bytes());
            }
            text
        })
    }

    proptest::proptest! {
        // Cheap cases: enough of them that an edit lands inside a string or a number often.
        #![proptest_config(proptest::test_runner::Config::with_cases(2048))]

        /// Whenever the fast path answers, it answers what the general path does, as members
        /// with no name twice.
        #[test]
        fn the_fast_path_agrees_with_the_general_path(
            payload in proptest::collection::btree_map(
                "sub|aud|name|roles|asrs\\.s\\.uid|x|é", json_value(), 0..6),
        ) {
            let payload = Value::Object(payload.into_iter().collect());
            let types = ["sub", "aud", "name", "roles", "asrs.s.uid", "é"];
            let json = payload.to_string();
            if let Some(members) = fast(json.as_bytes(), &types) {
                let (as_value, general) = both(&payload, &types);
                proptest::prop_assert_eq!(as_value, Some(general));
                let object = object_text(&members);
                let mut names = member_names(&object);
                let count = names.len();
                names.sort();
                names.dedup();
                proptest::prop_assert_eq!(names.len(), count, "{}", String::from_utf8_lossy(&object));
            }
        }

        /// The scan accepts no text that `serde_json` refuses, and on what it accepts it agrees
        /// with the general path.
        #[test]
        fn the_scan_accepts_only_json_objects(text in almost_json()) {
            let types = ["sub", "name"];
            if let Some(members) = fast(&text, &types) {
                let parsed = serde_json::from_slice::<Value>(&text);
                let Ok(Value::Object(map)) = parsed else {
                    return Err(proptest::test_runner::TestCaseError::fail(format!(
                        "accepted {:?}: {parsed:?}", String::from_utf8_lossy(&text))));
                };
                proptest::prop_assert_eq!(as_object(&members), as_object(&general(map, &types)));
            }
        }

        /// `find_special` agrees with a byte-by-byte search.
        #[test]
        fn find_special_agrees_with_a_plain_search(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..80),
        ) {
            proptest::prop_assert_eq!(find_special(&bytes), bytes.iter().position(|&b| is_special(b)));
        }
    }
}
