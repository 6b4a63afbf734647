//! Who the user is: a user id from a claim of the verified id token (`{id_token.CLAIM}`), from
//! the App Service / Static Web Apps client principal (`{principal.*}`), the access token's
//! lifetime capped by the id token, the close-on-auth-expiry claims, and app settings anywhere
//! in a value (`%NAME%`). Tokens are minted and checked with `jsonwebtoken`.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Value, json};
use signalr_binding::{
    BindingContext, BindingError, ConfigError, ConnectionInfoBinding, EMULATOR_CONNECTION_STRING,
    FixedClock, FunctionJsonBinding, IdTokenError, IdTokenVerification, PrincipalError,
    SignalRConnectionInfo,
};
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

const ACCESS_KEY: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
const SECRET: &str = "the id-token secret of the tests";
const NOW: u64 = 1_700_000_000;

fn settings(extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut settings = HashMap::from([
        (
            "AzureSignalRConnectionString".to_owned(),
            EMULATOR_CONNECTION_STRING.to_owned(),
        ),
        ("ID_TOKEN_SECRET".to_owned(), SECRET.to_owned()),
    ]);
    settings.extend(
        extra
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    settings
}

fn request_with(settings: HashMap<String, String>, headers: &[(&str, &str)]) -> http::Request<()> {
    let context = BindingContext::new()
        .with_settings(settings)
        .with_clock(FixedClock(
            SystemTime::UNIX_EPOCH + Duration::from_secs(NOW),
        ));
    let mut builder = http::Request::builder()
        .uri("/api/negotiate")
        .extension(context);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(()).unwrap()
}

fn request(headers: &[(&str, &str)]) -> http::Request<()> {
    request_with(settings(&[]), headers)
}

/// An HS256 id token signed with `secret`.
fn id_token(secret: &str, claims: Value) -> String {
    jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
    )
    .unwrap()
}

/// The access token's claims, checked with the access key.
fn claims(info: &SignalRConnectionInfo) -> Value {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    validation.validate_exp = false;
    validation.validate_nbf = false;
    jsonwebtoken::decode::<Value>(
        &info.access_token,
        &DecodingKey::from_secret(ACCESS_KEY.as_bytes()).unwrap(),
        &validation,
    )
    .unwrap()
    .claims
}

fn verified(user_id: &str) -> signalr_binding::ConnectionInfoBindingBuilder {
    ConnectionInfoBinding::builder("chat")
        .user_id(user_id)
        .id_token("{headers.authorization}")
        .verify_id_token(IdTokenVerification::hmac_secret("ID_TOKEN_SECRET"))
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

// --- {id_token.CLAIM} ---

#[test]
fn the_user_id_comes_from_a_claim_of_the_verified_id_token() {
    let binding = verified("{id_token.sub}").build().unwrap();
    let token = id_token(SECRET, json!({"sub": "ann", "exp": NOW + 600}));
    let info = binding
        .resolve(&request(&[("authorization", &bearer(&token))]))
        .unwrap();
    assert_eq!(claims(&info)["asrs.s.uid"], "ann");

    // With text around it, and from another claim.
    let binding = verified("aad|{id_token.oid}").build().unwrap();
    let token = id_token(SECRET, json!({"oid": "0f3c", "exp": NOW + 600}));
    let info = binding
        .resolve(&request(&[("authorization", &token)]))
        .unwrap();
    assert_eq!(claims(&info)["asrs.s.uid"], "aad|0f3c");
}

#[test]
fn a_forged_id_token_never_sets_the_user_id() {
    let binding = verified("{id_token.sub}").build().unwrap();
    // Signed with a guessed key.
    let forged = id_token("a guess", json!({"sub": "admin", "exp": NOW + 600}));
    let error = binding
        .resolve(&request(&[("authorization", &bearer(&forged))]))
        .unwrap_err();
    assert_eq!(error.status(), 401, "{error}");
    // Not signed at all.
    let header = base64_simd::URL_SAFE_NO_PAD.encode_to_string(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = base64_simd::URL_SAFE_NO_PAD
        .encode_to_string(json!({"sub": "admin", "exp": NOW + 600}).to_string());
    let unsigned = format!("{header}.{payload}.");
    let error = binding
        .resolve(&request(&[("authorization", &unsigned)]))
        .unwrap_err();
    assert_eq!(error.status(), 401, "{error}");
    // Expired.
    let expired = id_token(SECRET, json!({"sub": "admin", "exp": NOW - 3600}));
    let error = binding
        .resolve(&request(&[("authorization", &expired)]))
        .unwrap_err();
    assert_eq!(error.status(), 401, "{error}");
}

#[test]
fn an_unverified_id_token_cannot_give_the_user_id_unless_verified_elsewhere() {
    let unverified = || {
        ConnectionInfoBinding::builder("chat")
            .user_id("{id_token.sub}")
            .id_token("{headers.authorization}")
    };
    let error = unverified().build().unwrap_err();
    assert_eq!(
        error,
        ConfigError::UnverifiedIdTokenClaims { property: "userId" }
    );
    assert!(error.hint().unwrap().contains("verify_id_token"));
    assert!(
        error
            .hint()
            .unwrap()
            .contains("id_token_verified_elsewhere")
    );

    // The explicit opt-in: the token is only read.
    let binding = unverified().id_token_verified_elsewhere().build().unwrap();
    assert!(binding.id_token_verified_elsewhere());
    let token = id_token("any key", json!({"sub": "bob"}));
    let info = binding
        .resolve(&request(&[("authorization", &token)]))
        .unwrap();
    assert_eq!(claims(&info)["asrs.s.uid"], "bob");
    // Nothing caps the lifetime of an unverified token.
    assert_eq!(claims(&info)["exp"], NOW + 3600);

    // In the hub name too, and not without an id token.
    assert_eq!(
        ConnectionInfoBinding::builder("{id_token.hub}")
            .id_token("{headers.authorization}")
            .build()
            .unwrap_err(),
        ConfigError::UnverifiedIdTokenClaims {
            property: "hubName"
        }
    );
    assert_eq!(
        ConnectionInfoBinding::builder("chat")
            .user_id("{id_token.sub}")
            .build()
            .unwrap_err(),
        ConfigError::IdTokenClaimsWithoutIdToken { property: "userId" }
    );
    assert_eq!(
        ConnectionInfoBinding::builder("chat")
            .id_token("{id_token.token}")
            .claim_types(["name"])
            .build()
            .unwrap_err(),
        ConfigError::IdTokenClaimsWithoutIdToken {
            property: "idToken"
        }
    );
}

#[test]
fn function_json_cannot_read_claims_of_an_unverified_id_token() {
    let error = FunctionJsonBinding::parse(
        r#"{"type":"signalRConnectionInfo","hubName":"chat","userId":"{id_token.sub}",
            "idToken":"{headers.authorization}"}"#,
    )
    .unwrap_err();
    assert_eq!(
        error,
        ConfigError::UnverifiedIdTokenClaims { property: "userId" }
    );
}

#[test]
fn a_missing_or_non_string_claim_is_a_400_naming_it() {
    let binding = verified("{id_token.oid}").build().unwrap();
    let token = id_token(SECRET, json!({"sub": "ann", "exp": NOW + 600}));
    let error = binding
        .resolve(&request(&[("authorization", &token)]))
        .unwrap_err();
    assert_eq!(
        error,
        BindingError::InvalidIdToken(IdTokenError::MissingClaim {
            claim: "oid".into()
        })
    );
    assert_eq!(error.status(), 400);
    assert_eq!(error.code(), "missing_id_token_claim");
    assert!(error.to_string().contains("`oid`"), "{error}");

    let token = id_token(SECRET, json!({"oid": 7, "exp": NOW + 600}));
    let error = binding
        .resolve(&request(&[("authorization", &token)]))
        .unwrap_err();
    assert_eq!(error.code(), "id_token_claim_not_string");
    assert_eq!(error.status(), 400);
}

#[test]
fn claims_are_still_copied_alongside_the_user_id() {
    let binding = verified("{id_token.sub}")
        .claim_types(["name", "sub"])
        .build()
        .unwrap();
    let token = id_token(
        SECRET,
        json!({"sub": "ann", "name": "Ann", "exp": NOW + 600}),
    );
    let info = binding
        .resolve(&request(&[("authorization", &token)]))
        .unwrap();
    let claims = claims(&info);
    assert_eq!(claims["asrs.s.uid"], "ann");
    assert_eq!(claims["name"], "Ann");
    assert_eq!(claims["sub"], "ann");
}

// --- the lifetime cap and close-on-auth-expiry ---

#[test]
fn the_access_token_never_outlives_the_verified_id_token() {
    let binding = verified("{id_token.sub}").build().unwrap();
    // The id token expires in ten minutes: so does the access token.
    let token = id_token(SECRET, json!({"sub": "ann", "exp": NOW + 600}));
    let info = binding
        .resolve(&request(&[("authorization", &token)]))
        .unwrap();
    let claims_soon = claims(&info);
    assert_eq!(claims_soon["exp"], NOW + 600);
    assert_eq!(claims_soon["iat"], NOW);
    assert!(claims_soon.get("asrs.s.coae").is_none());

    // It expires in a day: the binding's lifetime is sooner.
    let token = id_token(SECRET, json!({"sub": "ann", "exp": NOW + 86_400}));
    let info = binding
        .resolve(&request(&[("authorization", &token)]))
        .unwrap();
    assert_eq!(claims(&info)["exp"], NOW + 3600);

    // A verified token caps the lifetime whether or not a template reads its claims.
    let binding = ConnectionInfoBinding::builder("chat")
        .id_token("{headers.authorization}")
        .verify_id_token(IdTokenVerification::hmac_secret("ID_TOKEN_SECRET"))
        .lifetime(Duration::from_secs(60))
        .build()
        .unwrap();
    let token = id_token(SECRET, json!({"exp": NOW + 30}));
    let info = binding
        .resolve(&request(&[("authorization", &token)]))
        .unwrap();
    assert_eq!(claims(&info)["exp"], NOW + 30);
    let token = id_token(SECRET, json!({"exp": NOW + 90}));
    let info = binding
        .resolve(&request(&[("authorization", &token)]))
        .unwrap();
    assert_eq!(claims(&info)["exp"], NOW + 60);
}

#[test]
fn close_on_auth_expiry_adds_the_claims_the_service_sdk_uses() {
    let binding = verified("{id_token.sub}")
        .close_on_auth_expiry()
        .build()
        .unwrap();
    assert!(binding.close_on_auth_expiry());
    let token = id_token(SECRET, json!({"sub": "ann", "exp": NOW + 600}));
    let info = binding
        .resolve(&request(&[("authorization", &token)]))
        .unwrap();
    let claims = claims(&info);
    // Strings, as Azure/azure-signalr's ClaimsUtility writes them.
    assert_eq!(claims["asrs.s.coae"], "true");
    assert_eq!(claims["asrs.s.aeo"], (NOW + 600).to_string());
    assert_eq!(claims["exp"], NOW + 600);

    // An id token cannot set them itself: copied `asrs.` claims are renamed.
    let binding = verified("{id_token.sub}")
        .claim_types(["asrs.s.aeo"])
        .build()
        .unwrap();
    let token = id_token(
        SECRET,
        json!({"sub": "ann", "asrs.s.aeo": "99999999999", "exp": NOW + 600}),
    );
    let claims = self::claims(
        &binding
            .resolve(&request(&[("authorization", &token)]))
            .unwrap(),
    );
    assert!(claims.get("asrs.s.aeo").is_none());
    assert_eq!(claims["asrs.u.asrs.s.aeo"], "99999999999");
}

#[test]
fn close_on_auth_expiry_needs_a_verified_id_token() {
    assert_eq!(
        ConnectionInfoBinding::builder("chat")
            .close_on_auth_expiry()
            .build()
            .unwrap_err(),
        ConfigError::CloseOnAuthExpiryWithoutVerification
    );
    assert_eq!(
        ConnectionInfoBinding::builder("chat")
            .user_id("{id_token.sub}")
            .id_token("{headers.authorization}")
            .id_token_verified_elsewhere()
            .close_on_auth_expiry()
            .build()
            .unwrap_err(),
        ConfigError::CloseOnAuthExpiryWithoutVerification
    );
}

// --- {principal.*} ---

fn principal_header(json: Value) -> String {
    base64_simd::STANDARD.encode_to_string(json.to_string())
}

#[test]
fn the_user_id_comes_from_the_static_web_apps_principal() {
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("{principal.identityProvider}|{principal.userId}")
        .build()
        .unwrap();
    let header = principal_header(json!({
        "identityProvider": "github", "userId": "d75b260a64504067bfc5b2905e3b8182",
        "userDetails": "ann", "userRoles": ["anonymous", "authenticated"]
    }));
    let info = binding
        .resolve(&request(&[("x-ms-client-principal", &header)]))
        .unwrap();
    assert_eq!(
        claims(&info)["asrs.s.uid"],
        "github|d75b260a64504067bfc5b2905e3b8182"
    );
}

#[test]
fn the_user_id_comes_from_a_claim_of_the_app_service_principal() {
    let oid = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id(format!("{{principal.claims.{oid}}}"))
        .build()
        .unwrap();
    let header = principal_header(json!({
        "auth_typ": "aad",
        "name_typ": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "role_typ": "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        "claims": [{"typ": oid, "val": "5b5450db-eb26-4c1a-981c-ba1d25f0483d"}]
    }));
    let info = binding
        .resolve(&request(&[("x-ms-client-principal", &header)]))
        .unwrap();
    assert_eq!(
        claims(&info)["asrs.s.uid"],
        "5b5450db-eb26-4c1a-981c-ba1d25f0483d"
    );

    // App Service sends no `userId`: a 400 that says where the user id is instead.
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("{principal.userId}")
        .build()
        .unwrap();
    let error = binding
        .resolve(&request(&[("x-ms-client-principal", &header)]))
        .unwrap_err();
    assert_eq!(
        error,
        BindingError::InvalidPrincipal(PrincipalError::MissingField { field: "userId" })
    );
    assert_eq!(error.status(), 400);
}

#[test]
fn a_missing_or_malformed_principal_is_a_400() {
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("{principal.userId}")
        .build()
        .unwrap();
    assert!(binding.reads_request());
    let error = binding.resolve(&request(&[])).unwrap_err();
    assert_eq!(
        error,
        BindingError::MissingHeader {
            name: "x-ms-client-principal".into()
        }
    );
    for bad in [
        "not base64 at all!",
        &base64_simd::STANDARD.encode_to_string("[]"),
        "e30K=",
    ] {
        let error = binding
            .resolve(&request(&[("x-ms-client-principal", bad)]))
            .unwrap_err();
        assert_eq!(error.status(), 400, "{bad}: {error}");
        assert!(error.is_client_error());
    }
    let error = binding
        .resolve(&request(&[("x-ms-client-principal", "!!")]))
        .unwrap_err();
    assert_eq!(error.code(), "malformed_principal");
    assert!(error.hint().unwrap().contains("App Service"));
}

// --- %NAME% anywhere in a value ---

#[test]
fn settings_are_read_anywhere_in_a_value() {
    let binding = ConnectionInfoBinding::builder("%PREFIX%_chat")
        .user_id("{headers.x-user}-%TENANT%")
        .build()
        .unwrap();
    assert!(binding.hub_name().reads_settings());
    let settings = settings(&[("PREFIX", "Contoso"), ("TENANT", "eu")]);
    let info = binding
        .resolve(&request_with(settings, &[("x-user", "ann")]))
        .unwrap();
    assert_eq!(info.url, "http://localhost:8888/client/?hub=contoso_chat");
    let claims = claims(&info);
    assert_eq!(claims["asrs.s.uid"], "ann-eu");
    assert_eq!(claims["aud"], "http://localhost/client/?hub=contoso_chat");
}

#[test]
fn a_hub_of_settings_follows_a_changed_value_and_the_hub_rule() {
    let binding = ConnectionInfoBinding::builder("%A%_%B%").build().unwrap();
    let hub = |a: &str, b: &str| {
        binding
            .resolve(&request_with(settings(&[("A", a), ("B", b)]), &[]))
            .map(|info| info.url)
    };
    assert_eq!(
        hub("x", "y").unwrap(),
        "http://localhost:8888/client/?hub=x_y"
    );
    assert_eq!(
        hub("x", "y").unwrap(),
        "http://localhost:8888/client/?hub=x_y"
    );
    // Values that would run together differently are different hubs.
    assert_eq!(
        hub("x_", "y").unwrap(),
        "http://localhost:8888/client/?hub=x__y"
    );
    assert_eq!(
        hub("x", "_y").unwrap(),
        "http://localhost:8888/client/?hub=x__y"
    );
    assert_eq!(
        hub("Ab", "c").unwrap(),
        "http://localhost:8888/client/?hub=ab_c"
    );
    assert!(matches!(
        hub("1x", "y"),
        Err(BindingError::InvalidHubName { .. })
    ));
    assert!(matches!(
        hub("a-b", "y"),
        Err(BindingError::InvalidHubName { .. })
    ));
    // And the whole-value form.
    let binding = ConnectionInfoBinding::builder("%HUB%").build().unwrap();
    let info = binding
        .resolve(&request_with(settings(&[("HUB", "Lobby")]), &[]))
        .unwrap();
    assert_eq!(info.url, "http://localhost:8888/client/?hub=lobby");
}

#[test]
fn an_unknown_setting_fails_with_azures_message() {
    let binding = ConnectionInfoBinding::builder("%PREFIX%_chat")
        .build()
        .unwrap();
    let error = binding.resolve(&request(&[])).unwrap_err();
    assert_eq!(error.to_string(), "'%PREFIX%' does not resolve to a value.");
    assert_eq!(error.status(), 500);

    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("u-%MISSING%")
        .build()
        .unwrap();
    assert_eq!(
        binding.resolve(&request(&[])).unwrap_err(),
        BindingError::UnresolvedSetting {
            name: "MISSING".into()
        }
    );
}

#[test]
fn percent_signs_follow_the_webjobs_rules() {
    for (value, expected) in [
        ("100%", "The '%' at position 3 does not have a closing '%'"),
        ("%A%b%", "The '%' at position 4 does not have a closing '%'"),
        ("a%%b", "`%%` names no app setting"),
    ] {
        let error = ConnectionInfoBinding::builder("chat")
            .user_id(value)
            .build()
            .unwrap_err();
        assert!(
            matches!(
                error,
                ConfigError::InvalidTemplate {
                    property: "userId",
                    ..
                }
            ),
            "{value}: {error:?}"
        );
        assert!(error.to_string().contains(expected), "{value}: {error}");
    }
}

#[test]
fn function_json_reads_settings_anywhere_in_a_value() {
    let found = FunctionJsonBinding::parse(
        r#"{"type":"signalRConnectionInfo","direction":"in","name":"info",
            "hubName":"%PREFIX%_chat","userId":"{headers.x-user}@%TENANT%"}"#,
    )
    .unwrap();
    let settings = settings(&[("PREFIX", "t1"), ("TENANT", "eu")]);
    let info = found
        .binding
        .resolve(&request_with(settings, &[("x-user", "ann")]))
        .unwrap();
    assert_eq!(info.url, "http://localhost:8888/client/?hub=t1_chat");
    assert_eq!(claims(&info)["asrs.s.uid"], "ann@eu");
}
