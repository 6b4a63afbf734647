//! The client principal that App Service authentication and Static Web Apps put in the
//! `x-ms-client-principal` header: base64 of a JSON object, read by `{principal.FIELD}` and
//! `{principal.claims.TYPE}`.
//!
//! The two services send two shapes
//! ([App Service: user identities](https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities),
//! [Static Web Apps: accessing user information](https://learn.microsoft.com/azure/static-web-apps/user-information)):
//!
//! - Static Web Apps: `{"identityProvider": "github", "userId": "...", "userDetails": "...",
//!   "userRoles": [...]}`, sometimes with `claims`;
//! - App Service: `{"auth_typ": "aad", "name_typ": "...", "role_typ": "...",
//!   "claims": [{"typ": "...", "val": "..."}, ...]}`.
//!
//! A field is read from the Static Web Apps shape first; `identityProvider` falls back to
//! `auth_typ` and `userDetails` to the claim whose type is `name_typ`. The App Service shape has
//! no user id field: its user id is a claim (`{principal.claims.TYPE}`) or the
//! `x-ms-client-principal-id` header.
//!
//! The header is only as trustworthy as what sets it: the platform sets it after signing the
//! user in and removes it from incoming requests. Behind anything else a client can send its own.

use std::borrow::Cow;

use http::{HeaderName, StatusCode};
use serde::Deserialize;
use signalr_binding_expression::PrincipalField;

use crate::claims::Text;
use crate::error::BindingError;
use crate::request::{self, BindingRequest};

/// The header the principal comes in.
pub const PRINCIPAL_HEADER: &str = "x-ms-client-principal";

const PRINCIPAL_HEADER_NAME: HeaderName = HeaderName::from_static(PRINCIPAL_HEADER);

/// The largest principal header read, in bytes.
pub const MAX_PRINCIPAL_LEN: usize = 16 * 1024;

/// Why the `x-ms-client-principal` header could not give what a template reads: a 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrincipalError {
    /// The header is larger than [`MAX_PRINCIPAL_LEN`].
    #[error(
        "the `x-ms-client-principal` header is {length} bytes, more than the {MAX_PRINCIPAL_LEN} bytes accepted"
    )]
    TooLarge {
        /// Its length in bytes.
        length: usize,
    },
    /// The header is not base64 of a JSON object.
    #[error("the `x-ms-client-principal` header is not a client principal: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The principal has no such field, or it is not a string.
    #[error("the client principal has no string `{field}`{}", field_advice(field))]
    MissingField {
        /// The field, as `{principal.FIELD}` names it.
        field: &'static str,
    },
    /// The principal has no claim of this type.
    #[error("the client principal has no `{claim_type}` claim")]
    MissingClaim {
        /// The claim type.
        claim_type: String,
    },
    /// A claim of this type has a value that is not a string.
    #[error("a `{claim_type}` claim of the client principal is not a string")]
    ClaimNotString {
        /// The claim type.
        claim_type: String,
    },
}

fn field_advice(field: &str) -> &'static str {
    if field == PrincipalField::UserId.name() {
        " (App Service sends no `userId`: read a claim, `{principal.claims.TYPE}`, or the \
         `x-ms-client-principal-id` header)"
    } else {
        ""
    }
}

impl PrincipalError {
    /// The HTTP status for this error: the request is at fault.
    pub fn status(&self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }

    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "principal_too_large",
            Self::Malformed { .. } => "malformed_principal",
            Self::MissingField { .. } => "missing_principal_field",
            Self::MissingClaim { .. } => "missing_principal_claim",
            Self::ClaimNotString { .. } => "principal_claim_not_string",
        }
    }
}

/// A decoded client principal: the header's JSON, read again (borrowing, without building a
/// map) for each field asked for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Principal {
    json: Vec<u8>,
}

/// The members of either shape this binding reads; the others are skipped.
#[derive(Deserialize)]
struct Fields<'j> {
    #[serde(borrow, rename = "userId")]
    user_id: Option<Text<'j>>,
    #[serde(borrow, rename = "userDetails")]
    user_details: Option<Text<'j>>,
    #[serde(borrow, rename = "identityProvider")]
    identity_provider: Option<Text<'j>>,
    #[serde(borrow)]
    auth_typ: Option<Text<'j>>,
    #[serde(borrow)]
    name_typ: Option<Text<'j>>,
    #[serde(borrow, default)]
    claims: Vec<Claim<'j>>,
}

/// One `{"typ": ..., "val": ...}` of the `claims` list.
#[derive(Deserialize)]
struct Claim<'j> {
    #[serde(borrow)]
    typ: Cow<'j, str>,
    #[serde(borrow)]
    val: Text<'j>,
}

const NOT_A_PRINCIPAL: PrincipalError = PrincipalError::Malformed {
    reason: "it is not base64 of a JSON object in the App Service or Static Web Apps shape",
};

impl Principal {
    /// The principal in the request's `x-ms-client-principal` header (no request: the header is
    /// missing).
    pub(crate) fn from_request(request: Option<&dyn BindingRequest>) -> Result<Self, BindingError> {
        let Some(request) = request else {
            return Err(BindingError::MissingHeader {
                name: PRINCIPAL_HEADER.to_owned(),
            });
        };
        let header = request::header(request, PRINCIPAL_HEADER, Some(&PRINCIPAL_HEADER_NAME))?;
        Ok(Self::decode(&header)?)
    }

    /// Decodes the header's value: base64 (padded or not) of a JSON object.
    pub(crate) fn decode(header: &str) -> Result<Self, PrincipalError> {
        if header.len() > MAX_PRINCIPAL_LEN {
            return Err(PrincipalError::TooLarge {
                length: header.len(),
            });
        }
        let json = base64_simd::STANDARD_NO_PAD
            .decode_to_vec(header.trim().trim_end_matches('=').as_bytes())
            .map_err(|_| PrincipalError::Malformed {
                reason: "it is not base64",
            })?;
        let principal = Self { json };
        principal.fields()?;
        Ok(principal)
    }

    fn fields(&self) -> Result<Fields<'_>, PrincipalError> {
        serde_json::from_slice(&self.json).map_err(|_| NOT_A_PRINCIPAL)
    }

    /// The string field `field`.
    pub(crate) fn field(&self, field: PrincipalField) -> Result<Cow<'_, str>, PrincipalError> {
        let missing = PrincipalError::MissingField {
            field: field.name(),
        };
        let fields = self.fields()?;
        fn text(value: Option<Text<'_>>) -> Option<Cow<'_, str>> {
            match value {
                Some(Text::String(text)) => Some(text),
                _ => None,
            }
        }
        let value = match field {
            PrincipalField::UserId => text(fields.user_id),
            PrincipalField::IdentityProvider => {
                text(fields.identity_provider).or_else(|| text(fields.auth_typ))
            }
            PrincipalField::UserDetails => match text(fields.user_details) {
                Some(details) => Some(details),
                None => match text(fields.name_typ) {
                    Some(name_type) => {
                        return claim_values(fields.claims, &name_type).map_err(|_| missing);
                    }
                    None => None,
                },
            },
            // `PrincipalField` is `non_exhaustive`; every field this crate knows is above.
            #[allow(unreachable_patterns)]
            _ => None,
        };
        value.ok_or(missing)
    }

    /// The values of the claims of type `claim_type` (exact match) in the `claims` list, joined
    /// with `,` when there are several, as several values of one header are.
    pub(crate) fn claim(&self, claim_type: &str) -> Result<Cow<'_, str>, PrincipalError> {
        claim_values(self.fields()?.claims, claim_type)
    }
}

fn claim_values<'j>(
    claims: Vec<Claim<'j>>,
    claim_type: &str,
) -> Result<Cow<'j, str>, PrincipalError> {
    let mut found: Option<Cow<'j, str>> = None;
    for claim in claims {
        if claim.typ != claim_type {
            continue;
        }
        let Text::String(value) = claim.val else {
            return Err(PrincipalError::ClaimNotString {
                claim_type: claim_type.to_owned(),
            });
        };
        found = Some(match found {
            None => value,
            Some(joined) => Cow::Owned(format!("{joined},{value}")),
        });
    }
    found.ok_or_else(|| PrincipalError::MissingClaim {
        claim_type: claim_type.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(json: serde_json::Value) -> Principal {
        Principal::decode(&base64_simd::STANDARD.encode_to_string(json.to_string())).unwrap()
    }

    #[test]
    fn the_static_web_apps_shape() {
        let p = principal(serde_json::json!({
            "identityProvider": "github", "userId": "d75b260a64504067bfc5b2905e3b8182",
            "userDetails": "ann", "userRoles": ["anonymous", "authenticated"],
            "claims": [{"typ": "name", "val": "Ann"}]
        }));
        assert_eq!(
            p.field(PrincipalField::UserId).unwrap(),
            "d75b260a64504067bfc5b2905e3b8182"
        );
        assert_eq!(p.field(PrincipalField::UserDetails).unwrap(), "ann");
        assert_eq!(p.field(PrincipalField::IdentityProvider).unwrap(), "github");
        assert_eq!(p.claim("name").unwrap(), "Ann");
    }

    #[test]
    fn the_app_service_shape() {
        let name_type = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
        let oid = "http://schemas.microsoft.com/identity/claims/objectidentifier";
        let p = principal(serde_json::json!({
            "auth_typ": "aad", "name_typ": name_type,
            "role_typ": "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
            "claims": [
                {"typ": oid, "val": "5b5450db-eb26-4c1a-981c-ba1d25f0483d"},
                {"typ": name_type, "val": "ann@example.com"},
                {"typ": "groups", "val": "a"}, {"typ": "groups", "val": "b"}
            ]
        }));
        assert_eq!(p.field(PrincipalField::IdentityProvider).unwrap(), "aad");
        assert_eq!(
            p.field(PrincipalField::UserDetails).unwrap(),
            "ann@example.com"
        );
        assert_eq!(
            p.claim(oid).unwrap(),
            "5b5450db-eb26-4c1a-981c-ba1d25f0483d"
        );
        assert_eq!(p.claim("groups").unwrap(), "a,b");
        let error = p.field(PrincipalField::UserId).unwrap_err();
        assert_eq!(error, PrincipalError::MissingField { field: "userId" });
        assert!(error.to_string().contains("{principal.claims.TYPE}"));
    }

    #[test]
    fn missing_and_non_string_values_name_what_is_missing() {
        let p = principal(serde_json::json!({
            "userId": 5, "claims": [{"typ": "n", "val": 10000}]
        }));
        assert_eq!(
            p.field(PrincipalField::UserId).unwrap_err().code(),
            "missing_principal_field"
        );
        assert_eq!(
            p.claim("n").unwrap_err(),
            PrincipalError::ClaimNotString {
                claim_type: "n".into()
            }
        );
        assert_eq!(
            p.claim("other").unwrap_err(),
            PrincipalError::MissingClaim {
                claim_type: "other".into()
            }
        );
    }

    #[test]
    fn malformed_headers_are_refused_with_a_reason() {
        for header in [
            "not base64!",
            &base64_simd::STANDARD.encode_to_string("[1]"),
            &base64_simd::STANDARD.encode_to_string("{"),
        ] {
            let error = Principal::decode(header).unwrap_err();
            assert!(
                matches!(error, PrincipalError::Malformed { .. }),
                "{header}"
            );
            assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        }
        let huge = "A".repeat(MAX_PRINCIPAL_LEN + 1);
        assert!(matches!(
            Principal::decode(&huge),
            Err(PrincipalError::TooLarge { .. })
        ));
        // Unpadded base64 is accepted too.
        let unpadded = base64_simd::STANDARD.encode_to_string(r#"{"userId":"u"}"#);
        let unpadded = unpadded.trim_end_matches('=');
        assert_eq!(
            Principal::decode(unpadded)
                .unwrap()
                .field(PrincipalField::UserId)
                .unwrap(),
            "u"
        );
    }
}
