//! The hub-name rule, on a whole name and on the literal text of a templated one.

use crate::{Part, Template};

/// The rule, as quoted in every [`HubNameError`] message.
const RULE: &str =
    "a hub name starts with an ASCII letter and contains only ASCII letters, digits and `_`";

/// Checks a hub name: ASCII letters, digits and `_`, starting with a letter (the SignalR Service
/// REST API's rule for `hub`, Azure/azure-signalr `docs/rest-api.md`).
///
/// ```
/// use signalr_binding_expression::validate_hub_name;
///
/// assert!(validate_hub_name("chat_2").is_ok());
/// let err = validate_hub_name("2chat").unwrap_err();
/// assert_eq!(err.offset(), 0);
/// ```
pub fn validate_hub_name(name: &str) -> Result<(), HubNameError> {
    let mut chars = name.chars();
    match chars.next() {
        None => return Err(HubNameError::Empty),
        Some(first) if !first.is_ascii_alphabetic() => {
            return Err(HubNameError::InvalidStart {
                name: name.to_owned(),
                character: first,
            });
        }
        Some(_) => {}
    }
    match name
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
    {
        Some((offset, character)) => Err(HubNameError::InvalidCharacter {
            name: name.to_owned(),
            character,
            offset,
        }),
        None => Ok(()),
    }
}

/// Checks what can be known before a request of a templated hub name: the whole name when the
/// template is literal, else its literal text, which no value of its expressions can repair (a
/// first piece that does not start with a letter, a character outside the rule). A `%NAME%`
/// template is checked when the setting is read.
///
/// ```
/// use signalr_binding_expression::{Template, validate_hub_name_template};
///
/// let ok: Template = "chat_{query.room}".parse()?;
/// assert!(validate_hub_name_template(&ok).is_ok());
/// let bad: Template = "chat-{query.room}".parse()?;
/// assert!(validate_hub_name_template(&bad).is_err());
/// # Ok::<(), signalr_binding_expression::TemplateError>(())
/// ```
pub fn validate_hub_name_template(template: &Template) -> Result<(), HubNameError> {
    if let Some(name) = template.as_literal() {
        return validate_hub_name(name);
    }
    let Template::Parts(parts) = template else {
        return Ok(());
    };
    for (index, part) in parts.iter().enumerate() {
        let Part::Literal(text) = part else {
            continue;
        };
        let at_start = index == 0 && !text.starts_with(|c: char| c.is_ascii_alphabetic());
        let bad = if at_start {
            text.chars().next()
        } else {
            text.chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
        };
        if let Some(character) = bad {
            return Err(HubNameError::InvalidText {
                text: text.to_string(),
                character,
                at_start,
            });
        }
    }
    Ok(())
}

/// A hub name that breaks the rule of [`validate_hub_name`]. The message says what is wrong and
/// states the rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HubNameError {
    /// The name is empty.
    #[error("the hub name is empty: {rule}", rule = RULE)]
    Empty,
    /// The first character is not an ASCII letter.
    #[error("hub name `{name}` starts with `{}`: {rule}", character.escape_debug(), rule = RULE)]
    InvalidStart {
        /// The name as given.
        name: String,
        /// Its first character.
        character: char,
    },
    /// A character other than an ASCII letter, digit or `_`.
    #[error("hub name `{name}` contains `{}`: {rule}", character.escape_debug(), rule = RULE)]
    InvalidCharacter {
        /// The name as given.
        name: String,
        /// The first character that breaks the rule.
        character: char,
        /// Its byte offset in the name.
        offset: usize,
    },
    /// Literal text of a templated hub name breaks the rule whatever its expressions hold.
    #[error(
        "the hub name's literal text `{text}` {} `{}`: {rule}",
        if *at_start { "starts with" } else { "contains" },
        character.escape_debug(),
        rule = RULE
    )]
    InvalidText {
        /// The literal piece.
        text: String,
        /// The first character that breaks the rule.
        character: char,
        /// Whether the character is the first of the name, which must be a letter.
        at_start: bool,
    },
}

impl HubNameError {
    /// Byte offset of the offending character in the name (0 for an empty or badly started
    /// name, and for literal text of a template).
    pub fn offset(&self) -> usize {
        match self {
            HubNameError::Empty
            | HubNameError::InvalidStart { .. }
            | HubNameError::InvalidText { .. } => 0,
            HubNameError::InvalidCharacter { offset, .. } => *offset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{HubNameError, validate_hub_name, validate_hub_name_template};
    use crate::Template;

    #[test]
    fn templates_are_checked_on_their_literal_text() {
        let check = |source: &str| validate_hub_name_template(&source.parse::<Template>().unwrap());
        for ok in [
            "chat",
            "chat_{query.room}",
            "{query.hub}",
            "{headers.x}_2",
            "%HUB%",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            check("2{query.room}"),
            Err(HubNameError::InvalidText {
                text: "2".into(),
                character: '2',
                at_start: true
            })
        );
        assert_eq!(
            check("{query.room}-x"),
            Err(HubNameError::InvalidText {
                text: "-x".into(),
                character: '-',
                at_start: false
            })
        );
        assert_eq!(
            check("chat-room").unwrap_err(),
            validate_hub_name("chat-room").unwrap_err()
        );
        assert!(
            check("a-{query.b}").unwrap_err().to_string().starts_with(
                "the hub name's literal text `a-` contains `-`: a hub name starts with"
            )
        );
    }

    #[test]
    fn accepts_letters_digits_underscore() {
        for name in ["chat", "Chat", "c", "chat_room_2", "A1_b2", "x__"] {
            assert_eq!(validate_hub_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn rejects_empty() {
        let e = validate_hub_name("").unwrap_err();
        assert_eq!(e, HubNameError::Empty);
        assert_eq!(e.offset(), 0);
        assert!(e.to_string().contains("starts with an ASCII letter"));
    }

    #[test]
    fn rejects_bad_start() {
        for (name, first) in [
            ("1chat", '1'),
            ("_chat", '_'),
            ("écho", 'é'),
            (" chat", ' '),
        ] {
            let e = validate_hub_name(name).unwrap_err();
            assert_eq!(
                e,
                HubNameError::InvalidStart {
                    name: name.into(),
                    character: first
                }
            );
            assert_eq!(e.offset(), 0);
        }
        assert_eq!(
            validate_hub_name("1chat").unwrap_err().to_string(),
            "hub name `1chat` starts with `1`: a hub name starts with an ASCII letter \
             and contains only ASCII letters, digits and `_`"
        );
    }

    #[test]
    fn rejects_bad_character() {
        for (name, bad, offset) in [
            ("chat-room", '-', 4),
            ("chat room", ' ', 4),
            ("chäte", 'ä', 2),
            ("a.b", '.', 1),
            ("hub{x}", '{', 3),
        ] {
            let e = validate_hub_name(name).unwrap_err();
            assert_eq!(
                e,
                HubNameError::InvalidCharacter {
                    name: name.into(),
                    character: bad,
                    offset
                }
            );
            assert_eq!(e.offset(), offset);
            assert!(e.to_string().contains(&format!("contains `{bad}`")));
        }
    }
}
