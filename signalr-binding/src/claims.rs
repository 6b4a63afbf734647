//! Claims copied from an id token into the access token.
//!
//! Like the Azure binding (Azure/azure-sdk-for-net,
//! `sdk/signalr/Microsoft.Azure.WebJobs.Extensions.SignalRService/src/SignalRConnectionInputBinding.cs`),
//! the id token's payload is read, its claims filtered by the binding's claim-type list (exact,
//! case-sensitive match), and a copied claim whose type the service reserves is renamed
//! `asrs.u.TYPE` (Azure/azure-signalr, `src/Microsoft.Azure.SignalR.Common/Auth/AuthUtility.cs`).
//! Where this crate differs from Azure, it is safer: a `Bearer ` prefix is accepted
//! (azure-signalr #2055), any claim type starting with `asrs.` is renamed too (so a copied claim
//! can never set the connection's identity or another service claim), and size limits keep one
//! request cheap.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use http::StatusCode;
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::{Map, Value};

use crate::json;

/// The largest id token read, in bytes.
pub const MAX_ID_TOKEN_LEN: usize = 16 * 1024;

/// The most claims copied from one id token.
pub const MAX_COPIED_CLAIMS: usize = 100;

/// Claim types the service reserves; a copied claim of one of these types is renamed
/// `asrs.u.TYPE`: the registered claim names Azure/azure-signalr's `AuthUtility.cs` reserves
/// (its `JwtRegisteredClaimNames`).
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
    /// A `{id_token.CLAIM}` expression reads a claim the id token does not have.
    #[error("the id token has no `{claim}` claim")]
    MissingClaim {
        /// The claim type.
        claim: String,
    },
    /// A `{id_token.CLAIM}` expression reads a claim that is not a string.
    #[error("the id token's `{claim}` claim is not a string")]
    ClaimNotString {
        /// The claim type.
        claim: String,
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
            Self::MissingClaim { .. } => "missing_id_token_claim",
            Self::ClaimNotString { .. } => "id_token_claim_not_string",
        }
    }
}

/// Reads the id token's payload and writes the claims whose type is in `claim_types` into
/// `out` as JSON object members, each followed by a comma (`"type":value,`): into an access
/// token's payload ([`crate::token::Payload::copied_claims`]).
///
/// The payload is read by `serde_json` as it is copied: the claims not asked for are checked
/// and skipped, with no `Value` built, and a copied string is borrowed from the decoded text.
/// It accepts exactly what `serde_json` reads as an object. On an error, `out` is as it was.
pub(crate) fn copy_from_id_token<'t>(
    id_token: &str,
    claim_types: impl Iterator<Item = &'t str> + Clone,
    out: &mut Vec<u8>,
) -> Result<(), IdTokenError> {
    let json = payload_json(id_token)?;
    let start = out.len();
    let mut payload = serde_json::Deserializer::from_slice(&json);
    let mut copy = ClaimWriter::new(out, Keys::MaybeRepeated);
    let read =
        copy_claims(&mut payload, claim_types.clone(), &mut copy).and_then(|()| payload.end());
    let repeated = copy.repeated;
    let count = copy.count;
    match read {
        Ok(()) if count <= MAX_COPIED_CLAIMS => Ok(()),
        Ok(()) => {
            out.truncate(start);
            Err(IdTokenError::TooManyClaims {
                count: MAX_COPIED_CLAIMS + 1,
            })
        }
        Err(_) if repeated => {
            // A claim asked for is written twice: as `serde_json` does, the last one counts.
            out.truncate(start);
            let claims = CopiedClaims::from_payload(&parse_payload(&json)?, claim_types)?;
            claims.write_members(out);
            Ok(())
        }
        Err(_) => {
            out.truncate(start);
            Err(parse_payload(&json).err().unwrap_or(NOT_JSON))
        }
    }
}

/// Claims to add to an access token, as JSON object members.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct CopiedClaims {
    members: Vec<u8>,
}

impl CopiedClaims {
    /// Keeps the claims of an already decoded (e.g. verified) payload whose type is in
    /// `claim_types`, by the rules [`copy_from_id_token`] applies.
    pub(crate) fn from_payload<'t>(
        payload: &Map<String, Value>,
        claim_types: impl Iterator<Item = &'t str> + Clone,
    ) -> Result<Self, IdTokenError> {
        let mut members = Vec::new();
        let mut copy = ClaimWriter::new(&mut members, Keys::Unique);
        // Reading a `Map` cannot fail: every JSON value is accepted.
        copy_claims(payload, claim_types, &mut copy).map_err(|_| NOT_JSON)?;
        if copy.count > MAX_COPIED_CLAIMS {
            return Err(IdTokenError::TooManyClaims {
                count: MAX_COPIED_CLAIMS + 1,
            });
        }
        Ok(Self { members })
    }

    /// Writes the claims as JSON object members (`"type":value,` each, with a trailing comma).
    pub(crate) fn write_members(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.members);
    }
}

const NOT_JSON: IdTokenError = IdTokenError::Malformed {
    reason: "its payload is not JSON",
};

/// The copy rules, for a payload read from text or from a `Map`: the claims whose type is in
/// `claim_types` (exact match) are written to `copy`, renamed when the service reserves their
/// type; a JSON array is several claims of one type, written back as an array when more than
/// one is left, and only the first `sub` keeps its type.
fn copy_claims<'de, 't, D: Deserializer<'de>>(
    payload: D,
    claim_types: impl Iterator<Item = &'t str> + Clone,
    copy: &mut ClaimWriter<'_>,
) -> Result<(), D::Error> {
    payload.deserialize_map(PayloadVisitor { claim_types, copy })
}

/// Whether a payload's member names are known to be unique.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keys {
    /// Read from a `Map`.
    Unique,
    /// Read from text, where a name may be written twice.
    MaybeRepeated,
}

/// The access-token members being written, and how many claims they hold.
struct ClaimWriter<'o> {
    out: &'o mut Vec<u8>,
    count: usize,
    keys: Keys,
    /// One bit per position in the claim-type list (the 64th and later share one) of the
    /// claim types copied so far.
    seen: u64,
    /// Set when a claim type asked for may be written twice: reading stops, and the caller
    /// reads the payload into a `Map` first, which keeps the last.
    repeated: bool,
}

impl<'o> ClaimWriter<'o> {
    fn new(out: &'o mut Vec<u8>, keys: Keys) -> Self {
        Self {
            out,
            count: 0,
            keys,
            seen: 0,
            repeated: false,
        }
    }

    /// Writes `"type":`, the type renamed when reserved (or, for `sub`, when not the first).
    fn name(&mut self, claim_type: &str, renamed: bool) {
        if renamed {
            json::write_string(self.out, &format!("{RENAMED_PREFIX}{claim_type}"));
        } else {
            json::write_string(self.out, claim_type);
        }
        self.out.push(b':');
    }
}

/// Whether a copied claim of type `claim_type` is renamed `asrs.u.TYPE` (a `sub` after the
/// first is renamed too, by the caller).
fn is_reserved(claim_type: &str) -> bool {
    RESERVED.contains(&claim_type) || claim_type.starts_with("asrs.")
}

/// Reads the payload object, copying the members asked for and skipping the rest.
struct PayloadVisitor<'c, 'o, I> {
    claim_types: I,
    copy: &'c mut ClaimWriter<'o>,
}

impl<'de, 't, I: Iterator<Item = &'t str> + Clone> Visitor<'de> for PayloadVisitor<'_, '_, I> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<(), A::Error> {
        while let Some(name) = members.next_key_seed(MemberName)? {
            let wanted = self
                .claim_types
                .clone()
                .enumerate()
                .find(|(_, wanted)| *wanted == name);
            let Some((position, claim_type)) = wanted else {
                members.next_value_seed(Skip)?;
                continue;
            };
            let bit = 1 << position.min(63);
            if self.copy.keys == Keys::MaybeRepeated && self.copy.seen & bit != 0 {
                self.copy.repeated = true;
                return Err(de::Error::custom("a claim type is written twice"));
            }
            self.copy.seen |= bit;
            members.next_value_seed(ClaimValues {
                claim_type,
                copy: &mut *self.copy,
            })?;
        }
        Ok(())
    }
}

/// A member name, borrowed from the text when it has no escape.
struct MemberName;

impl<'de> DeserializeSeed<'de> for MemberName {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, name: D) -> Result<Self::Value, D::Error> {
        name.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MemberName {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(name))
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(name.to_owned()))
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(name))
    }
}

/// A value not asked for: read (so that it is checked as `serde_json` checks any value) and
/// dropped.
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, value: D) -> Result<(), D::Error> {
        // `deserialize_any`, not `deserialize_ignored_any`: the latter accepts numbers out of
        // range and strings that are not UTF-8, which reading the payload as a `Value` refuses.
        value.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut values: A) -> Result<(), A::Error> {
        while values.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<(), A::Error> {
        while members.next_key_seed(Skip)?.is_some() {
            members.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

/// The value of a member asked for: one claim, or (a JSON array) several of one type.
struct ClaimValues<'c, 'o, 't> {
    claim_type: &'t str,
    copy: &'c mut ClaimWriter<'o>,
}

impl ClaimValues<'_, '_, '_> {
    /// Writes one claim whose value `write` writes.
    fn one<E: de::Error>(
        self,
        write: impl FnOnce(WriteValue<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.copy.count += 1;
        self.copy
            .name(self.claim_type, is_reserved(self.claim_type));
        write(WriteValue(self.copy.out))?;
        self.copy.out.push(b',');
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for ClaimValues<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, value: D) -> Result<(), D::Error> {
        value.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ClaimValues<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.one(|w| w.visit_bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.one(|w| w.visit_i64(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.one(|w| w.visit_u64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.one(|w| w.visit_f64(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.one(|w| w.visit_str(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.one(|w| w.visit_unit())
    }

    fn visit_map<A: MapAccess<'de>>(self, members: A) -> Result<(), A::Error> {
        self.one(|w| w.visit_map(members))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut values: A) -> Result<(), A::Error> {
        let Self { claim_type, copy } = self;
        // The first `sub` is a claim of its own; the values after it share one member.
        let mut own_sub = claim_type == "sub";
        // Where the `[` of the shared member is, once one is written, and how many values it
        // holds.
        let mut bracket = None;
        let mut shared = 0usize;
        loop {
            let mark = copy.out.len();
            let mut opened = None;
            if own_sub {
                copy.name(claim_type, false);
            } else if bracket.is_none() {
                copy.name(claim_type, claim_type == "sub" || is_reserved(claim_type));
                opened = Some(copy.out.len());
                copy.out.push(b'[');
            } else {
                copy.out.push(b',');
            }
            if values.next_element_seed(WriteValue(copy.out))?.is_none() {
                copy.out.truncate(mark);
                break;
            }
            copy.count += 1;
            if own_sub {
                own_sub = false;
                copy.out.push(b',');
            } else {
                bracket = bracket.or(opened);
                shared += 1;
            }
        }
        match bracket {
            None => {}
            Some(bracket) if shared == 1 => {
                copy.out.remove(bracket);
                copy.out.push(b',');
            }
            Some(_) => copy.out.extend_from_slice(b"],"),
        }
        Ok(())
    }
}

/// Writes one value as `serde_json` writes the `Value` it reads.
struct WriteValue<'o>(&'o mut Vec<u8>);

impl<'de> DeserializeSeed<'de> for WriteValue<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, value: D) -> Result<(), D::Error> {
        value.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for WriteValue<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.0
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        write_json_value(self.0, &v);
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        json::write_string(self.0, v);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut values: A) -> Result<(), A::Error> {
        self.0.push(b'[');
        let mut first = true;
        loop {
            let mark = self.0.len();
            if !first {
                self.0.push(b',');
            }
            if values.next_element_seed(WriteValue(self.0))?.is_none() {
                self.0.truncate(mark);
                break;
            }
            first = false;
        }
        self.0.push(b']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<(), A::Error> {
        // As a `Value`: a member written twice keeps its last value, and members are sorted.
        let mut object = Map::new();
        while let Some((name, value)) = members.next_entry::<String, Value>()? {
            object.insert(name, value);
        }
        write_json_value(self.0, &Value::Object(object));
        Ok(())
    }
}

/// The decoded payload of a compact JWT, with a `Bearer ` prefix (any case) tolerated.
pub(crate) fn payload_json(id_token: &str) -> Result<Vec<u8>, IdTokenError> {
    let Segments { payload, .. } = Segments::of(id_token)?;
    // base64-simd: the payload is most of an id token, and decoding it the largest fixed cost
    // of copying claims after parsing.
    base64_simd::URL_SAFE_NO_PAD
        .decode_to_vec(payload.trim_end_matches('=').as_bytes())
        .map_err(|_| {
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

/// The string claim `claim` of a decoded id-token payload, for `{id_token.CLAIM}`.
pub(crate) fn string_claim<'c>(
    claims: &'c Map<String, Value>,
    claim: &str,
) -> Result<&'c str, IdTokenError> {
    match claims.get(claim) {
        Some(Value::String(value)) => Ok(value),
        Some(_) => Err(IdTokenError::ClaimNotString {
            claim: claim.to_owned(),
        }),
        None => Err(IdTokenError::MissingClaim {
            claim: claim.to_owned(),
        }),
    }
}

/// A NumericDate claim (`exp`): non-negative seconds since the Unix epoch, fractions dropped.
pub(crate) fn numeric_date(value: &Value) -> Option<u64> {
    let number = value.as_number()?;
    if let Some(seconds) = number.as_u64() {
        return Some(seconds);
    }
    let seconds = number.as_f64()?;
    // `as` saturates; negative and non-finite values are refused.
    (seconds.is_finite() && seconds >= 0.0).then_some(seconds as u64)
}

/// The string claim `claim` of an id-token payload `json` (its decoded text), read without
/// building a map: the payload is checked and skipped but for that claim, the last one when it
/// is written twice (as `serde_json` keeps it).
pub(crate) fn string_claim_in<'j>(
    json: &'j [u8],
    claim: &str,
) -> Result<Cow<'j, str>, IdTokenError> {
    let mut payload = serde_json::Deserializer::from_slice(json);
    let found = payload
        .deserialize_map(FindClaim {
            claim,
            found: PhantomData,
        })
        .and_then(|found| payload.end().map(|()| found));
    match found {
        Ok(Some(Text::String(value))) => Ok(value),
        Ok(Some(Text::Other)) => Err(IdTokenError::ClaimNotString {
            claim: claim.to_owned(),
        }),
        Ok(None) => Err(IdTokenError::MissingClaim {
            claim: claim.to_owned(),
        }),
        Err(_) => Err(parse_payload(json).err().unwrap_or(NOT_JSON)),
    }
}

/// Reads a payload object for one member.
struct FindClaim<'c, 'j> {
    claim: &'c str,
    found: PhantomData<Text<'j>>,
}

impl<'de: 'j, 'j> Visitor<'de> for FindClaim<'_, 'j> {
    type Value = Option<Text<'j>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(name) = members.next_key_seed(MemberName)? {
            if name == self.claim {
                found = Some(members.next_value::<Text<'j>>()?);
            } else {
                members.next_value_seed(Skip)?;
            }
        }
        Ok(found)
    }
}

/// A JSON value that is kept when it is a string (borrowed when it has no escape).
pub(crate) enum Text<'j> {
    /// A string.
    String(Cow<'j, str>),
    /// Any other value, checked and skipped.
    Other,
}

impl<'de: 'j, 'j> Deserialize<'de> for Text<'j> {
    fn deserialize<D: Deserializer<'de>>(value: D) -> Result<Self, D::Error> {
        value.deserialize_any(TextVisitor(PhantomData))
    }
}

struct TextVisitor<'j>(PhantomData<Text<'j>>);

impl<'de: 'j, 'j> Visitor<'de> for TextVisitor<'j> {
    type Value = Text<'j>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Text::String(Cow::Borrowed(text)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Text::String(Cow::Owned(text.to_owned())))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Text::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Text::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Text::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Text::Other)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Text::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut values: A) -> Result<Self::Value, A::Error> {
        while values.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Text::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Self::Value, A::Error> {
        while members.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Text::Other)
    }
}

/// The payload of compact JWT `id_token` as a JSON object, read by `serde_json`.
pub(crate) fn payload_object(id_token: &str) -> Result<Map<String, Value>, IdTokenError> {
    parse_payload(&payload_json(id_token)?)
}

/// The payload's JSON as an object.
fn parse_payload(json: &[u8]) -> Result<Map<String, Value>, IdTokenError> {
    match serde_json::from_slice(json) {
        Ok(Value::Object(claims)) => Ok(claims),
        Ok(_) => Err(IdTokenError::Malformed {
            reason: "its payload is not a JSON object",
        }),
        Err(_) => Err(NOT_JSON),
    }
}

/// `token` without a leading `Bearer ` (any case).
pub(crate) fn strip_bearer(token: &str) -> &str {
    match token.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => token[7..].trim_start(),
        _ => token,
    }
}

fn write_json_value(out: &mut Vec<u8>, value: &impl serde::Serialize) {
    serde_json::to_writer(&mut *out, value).expect("writing JSON to a Vec cannot fail");
}

#[cfg(test)]
mod tests;
