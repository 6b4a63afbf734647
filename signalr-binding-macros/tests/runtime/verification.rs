//! Verified id tokens: the handler runs only for a token that verifies, and a rejected token
//! or a missing key setting is refused as the runtime refuses it.

use super::*;

#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{headers.x-user}",
    id_token = "{headers.authorization}",
    claim_type_list = ["name", "email"],
    id_token_hmac_secret_setting = "ID_TOKEN_SECRET",
    id_token_issuer = "https://issuer.example/",
    id_token_audience = "my-app"
)]
fn verified_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    body_ran();
    Ok(info)
}

#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{headers.x-user}",
    id_token = "{headers.authorization}",
    claim_type_list = ["name", "email"],
    id_token_hmac_secret_setting = "ID_TOKEN_SECRET",
    id_token_issuer = "https://issuer.example/",
    id_token_audience = "my-app"
)]
fn verified_response_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> http::Response<String> {
    let _ = req;
    body_ran();
    http::Response::new(info.to_json())
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    claim_type_list = ["name"],
    id_token_rsa_key_setting = "ID_TOKEN_RSA_KEY",
    id_token_algorithms = ["RS256"],
    id_token_leeway_secs = 5
)]
fn rsa_verified_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    body_ran();
    Ok(info)
}

/// The builder's binding for the attributes of `verified_handler` and
/// `verified_response_handler`.
fn verified_builder(
    builder: signalr_binding::ConnectionInfoBindingBuilder,
) -> signalr_binding::ConnectionInfoBindingBuilder {
    builder
        .user_id("{headers.x-user}")
        .id_token("{headers.authorization}")
        .claim_types(["name", "email"])
        .verify_id_token(
            IdTokenVerification::hmac_secret("ID_TOKEN_SECRET")
                .issuer("https://issuer.example/")
                .audience("my-app"),
        )
}

#[test]
fn a_verified_id_token_gets_what_the_runtime_resolves() {
    let token = hs256_id_token(ID_TOKEN_SECRET, valid_claims());
    let req = request(
        "/negotiate",
        &[("x-user", "mallory"), ("authorization", &bearer(&token))],
    );
    let (info, runs) = body_runs_during(|| verified_handler(&req).unwrap());
    assert_eq!(runs, 1);
    assert_eq!(info, expected(verified_builder, "chat", &req));
    let claims = claims(&info);
    assert_eq!(claims["name"], "Mallory");
    assert_eq!(claims["email"], "mallory@example.com");
    assert!(
        claims.get("role").is_none(),
        "only listed claims are copied"
    );

    let response = verified_response_handler(&req);
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(
        response.body(),
        &expected(verified_builder, "chat", &req).to_json()
    );
}

#[test]
fn a_rejected_id_token_is_a_401_and_the_body_does_not_run() {
    let mut expired = valid_claims();
    expired["exp"] = (NOW - 3600).into();
    let mut wrong_issuer = valid_claims();
    wrong_issuer["iss"] = "https://evil.example/".into();
    let mut wrong_audience = valid_claims();
    wrong_audience["aud"] = "another-app".into();
    let cases = [
        (
            hs256_id_token("not-the-secret", valid_claims()),
            "id_token_signature",
        ),
        (hs256_id_token(ID_TOKEN_SECRET, expired), "id_token_expired"),
        (
            hs256_id_token(ID_TOKEN_SECRET, wrong_issuer),
            "id_token_issuer",
        ),
        (
            hs256_id_token(ID_TOKEN_SECRET, wrong_audience),
            "id_token_audience",
        ),
        // Unverified tokens, as the Azure binding accepts them, are refused.
        (id_token(valid_claims()), "id_token_signature"),
    ];
    for (token, code) in cases {
        let req = request(
            "/negotiate",
            &[("x-user", "mallory"), ("authorization", &bearer(&token))],
        );
        let (result, runs) = body_runs_during(|| verified_handler(&req));
        assert_eq!(runs, 0, "{code}");
        let error = result.unwrap_err();
        assert_eq!(error.status(), http::StatusCode::UNAUTHORIZED, "{code}");
        assert_eq!(error.code(), code);
        assert!(
            matches!(error, BindingError::IdTokenRejected(_)),
            "{error:?}"
        );
        let runtime = expected_error(verified_builder, "chat", &req);
        assert_eq!(error, runtime, "the runtime refuses it the same way");

        let (response, runs) = body_runs_during(|| verified_response_handler(&req));
        assert_eq!(runs, 0, "{code}");
        assert_eq!(response.status(), http::StatusCode::UNAUTHORIZED, "{code}");
        let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
        assert_eq!(body["error"]["code"], code);
        assert_eq!(body["error"]["status"], 401);
        assert!(
            response.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer"),
            "{code}: {:?}",
            response.headers()
        );
    }
}

#[test]
fn a_missing_secret_setting_is_a_500() {
    let token = hs256_id_token(ID_TOKEN_SECRET, valid_claims());
    let mut req = http::Request::builder()
        .uri("/negotiate")
        .header("x-user", "mallory")
        .header("authorization", bearer(&token))
        .body(())
        .unwrap();
    req.extensions_mut()
        .insert(context_with(&[("ID_TOKEN_RSA_KEY", RSA_PUBLIC)]));

    let (result, runs) = body_runs_during(|| verified_handler(&req));
    assert_eq!(runs, 0);
    let error = result.unwrap_err();
    assert_eq!(error.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(error.code(), "missing_verification_key");
    assert_eq!(
        error,
        BindingError::MissingVerificationKey {
            setting: "ID_TOKEN_SECRET".into()
        }
    );

    let (response, runs) = body_runs_during(|| verified_response_handler(&req));
    assert_eq!(runs, 0);
    assert_eq!(response.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
}

#[test]
fn an_rsa_key_verifies_with_the_listed_algorithm_and_leeway() {
    let key = EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap();
    let rsa_builder = |builder: signalr_binding::ConnectionInfoBindingBuilder| {
        builder
            .id_token("{headers.authorization}")
            .claim_types(["name"])
            .verify_id_token(
                IdTokenVerification::rsa_pem("ID_TOKEN_RSA_KEY")
                    .algorithms([JwtAlgorithm::RS256])
                    .leeway(Duration::from_secs(5)),
            )
    };
    let with = |algorithm: Algorithm, exp: u64| {
        let token = signed_id_token(
            algorithm,
            &key,
            serde_json::json!({"exp": exp, "name": "Niaj"}),
        );
        request("/negotiate", &[("authorization", &bearer(&token))])
    };

    // Expired 3 s ago, within the 5 s leeway.
    let req = with(Algorithm::RS256, NOW - 3);
    let info = rsa_verified_handler(&req).unwrap();
    assert_eq!(info, expected(rsa_builder, "chat", &req));
    assert_eq!(claims(&info)["name"], "Niaj");

    // Expired 10 s ago; and PS256, which the key could verify but the list does not allow.
    for (req, code) in [
        (with(Algorithm::RS256, NOW - 10), "id_token_expired"),
        (with(Algorithm::PS256, NOW + 600), "id_token_algorithm"),
    ] {
        let (result, runs) = body_runs_during(|| rsa_verified_handler(&req));
        assert_eq!(runs, 0);
        let error = result.unwrap_err();
        assert_eq!(error.status(), http::StatusCode::UNAUTHORIZED);
        assert_eq!(error.code(), code);
        assert_eq!(error, expected_error(rsa_builder, "chat", &req));
    }
}
