//! Minting the access token: a compact HS256 JWT, as Azure SignalR Service expects it
//! (Azure/azure-signalr, `src/Microsoft.Azure.SignalR.Common/Auth/AuthUtility.cs`).
//!
//! The work that does not change between requests is done once per connection string: the
//! header segment is a constant and the HMAC key schedule is computed when the key is
//! prepared, so a request pays for the claims, two base64 encodings and one HMAC.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::connection_string::AccessKey;
use crate::json;

/// base64url of `{"alg":"HS256","typ":"JWT"}`.
const HEADER_SEGMENT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// The longest access token the service accepts, in characters.
pub const MAX_ACCESS_TOKEN_LEN: usize = 4096;

/// The claim that carries the connection's user id in current Azure SignalR SDKs.
pub const USER_ID_CLAIM: &str = "asrs.s.uid";

/// The claim that asks the service to close the connection when the login expires
/// (Azure/azure-signalr `Constants.ClaimType.CloseOnAuthExpiration`); its value is `"true"`.
pub const CLOSE_ON_AUTH_EXPIRY_CLAIM: &str = "asrs.s.coae";

/// The claim that says when the login expires, in Unix seconds as a string
/// (Azure/azure-signalr `Constants.ClaimType.AuthExpiresOn`).
pub const AUTH_EXPIRES_ON_CLAIM: &str = "asrs.s.aeo";

/// The `iss` the SDKs set.
const ISSUER: &str = "azure-signalr";

/// An access key made ready to sign: the HMAC key schedule, computed once, and the header
/// segment (with the key's `kid` when it has one).
#[derive(Clone)]
pub(crate) struct SigningKey {
    mac: Hmac<Sha256>,
    header: std::borrow::Cow<'static, str>,
}

impl SigningKey {
    pub(crate) fn new(key: &AccessKey) -> Self {
        Self::from_secret(key.expose_secret(), None)
    }

    /// A key from its secret, with the header `{"alg":"HS256","typ":"JWT","kid":KEY_ID}` when
    /// `key_id` is given (the key fetched for identity-based auth), else without `kid`.
    pub(crate) fn from_secret(secret: &str, key_id: Option<&str>) -> Self {
        let header = match key_id {
            None => std::borrow::Cow::Borrowed(HEADER_SEGMENT),
            Some(key_id) => {
                let mut json = b"{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":".to_vec();
                json::write_string(&mut json, key_id);
                json.push(b'}');
                std::borrow::Cow::Owned(base64_simd::URL_SAFE_NO_PAD.encode_to_string(&json))
            }
        };
        Self {
            mac: Hmac::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length"),
            header,
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

/// Room for what every payload has besides the audience's and the user id's values: the
/// braces, `nbf`, `exp` and `iat` (up to 20 digits each), `aud`'s name and `iss`.
const FIXED_CLAIMS_LEN: usize = 128;

/// An access token's payload being written: the user id claim first, then the claims copied
/// from an id token, written by their reader straight into it ([`Payload::copied_claims`]),
/// then the time and audience claims and the signature ([`Payload::sign`]).
pub(crate) struct Payload<'a> {
    json: Vec<u8>,
    audience: &'a str,
    /// The latest `exp`, when the token must not outlive a login.
    expires_by: Option<u64>,
}

impl<'a> Payload<'a> {
    /// Starts the payload of a token for `audience`, with `asrs.s.uid` when there is a user id;
    /// `copied_len` is about how many bytes of copied claims will be written (0 for none), so
    /// that the payload is allocated once.
    pub(crate) fn new(audience: &'a str, user_id: Option<&str>, copied_len: usize) -> Self {
        let mut json = Vec::with_capacity(
            FIXED_CLAIMS_LEN
                + audience.len()
                + user_id.map_or(0, |u| USER_ID_CLAIM.len() + u.len() + 6)
                + copied_len,
        );
        json.push(b'{');
        if let Some(user_id) = user_id {
            json::write_string(&mut json, USER_ID_CLAIM);
            json.push(b':');
            json::write_string(&mut json, user_id);
            json.push(b',');
        }
        Self {
            json,
            audience,
            expires_by: None,
        }
    }

    /// Caps the token's `exp` at `expires_by` (Unix seconds): the token never outlives the
    /// login that `expires_by` ends.
    pub(crate) fn expire_by(&mut self, expires_by: u64) {
        self.expires_by = Some(expires_by);
    }

    /// Adds the claims that ask the service to close the connection when the login ends at
    /// `expires_on` (Unix seconds), as the service SDK writes them (Azure/azure-signalr
    /// `ClaimsUtility.BuildJwtClaims`): after the user id, before the copied claims, both as
    /// strings. Call it before writing copied claims.
    pub(crate) fn close_on_auth_expiry(&mut self, expires_on: u64) {
        json::write_string(&mut self.json, CLOSE_ON_AUTH_EXPIRY_CLAIM);
        self.json.extend_from_slice(b":\"true\",");
        json::write_string(&mut self.json, AUTH_EXPIRES_ON_CLAIM);
        self.json.extend_from_slice(b":\"");
        self.json
            .extend_from_slice(itoa::Buffer::new().format(expires_on).as_bytes());
        self.json.extend_from_slice(b"\",");
    }

    /// Where copied claims are written: JSON object members, each followed by a comma
    /// (`"type":value,`).
    pub(crate) fn copied_claims(&mut self) -> &mut Vec<u8> {
        &mut self.json
    }

    /// Ends the payload with `nbf`, `exp` (`now` plus `lifetime`, or the cap set by
    /// [`Payload::expire_by`] when that is sooner), `iat`, `aud` and `iss`, and signs it with
    /// `key` into a compact JWT.
    pub(crate) fn sign(self, key: &SigningKey, now: u64, lifetime: u64) -> String {
        let exp = now
            .saturating_add(lifetime)
            .min(self.expires_by.unwrap_or(u64::MAX));
        let mut payload = self.json;
        let mut numbers = itoa::Buffer::new();
        for (name, value) in [("\"nbf\":", now), ("\"exp\":", exp), ("\"iat\":", now)] {
            payload.extend_from_slice(name.as_bytes());
            payload.extend_from_slice(numbers.format(value).as_bytes());
            payload.push(b',');
        }
        payload.extend_from_slice(b"\"aud\":");
        json::write_string(&mut payload, self.audience);
        payload.extend_from_slice(b",\"iss\":\"");
        payload.extend_from_slice(ISSUER.as_bytes());
        payload.extend_from_slice(b"\"}");

        let encoded_payload = payload.len().div_ceil(3) * 4;
        let mut token = String::with_capacity(key.header.len() + encoded_payload + 46);
        token.push_str(&key.header);
        token.push('.');
        base64_simd::URL_SAFE_NO_PAD.encode_append(&payload, &mut token);
        let mut mac = key.mac.clone();
        mac.update(token.as_bytes());
        let signature = mac.finalize().into_bytes();
        token.push('.');
        base64_simd::URL_SAFE_NO_PAD.encode_append(signature, &mut token);
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection_string::{ConnectionString, Credential};
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};
    use serde_json::Value;

    const KEY: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";

    fn key() -> SigningKey {
        let cs = ConnectionString::parse(&format!("Endpoint=http://localhost;AccessKey={KEY};"))
            .unwrap();
        let Credential::AccessKey(key) = cs.credential() else {
            panic!("access key expected")
        };
        SigningKey::new(key)
    }

    fn decode(token: &str, audience: &str) -> Value {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[audience]);
        validation.validate_exp = false;
        jsonwebtoken::decode::<Value>(
            token,
            &DecodingKey::from_secret(KEY.as_bytes()).unwrap(),
            &validation,
        )
        .unwrap()
        .claims
    }

    #[test]
    fn a_fetched_key_writes_its_kid_in_the_header() {
        let key = SigningKey::from_secret(KEY, Some("key-\"1\""));
        let token = Payload::new("aud", None, 0).sign(&key, 1, 60);
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some("key-\"1\""));
        assert_eq!(header.alg, Algorithm::HS256);
        decode(&token, "aud");
    }

    #[test]
    fn the_header_segment_is_hs256_jwt() {
        let header: Value = serde_json::from_slice(
            &base64_simd::URL_SAFE_NO_PAD
                .decode_to_vec(HEADER_SEGMENT)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(header, serde_json::json!({"alg": "HS256", "typ": "JWT"}));
    }

    #[test]
    fn a_minted_token_verifies_and_carries_every_claim() {
        let token = Payload::new(
            "http://localhost/client/?hub=chat",
            Some("ann \"quoted\""),
            0,
        )
        .sign(&key(), 1_700_000_000, 3600);
        let claims = decode(&token, "http://localhost/client/?hub=chat");
        assert_eq!(
            claims,
            serde_json::json!({
                "asrs.s.uid": "ann \"quoted\"",
                "nbf": 1_700_000_000u64, "iat": 1_700_000_000u64, "exp": 1_700_003_600u64,
                "aud": "http://localhost/client/?hub=chat", "iss": "azure-signalr"
            })
        );
    }

    #[test]
    fn copied_claims_are_written_between_the_user_claim_and_the_time_claims() {
        let mut payload = Payload::new("a", Some("ann"), 0);
        payload
            .copied_claims()
            .extend_from_slice(br#""name":"Ann","roles":["a","b"],"#);
        let token = payload.sign(&key(), 5, 10);
        let text = base64_simd::URL_SAFE_NO_PAD
            .decode_to_vec(token.split('.').nth(1).unwrap())
            .unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            r#"{"asrs.s.uid":"ann","name":"Ann","roles":["a","b"],"nbf":5,"exp":15,"iat":5,"aud":"a","iss":"azure-signalr"}"#
        );
        assert_eq!(decode(&token, "a")["roles"], serde_json::json!(["a", "b"]));
    }

    #[test]
    fn no_user_id_means_no_user_claim() {
        let token = Payload::new("a", None, 0).sign(&key(), 0, 1);
        assert!(decode(&token, "a").get(USER_ID_CLAIM).is_none());
    }

    #[test]
    fn a_capped_token_expires_at_the_cap_when_it_is_sooner() {
        let mut payload = Payload::new("a", None, 0);
        payload.expire_by(100);
        assert_eq!(decode(&payload.sign(&key(), 50, 3600), "a")["exp"], 100);
        let mut payload = Payload::new("a", None, 0);
        payload.expire_by(10_000);
        assert_eq!(decode(&payload.sign(&key(), 50, 3600), "a")["exp"], 3650);
    }

    #[test]
    fn close_on_auth_expiry_claims_follow_the_user_id_as_strings() {
        let mut payload = Payload::new("a", Some("ann"), 0);
        payload.close_on_auth_expiry(1_700_000_600);
        payload
            .copied_claims()
            .extend_from_slice(br#""name":"Ann","#);
        let token = payload.sign(&key(), 5, 10);
        let text = base64_simd::URL_SAFE_NO_PAD
            .decode_to_vec(token.split('.').nth(1).unwrap())
            .unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            r#"{"asrs.s.uid":"ann","asrs.s.coae":"true","asrs.s.aeo":"1700000600","name":"Ann","nbf":5,"exp":15,"iat":5,"aud":"a","iss":"azure-signalr"}"#
        );
    }

    #[test]
    fn the_signing_key_does_not_print() {
        assert!(!format!("{:?}", key()).contains(KEY));
    }
}
