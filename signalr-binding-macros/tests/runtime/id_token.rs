//! Claims copied from an id token that is read, not verified, as the Azure binding does.

use super::*;

#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{headers.x-user}",
    id_token = "{headers.authorization}",
    claim_type_list = ["name", "email", "aud"]
)]
fn id_token_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    Ok(info)
}

#[test]
fn id_token_claims_are_copied_as_the_runtime_copies_them() {
    let token = id_token(serde_json::json!({
        "name": "Grace", "email": "grace@example.com", "aud": "someone", "role": "admin"
    }));
    let req = request(
        "/negotiate",
        &[
            ("x-user", "grace"),
            ("authorization", &format!("Bearer {token}")),
        ],
    );
    let info = id_token_handler(&req).unwrap();
    let want = expected(
        |b| {
            b.user_id("{headers.x-user}")
                .id_token("{headers.authorization}")
                .claim_types(["name", "email", "aud"])
        },
        "chat",
        &req,
    );
    assert_eq!(info, want);
    let claims = claims(&info);
    assert_eq!(claims["name"], "Grace");
    assert_eq!(claims["email"], "grace@example.com");
    assert_eq!(claims["asrs.u.aud"], "someone");
    assert!(
        claims.get("role").is_none(),
        "only listed claims are copied"
    );
}

#[test]
fn an_invalid_id_token_is_a_client_error() {
    let req = request("/", &[("x-user", "leo"), ("authorization", "not-a-jwt")]);
    let error = id_token_handler(&req).unwrap_err();
    assert!(error.is_client_error(), "{error}");
}
