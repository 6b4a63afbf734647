//! Fetching the signing key: `GET {ServerEndpoint or Endpoint}/api/v1/auth/accessKey` with
//! `Authorization: Bearer <Entra token>`, answered `{"KeyId": "...", "AccessKey": "..."}`
//! (Azure/azure-signalr `MicrosoftEntraAccessKey.cs`, `AccessKeyResponse.cs`).

use azure_core::credentials::Secret;
use azure_core::http::{HttpClient, Method, Request, Url};
use serde::Deserialize;

use super::error::IdentityError;

/// A key the service handed out.
pub(crate) struct FetchedSecret {
    /// `KeyId`: the `kid` of tokens signed with it.
    pub(crate) key_id: String,
    /// `AccessKey`: the HMAC secret.
    pub(crate) access_key: Secret,
}

/// The service's answer, PascalCase as sent.
#[derive(Deserialize)]
struct AccessKeyResponse {
    #[serde(rename = "KeyId")]
    key_id: Option<String>,
    #[serde(rename = "AccessKey")]
    access_key: Option<String>,
}

/// Asks `url` for the signing key with `token`; `credential` names the credential in errors.
pub(crate) async fn fetch_key(
    http: &dyn HttpClient,
    url: &str,
    token: &Secret,
    credential: &'static str,
) -> Result<FetchedSecret, IdentityError> {
    let endpoint = || url.to_owned();
    let parsed = Url::parse(url).map_err(|error| IdentityError::Unreachable {
        endpoint: endpoint(),
        reason: error.to_string(),
    })?;
    let mut request = Request::new(parsed, Method::Get);
    request.insert_header("authorization", format!("Bearer {}", token.secret()));
    request.insert_header("accept", "application/json");
    let response =
        http.execute_request(&request)
            .await
            .map_err(|error| IdentityError::Unreachable {
                endpoint: endpoint(),
                reason: error.to_string(),
            })?;
    let status = u16::from(response.status());
    match status {
        200 => {}
        401 | 403 => {
            return Err(IdentityError::AccessDenied {
                endpoint: endpoint(),
                credential,
                status,
            });
        }
        404 => {
            return Err(IdentityError::EndpointNotFound {
                endpoint: endpoint(),
            });
        }
        _ => {
            return Err(IdentityError::ServiceStatus {
                endpoint: endpoint(),
                credential,
                status,
            });
        }
    }
    let body =
        response
            .into_body()
            .collect()
            .await
            .map_err(|error| IdentityError::Unreachable {
                endpoint: endpoint(),
                reason: error.to_string(),
            })?;
    parse_answer(&body).map_err(|reason| IdentityError::MalformedAnswer {
        endpoint: endpoint(),
        reason,
    })
}

/// Reads the answer's body; the error says what is wrong without quoting the body (it may
/// hold the key).
fn parse_answer(body: &[u8]) -> Result<FetchedSecret, String> {
    let answer: AccessKeyResponse = serde_json::from_slice(body).map_err(|error| {
        format!(
            "not a JSON object with KeyId and AccessKey (line {}, column {})",
            error.line(),
            error.column()
        )
    })?;
    let key_id = answer
        .key_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| "Missing required <KeyId> field.".to_owned())?;
    let access_key = answer
        .access_key
        .filter(|key| !key.is_empty())
        .ok_or_else(|| "Missing required <AccessKey> field.".to_owned())?;
    Ok(FetchedSecret {
        key_id,
        access_key: Secret::new(access_key),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_answer;

    #[test]
    fn answers_need_both_fields() {
        let ok = parse_answer(br#"{"KeyId":"k1","AccessKey":"secret-value"}"#).unwrap();
        assert_eq!(ok.key_id, "k1");
        assert_eq!(ok.access_key.secret(), "secret-value");
        assert_eq!(
            parse_answer(br#"{"AccessKey":"secret-value"}"#)
                .err()
                .unwrap(),
            "Missing required <KeyId> field."
        );
        assert_eq!(
            parse_answer(br#"{"KeyId":"k1"}"#).err().unwrap(),
            "Missing required <AccessKey> field."
        );
        let malformed = parse_answer(br#"{"KeyId":"k1","AccessKey":"secret-value""#)
            .err()
            .unwrap();
        assert!(!malformed.contains("secret-value"), "{malformed}");
        // camelCase is not the service's answer.
        assert!(parse_answer(br#"{"keyId":"k1","accessKey":"s"}"#).is_err());
    }
}
