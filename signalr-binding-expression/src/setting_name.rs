//! The rule for naming an app setting, and the default setting of the connection string.

/// The app setting that holds the connection string when a binding names none, as in Azure
/// Functions (`AzureSignalRConnectionString`).
pub const DEFAULT_CONNECTION_STRING_SETTING: &str = "AzureSignalRConnectionString";

/// Checks the name of an app setting, as the binding's setting-name properties take it
/// (`connection_string_setting`, the id-token key settings).
///
/// A setting name is the plain name of an app setting (an environment variable on Azure
/// Functions), written without `%`: `AzureSignalRConnectionString`. `:` and `__` are allowed,
/// since Azure's configuration uses them for sections (`ConnectionStrings:Name`,
/// `Azure__SignalR__ConnectionString`). Rejected: an empty name; anything that looks like a
/// value rather than a name (it contains `;` or `=`, as a connection string does); a name
/// wrapped in `%`; whitespace, control characters and `{}<>%`.
///
/// An error never repeats a value that looks like a secret.
///
/// ```
/// use signalr_binding_expression::{SettingNameError, validate_setting_name};
///
/// assert!(validate_setting_name("AzureSignalRConnectionString").is_ok());
/// assert!(validate_setting_name("ConnectionStrings:Chat").is_ok());
/// assert_eq!(
///     validate_setting_name("%ID_TOKEN_SECRET%"),
///     Err(SettingNameError::Percent { name: "ID_TOKEN_SECRET".into() })
/// );
/// assert_eq!(
///     validate_setting_name("Endpoint=https://x;AccessKey=k"),
///     Err(SettingNameError::LooksLikeAValue)
/// );
/// ```
pub fn validate_setting_name(name: &str) -> Result<(), SettingNameError> {
    if name.is_empty() {
        return Err(SettingNameError::Empty);
    }
    // Names are read on every request (the settings of the connection string): one pass over
    // the bytes decides nearly all of them (see `BYTE_CLASS`).
    let class = name
        .bytes()
        .fold(0, |class, b| class | BYTE_CLASS[usize::from(b)]);
    if class & VALUE_BYTE != 0 {
        return Err(SettingNameError::LooksLikeAValue);
    }
    if let Some(inner) = name
        .strip_prefix('%')
        .and_then(|rest| rest.strip_suffix('%'))
        .filter(|inner| !inner.is_empty() && !inner.contains('%'))
    {
        return Err(SettingNameError::Percent {
            name: inner.to_owned(),
        });
    }
    if class & OTHER_BYTE == 0 {
        return Ok(());
    }
    match name.chars().find(|&c| !is_name_char(c)) {
        Some(character) => Err(SettingNameError::Character { character }),
        None => Ok(()),
    }
}

/// Whether a character can be part of a setting name: not whitespace, not a control
/// character, not one of `{}<>%`.
fn is_name_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || matches!(c, '{' | '}' | '<' | '>' | '%'))
}

/// A byte of `;` or `=`, which make a name look like a value.
const VALUE_BYTE: u8 = 1;
/// A byte that is not printable ASCII [`is_name_char`] allows: a byte of a character that is
/// then checked whole.
const OTHER_BYTE: u8 = 2;

/// The class of every byte: `VALUE_BYTE`, `OTHER_BYTE`, or 0 for a printable ASCII character
/// a name may hold. `;`, `=` and `%` are ASCII, and UTF-8 never uses an ASCII byte inside a
/// longer character, so a byte is enough to find them.
const BYTE_CLASS: [u8; 256] = {
    let mut class = [OTHER_BYTE; 256];
    let mut b = b'!';
    while b <= b'~' {
        class[b as usize] = match b {
            b';' | b'=' => VALUE_BYTE,
            b'{' | b'}' | b'<' | b'>' | b'%' => OTHER_BYTE,
            _ => 0,
        };
        b += 1;
    }
    class
};

/// A setting name that breaks the rule of [`validate_setting_name`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SettingNameError {
    /// The name is empty.
    #[error("the setting name is empty")]
    Empty,
    /// The name contains `;` or `=`: it looks like a value (a connection string, a key), which
    /// belongs in the setting, not in its name. The value is not repeated.
    #[error(
        "a setting name is the name of an app setting, never its value (this one contains `;` \
         or `=`, like a connection string): put the value in an app setting and write the \
         setting's name"
    )]
    LooksLikeAValue,
    /// The name is written as a `%NAME%` reference.
    #[error("a setting name is written without `%`: write `{name}`")]
    Percent {
        /// The name between the `%`.
        name: String,
    },
    /// A character no setting name has.
    #[error(
        "`{}` cannot be part of a setting name: write the plain name of an app setting",
        character.escape_debug()
    )]
    Character {
        /// The first such character.
        character: char,
    },
}

#[cfg(test)]
mod tests {
    use super::{
        BYTE_CLASS, OTHER_BYTE, SettingNameError, VALUE_BYTE, is_name_char, validate_setting_name,
    };
    use proptest::prelude::*;

    #[test]
    fn accepts_plain_and_sectioned_names() {
        for name in [
            "AzureSignalRConnectionString",
            "ID_TOKEN_SECRET",
            "ConnectionStrings:Chat",
            "Azure__SignalR__ConnectionString",
            "a.b-c",
        ] {
            assert_eq!(validate_setting_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_name() {
        assert_eq!(validate_setting_name(""), Err(SettingNameError::Empty));
        assert_eq!(
            validate_setting_name("Endpoint=https://x;AccessKey=k;"),
            Err(SettingNameError::LooksLikeAValue)
        );
        assert_eq!(
            validate_setting_name("%A%"),
            Err(SettingNameError::Percent { name: "A".into() })
        );
        for (name, character) in [
            ("%A", '%'),
            ("%%", '%'),
            ("A B", ' '),
            ("A\0", '\0'),
            ("{headers.x}", '{'),
            ("<a>", '<'),
        ] {
            assert_eq!(
                validate_setting_name(name),
                Err(SettingNameError::Character { character }),
                "{name:?}"
            );
        }
    }

    #[test]
    fn the_ascii_bytes_follow_the_character_rule() {
        for b in 0..=u8::MAX {
            let class = BYTE_CLASS[usize::from(b)];
            let c = char::from(b);
            assert_eq!(class == VALUE_BYTE, b == b';' || b == b'=', "{c:?}");
            if b.is_ascii() && class != VALUE_BYTE {
                assert_eq!(class == 0, is_name_char(c), "{c:?}");
            } else if !b.is_ascii() {
                assert_eq!(class, OTHER_BYTE, "{c:?}");
            }
        }
    }

    #[test]
    fn a_value_is_never_echoed() {
        let message = validate_setting_name("Endpoint=https://x;AccessKey=SECRET")
            .unwrap_err()
            .to_string();
        assert!(!message.contains("SECRET"), "{message}");
    }

    proptest! {
        #[test]
        fn names_of_the_allowed_alphabet_are_accepted(name in "[A-Za-z0-9_.:-]{1,40}") {
            prop_assert_eq!(validate_setting_name(&name), Ok(()));
        }

        #[test]
        fn never_panics(name in any::<String>()) {
            let _ = validate_setting_name(&name);
        }
    }
}
