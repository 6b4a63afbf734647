//! A trusted user id: from a claim of the verified id token, from the client principal, with the
//! token's lifetime capped and the close-on-auth-expiry claims, and app settings anywhere in a
//! value. Each handler gets what the runtime resolves for the same binding.

use super::*;

#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{id_token.sub}",
    id_token = "{headers.authorization}",
    id_token_hmac_secret_setting = "ID_TOKEN_SECRET",
    close_on_auth_expiry = true
)]
fn verified_user(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    body_ran();
    Ok(info)
}

#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{id_token.oid}",
    id_token = "{headers.x-ms-token-aad-id-token}",
    id_token_verified_elsewhere = true
)]
fn verified_elsewhere(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    Ok(info)
}

#[signalr_connection_info(hub_name = "%CHAT_HUB%_v2", user_id = "{principal.userId}@%TENANT%")]
fn principal_user(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    Ok(info)
}

fn request_with(headers: &[(&str, &str)]) -> http::Request<()> {
    let mut request = request("/api/negotiate", headers);
    request.extensions_mut().insert(context_with(&[
        ("ID_TOKEN_SECRET", ID_TOKEN_SECRET),
        ("TENANT", "eu"),
    ]));
    request
}

#[test]
fn the_user_id_comes_from_the_verified_id_token_and_the_login_bounds_the_token() {
    let token = hs256_id_token(
        ID_TOKEN_SECRET,
        serde_json::json!({"sub": "ann", "exp": NOW + 600}),
    );
    let req = request_with(&[("authorization", &bearer(&token))]);
    let (info, runs) = body_runs_during(|| verified_user(&req).unwrap());
    assert_eq!(runs, 1);
    let expected = expected(
        |b| {
            b.user_id("{id_token.sub}")
                .id_token("{headers.authorization}")
                .verify_id_token(IdTokenVerification::hmac_secret("ID_TOKEN_SECRET"))
                .close_on_auth_expiry()
        },
        "chat",
        &req,
    );
    assert_eq!(info, expected);
    let claims = claims(&info);
    assert_eq!(claims["asrs.s.uid"], "ann");
    assert_eq!(claims["exp"], NOW + 600);
    assert_eq!(claims["asrs.s.coae"], "true");
    assert_eq!(claims["asrs.s.aeo"], (NOW + 600).to_string());
}

#[test]
fn a_forged_id_token_never_reaches_the_body() {
    let forged = hs256_id_token(
        "a guess",
        serde_json::json!({"sub": "admin", "exp": NOW + 600}),
    );
    let req = request_with(&[("authorization", &forged)]);
    let (error, runs) = body_runs_during(|| verified_user(&req).unwrap_err());
    assert_eq!(runs, 0);
    assert_eq!(error.status(), 401);
}

#[test]
fn an_id_token_verified_elsewhere_is_read() {
    let req = request_with(&[(
        "x-ms-token-aad-id-token",
        &id_token(serde_json::json!({"oid": "0f3c"})),
    )]);
    let info = verified_elsewhere(&req).unwrap();
    assert_eq!(claims_of(&info, "asrs.s.uid"), "0f3c");
    assert_eq!(
        info,
        expected(
            |b| b
                .user_id("{id_token.oid}")
                .id_token("{headers.x-ms-token-aad-id-token}")
                .id_token_verified_elsewhere(),
            "chat",
            &req
        )
    );
}

#[test]
fn the_user_id_comes_from_the_principal_and_settings_from_anywhere_in_a_value() {
    let principal = base64_simd::STANDARD
        .encode_to_string(r#"{"identityProvider":"github","userId":"u1","userRoles":[]}"#);
    let req = request_with(&[("x-ms-client-principal", &principal)]);
    let info = principal_user(&req).unwrap();
    assert_eq!(info.url, "http://localhost:8888/client/?hub=lobby_v2");
    assert_eq!(claims_of(&info, "asrs.s.uid"), "u1@eu");
    assert_eq!(
        info,
        expected(
            |b| b.user_id("{principal.userId}@%TENANT%"),
            "%CHAT_HUB%_v2",
            &req
        )
    );
    let error = principal_user(&request_with(&[("x-ms-client-principal", "%%%")])).unwrap_err();
    assert_eq!(error.status(), 400);
}
