//! Claims copied from an id token into the access token.
//!
//! Like the Azure binding, the id token's payload is read, its claims filtered by the
//! binding's claim-type list (exact, case-sensitive match), and a copied claim whose type the
//! service reserves is renamed `asrs.u.TYPE` (SPEC section 5). Where this crate differs from
//! Azure, it is safer: a `Bearer ` prefix is accepted (azure-signalr #2055), any claim type
//! starting with `asrs.` is renamed too (so a copied claim can never set the connection's
//! identity or another service claim), and size limits keep one request cheap.

use std::borrow::Cow;
use std::mem::MaybeUninit;

use http::StatusCode;
use serde_json::{Map, Value};

use crate::json;

/// The largest id token read, in bytes.
pub const MAX_ID_TOKEN_LEN: usize = 16 * 1024;

/// The most claims copied from one id token.
pub const MAX_COPIED_CLAIMS: usize = 100;

/// Claim types the service reserves; a copied claim of one of these types is renamed
/// `asrs.u.TYPE` ([SDK] AuthUtility / JwtRegisteredClaimNames).
const RESERVED: [&str; 11] = [
    "aud", "exp", "iat", "nbf", "iss", "actort", "acr", "azp", "c_hash", "jti", "nonce",
];

/// The prefix of a renamed claim type.
const RENAMED_PREFIX: &str = "asrs.u.";

/// Why an id token could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdTokenError {
    /// The token is larger than [`MAX_ID_TOKEN_LEN`].
    #[error("the id token is {length} bytes, more than the {MAX_ID_TOKEN_LEN} bytes accepted")]
    TooLarge {
        /// Its length in bytes.
        length: usize,
    },
    /// The token is not a JWT in compact form.
    #[error(
        "the id token is not a JWT: {reason}; send the token itself (three base64url segments joined by `.`)"
    )]
    Malformed {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// More claims would be copied than [`MAX_COPIED_CLAIMS`].
    #[error("the id token would copy {count} claims, more than the {MAX_COPIED_CLAIMS} accepted")]
    TooManyClaims {
        /// How many claims matched the claim-type list.
        count: usize,
    },
}

impl IdTokenError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }

    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "id_token_too_large",
            Self::Malformed { .. } => "malformed_id_token",
            Self::TooManyClaims { .. } => "too_many_claims",
        }
    }
}

mod scan;

/// Reads the id token's payload and writes the claims whose type is in `claim_types` into
/// `out` as JSON object members, each followed by a comma (`"type":value,`): into an access
/// token's payload ([`crate::token::Payload::copied_claims`]).
///
/// On an error, `out` is as it was.
pub(crate) fn copy_from_id_token<'t>(
    id_token: &str,
    claim_types: impl Iterator<Item = &'t str> + Clone,
    out: &mut Vec<u8>,
) -> Result<(), IdTokenError> {
    // Most id tokens are 1 to 2 KiB: their payload is decoded on the stack.
    let mut stack = [MaybeUninit::uninit(); STACK_PAYLOAD_LEN];
    let json = payload_json(id_token, &mut stack)?;
    // The fast path copies the wanted claims while reading the JSON, with no `Value` built
    // and the rest skipped; anything it does not handle (a JSON error, a duplicate or nested
    // object, too many claims) is left to the general path, which decides.
    if scan::copy(&json, claim_types.clone(), out).is_some() {
        return Ok(());
    }
    CopiedClaims::from_payload(parse_payload(&json)?, claim_types)?.write_members(out);
    Ok(())
}

/// Claims to add to an access token, grouped by type in first-seen order: the general path of
/// copying claims, from a `serde_json` object.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct CopiedClaims {
    claims: Vec<(String, ClaimValue)>,
}

/// One claim type's value: one value, or several (written as a JSON array).
#[derive(Debug, Clone, PartialEq)]
enum ClaimValue {
    One(Value),
    Many(Vec<Value>),
}

impl CopiedClaims {
    /// Keeps the claims of an already decoded (e.g. verified) payload whose type is in
    /// `claim_types`.
    pub(crate) fn from_payload<'t>(
        payload: Map<String, Value>,
        claim_types: impl Iterator<Item = &'t str> + Clone,
    ) -> Result<Self, IdTokenError> {
        let mut copied = CopiedClaims::default();
        let mut count = 0;
        let mut seen_sub = false;
        for (claim_type, value) in payload {
            if !claim_types.clone().any(|wanted| wanted == claim_type) {
                continue;
            }
            // A JSON array in a JWT payload is several claims of one type.
            let values = match value {
                Value::Array(values) => values,
                value => vec![value],
            };
            for value in values {
                count += 1;
                if count > MAX_COPIED_CLAIMS {
                    return Err(IdTokenError::TooManyClaims { count });
                }
                let name = output_type(&claim_type, &mut seen_sub);
                copied.push(name, value);
            }
        }
        Ok(copied)
    }

    fn push(&mut self, claim_type: Cow<'_, str>, value: Value) {
        match self.claims.iter_mut().find(|(t, _)| *t == claim_type) {
            Some((_, ClaimValue::Many(values))) => values.push(value),
            Some((_, existing)) => {
                let ClaimValue::One(first) =
                    std::mem::replace(existing, ClaimValue::Many(Vec::new()))
                else {
                    unreachable!("matched above")
                };
                *existing = ClaimValue::Many(vec![first, value]);
            }
            None => self
                .claims
                .push((claim_type.into_owned(), ClaimValue::One(value))),
        }
    }

    /// Writes the claims as JSON object members (`"type":value,` each, with a trailing comma).
    pub(crate) fn write_members(&self, out: &mut Vec<u8>) {
        for (claim_type, value) in &self.claims {
            json::write_string(out, claim_type);
            out.push(b':');
            match value {
                ClaimValue::One(value) => write_json_value(out, value),
                ClaimValue::Many(values) => {
                    out.push(b'[');
                    for (i, value) in values.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        write_json_value(out, value);
                    }
                    out.push(b']');
                }
            }
            out.push(b',');
        }
    }
}

/// The type a copied claim gets in the access token.
fn output_type<'c>(claim_type: &'c str, seen_sub: &mut bool) -> Cow<'c, str> {
    let renamed = if claim_type == "sub" {
        // Only the first `sub` keeps its type.
        std::mem::replace(seen_sub, true)
    } else {
        RESERVED.contains(&claim_type) || claim_type.starts_with("asrs.")
    };
    if renamed {
        Cow::Owned(format!("{RENAMED_PREFIX}{claim_type}"))
    } else {
        Cow::Borrowed(claim_type)
    }
}

/// The largest decoded payload [`copy_from_id_token`] keeps on the stack.
const STACK_PAYLOAD_LEN: usize = 3 * 1024;

/// The decoded payload of a compact JWT, with a `Bearer ` prefix (any case) tolerated: in
/// `buffer` when it fits, else in a new `Vec`.
fn payload_json<'b>(
    id_token: &str,
    buffer: &'b mut [MaybeUninit<u8>],
) -> Result<Cow<'b, [u8]>, IdTokenError> {
    let Segments { payload, .. } = Segments::of(id_token)?;
    // base64-simd: the payload is most of an id token, and decoding it the largest fixed cost
    // of copying claims after parsing.
    let base64 = base64_simd::URL_SAFE_NO_PAD;
    let payload_bytes = payload.trim_end_matches('=').as_bytes();
    let decoded = if base64.estimated_decoded_length(payload_bytes.len()) <= buffer.len() {
        base64
            .decode(payload_bytes, base64_simd::Out::from_uninit_slice(buffer))
            .map(|json| Cow::Borrowed(&*json))
    } else {
        base64.decode_to_vec(payload_bytes).map(Cow::Owned)
    };
    decoded.map_err(|_| {
        if payload.contains('.') {
            Segments::NOT_THREE
        } else {
            IdTokenError::Malformed {
                reason: "its payload is not base64url",
            }
        }
    })
}

/// The segments of a compact JWT (`header.payload.signature`), with surrounding whitespace and
/// a `Bearer ` prefix (any case) tolerated.
pub(crate) struct Segments<'t> {
    /// The whole token, prefix and whitespace removed.
    pub(crate) token: &'t str,
    pub(crate) header: &'t str,
    /// Everything between the first and the last `.`: a `.` in it (a fourth segment) is left
    /// for the caller to refuse, which a base64url decoder does anyway (see
    /// [`Segments::strict`]).
    pub(crate) payload: &'t str,
}

impl<'t> Segments<'t> {
    const NOT_THREE: IdTokenError = IdTokenError::Malformed {
        reason: "it does not have three `.`-separated segments",
    };

    /// Splits `id_token`, refusing one over [`MAX_ID_TOKEN_LEN`] or with fewer than three
    /// segments. The header and the signature are short and the payload long, so the first and
    /// the last `.` are looked for from their ends.
    pub(crate) fn of(id_token: &'t str) -> Result<Self, IdTokenError> {
        if id_token.len() > MAX_ID_TOKEN_LEN {
            return Err(IdTokenError::TooLarge {
                length: id_token.len(),
            });
        }
        let token = strip_bearer(id_token.trim());
        match (token.find('.'), token.rfind('.')) {
            (Some(first), Some(last)) if first != last => Ok(Self {
                token,
                header: &token[..first],
                payload: &token[first + 1..last],
            }),
            _ => Err(Self::NOT_THREE),
        }
    }

    /// As [`Segments::of`], refusing a fourth segment too.
    pub(crate) fn strict(id_token: &'t str) -> Result<Self, IdTokenError> {
        let segments = Self::of(id_token)?;
        if segments.payload.contains('.') {
            return Err(Self::NOT_THREE);
        }
        Ok(segments)
    }
}

/// The payload of compact JWT `id_token` as a JSON object, read by `serde_json`.
pub(crate) fn payload_object(id_token: &str) -> Result<Map<String, Value>, IdTokenError> {
    parse_payload(&payload_json(id_token, &mut [])?)
}

/// The payload's JSON as an object.
fn parse_payload(json: &[u8]) -> Result<Map<String, Value>, IdTokenError> {
    match serde_json::from_slice(json) {
        Ok(Value::Object(claims)) => Ok(claims),
        Ok(_) => Err(IdTokenError::Malformed {
            reason: "its payload is not a JSON object",
        }),
        Err(_) => Err(IdTokenError::Malformed {
            reason: "its payload is not JSON",
        }),
    }
}

/// `token` without a leading `Bearer ` (any case).
pub(crate) fn strip_bearer(token: &str) -> &str {
    match token.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => token[7..].trim_start(),
        _ => token,
    }
}

fn write_json_value(out: &mut Vec<u8>, value: &Value) {
    serde_json::to_writer(&mut *out, value).expect("writing JSON to a Vec cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    fn jwt(payload: &Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        format!("{header}.{payload}.sig")
    }

    /// The members [`copy_from_id_token`] writes.
    fn members<'t>(
        id_token: &str,
        types: impl Iterator<Item = &'t str> + Clone,
    ) -> Result<Vec<u8>, IdTokenError> {
        let mut out = Vec::new();
        copy_from_id_token(id_token, types, &mut out)?;
        Ok(out)
    }

    fn copy(payload: &Value, types: &[&str]) -> Result<Value, IdTokenError> {
        let mut out = b"{".to_vec();
        out.extend(members(&jwt(payload), types.iter().copied())?);
        if out.ends_with(b",") {
            out.pop();
        }
        out.push(b'}');
        Ok(serde_json::from_slice(&out).unwrap())
    }

    #[test]
    fn only_listed_claim_types_are_copied_case_sensitively() {
        let payload = json!({"name": "Ann", "email": "a@x", "Role": "admin"});
        assert_eq!(
            copy(&payload, &["name", "role"]).unwrap(),
            json!({"name": "Ann"})
        );
    }

    #[test]
    fn reserved_claim_types_are_renamed() {
        let payload = json!({
            "aud": "a", "exp": 1, "iat": 2, "nbf": 3, "iss": "i", "actort": "x", "acr": "y",
            "azp": "z", "c_hash": "h", "jti": "j", "nonce": "n", "keep": true
        });
        let types: Vec<&str> = payload
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let copied = copy(&payload, &types).unwrap();
        for reserved in RESERVED {
            assert!(copied.get(reserved).is_none(), "{reserved} kept");
            assert!(
                copied.get(format!("asrs.u.{reserved}")).is_some(),
                "{reserved} lost"
            );
        }
        assert_eq!(copied["keep"], json!(true));
    }

    #[test]
    fn service_claim_types_cannot_be_set_by_a_copied_claim() {
        let payload = json!({"asrs.s.uid": "mallory", "asrs.s.aut": "x"});
        assert_eq!(
            copy(&payload, &["asrs.s.uid", "asrs.s.aut"]).unwrap(),
            json!({"asrs.u.asrs.s.uid": "mallory", "asrs.u.asrs.s.aut": "x"})
        );
    }

    #[test]
    fn only_the_first_sub_keeps_its_type() {
        let payload = json!({"sub": ["first", "second", "third"]});
        assert_eq!(
            copy(&payload, &["sub"]).unwrap(),
            json!({"sub": "first", "asrs.u.sub": ["second", "third"]})
        );
    }

    #[test]
    fn several_claims_of_one_type_become_an_array_and_one_stays_scalar() {
        let payload = json!({"roles": ["a", "b"], "single": ["only"], "n": 5});
        assert_eq!(
            copy(&payload, &["roles", "single", "n"]).unwrap(),
            json!({"roles": ["a", "b"], "single": "only", "n": 5})
        );
    }

    #[test]
    fn payloads_too_large_for_the_stack_buffer_are_read_too() {
        let long = "x".repeat(STACK_PAYLOAD_LEN * 2);
        let payload = json!({"name": long, "other": "y"});
        assert_eq!(copy(&payload, &["name"]).unwrap(), json!({"name": long}));
        let small = json!({"name": "Ann"});
        assert_eq!(copy(&small, &["name"]).unwrap(), small);
    }

    #[test]
    fn a_bearer_prefix_in_any_case_is_accepted() {
        let token = jwt(&json!({"name": "Ann"}));
        for prefix in ["Bearer ", "bearer ", "BEARER  ", ""] {
            let claims = members(&format!("{prefix}{token}"), ["name"].into_iter());
            assert_eq!(claims.unwrap(), br#""name":"Ann","#, "{prefix:?}");
        }
    }

    #[test]
    fn malformed_tokens_are_errors_not_panics() {
        let not_object = format!("h.{}.s", URL_SAFE_NO_PAD.encode("[1,2]"));
        let not_json = format!("h.{}.s", URL_SAFE_NO_PAD.encode("{nope"));
        for (token, reason) in [
            ("", "three"),
            ("a.b", "three"),
            ("a.b.c.d", "three"),
            ("h.e30.s.x", "three"),
            ("a..b.c", "three"),
            ("..", "not JSON"),
            ("a.!!!.c", "base64url"),
            (not_object.as_str(), "JSON object"),
            (not_json.as_str(), "not JSON"),
        ] {
            match members(token, ["x"].into_iter()) {
                Err(IdTokenError::Malformed { reason: r }) => {
                    assert!(r.contains(reason), "{token}: {r}")
                }
                other => panic!("{token}: {other:?}"),
            }
        }
    }

    #[test]
    fn limits_are_enforced() {
        let huge = "a".repeat(MAX_ID_TOKEN_LEN + 1);
        assert_eq!(
            members(&huge, ["x"].into_iter()),
            Err(IdTokenError::TooLarge {
                length: MAX_ID_TOKEN_LEN + 1
            })
        );
        let many: Vec<u32> = (0..=MAX_COPIED_CLAIMS as u32).collect();
        assert!(matches!(
            copy(&json!({"x": many}), &["x"]),
            Err(IdTokenError::TooManyClaims { .. })
        ));
    }

    #[test]
    fn what_the_fast_path_wrote_before_declining_is_not_kept() {
        // The scan copies `name`, then declines at the object in `x`: the general path
        // writes both, once. After an error, the buffer is as it was.
        let mut out = b"{\"asrs.s.uid\":\"u\",".to_vec();
        let token = jwt(&json!({"name": "Ann", "x": {"a": 1}}));
        copy_from_id_token(&token, ["name", "x"].into_iter(), &mut out).unwrap();
        assert_eq!(out, br#"{"asrs.s.uid":"u","name":"Ann","x":{"a":1},"#);

        let many: Vec<u32> = (0..=MAX_COPIED_CLAIMS as u32).collect();
        let token = jwt(&json!({"name": "Ann", "x": many}));
        let before = out.clone();
        let error = copy_from_id_token(&token, ["name", "x"].into_iter(), &mut out);
        assert!(matches!(error, Err(IdTokenError::TooManyClaims { .. })));
        assert_eq!(out, before);
    }

    proptest::proptest! {
        #[test]
        fn any_token_gives_claims_or_an_error(token in ".{0,200}") {
            let _ = members(&token, ["sub", "name"].into_iter());
        }

        #[test]
        fn any_base64_payload_gives_claims_or_an_error(payload in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let token = format!("h.{}.s", URL_SAFE_NO_PAD.encode(payload));
            let _ = members(&token, ["sub", "name"].into_iter());
        }
    }
}
