//! Property tests: any text parses or fails with an error, never a panic, and never leaks a
//! secret.

use super::*;

const KNOWN_KEYS: &[&str] = &[
    "Endpoint",
    "AccessKey",
    "Version",
    "Port",
    "ClientEndpoint",
    "ServerEndpoint",
    "AuthType",
    "ClientId",
    "TenantId",
    "ClientSecret",
    "ClientCert",
];

fn any_key() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(KNOWN_KEYS).prop_map(str::to_owned),
        proptest::sample::select(KNOWN_KEYS).prop_map(|k| k.to_uppercase()),
        "[ a-zA-Z.]{0,12}",
        any::<String>(),
    ]
}

fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("https://aaa".to_owned()),
        Just("http://localhost".to_owned()),
        "https?://[a-z0-9.:/\\[\\]-]{0,20}",
        "[0-9+-]{0,6}",
        "1\\.[0-9a-z._-]{0,6}",
        proptest::sample::select(&["aad", "azure", "azure.app", "azure.msi", "AAD"][..])
            .prop_map(str::to_owned),
        "[ -~]{0,20}",
        any::<String>(),
    ]
}

fn check_outputs(cs: &ConnectionString) -> String {
    format!(
        "{cs} {cs:?} {} {} {} {:?} {:?} {:?} {:?}",
        cs.client_base_url(),
        cs.audience_base_url(),
        cs.access_key_url(),
        cs.endpoint(),
        cs.port(),
        cs.version(),
        cs.credential()
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics_on_any_string(s in any::<String>()) {
        if let Ok(cs) = ConnectionString::parse(&s) {
            check_outputs(&cs);
        }
    }

    #[test]
    fn parse_never_panics_on_key_value_pairs(
        pairs in proptest::collection::vec((any_key(), any_value()), 0..8),
        sep in proptest::sample::select(&[";", ";;", " ; "][..]),
    ) {
        let s = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(sep);
        if let Ok(cs) = ConnectionString::parse(&s) {
            check_outputs(&cs);
        }
    }

    #[test]
    fn secret_never_shown(
        pairs in proptest::collection::vec((any_key(), any_value()), 0..6),
        endpoint in prop_oneof![
            Just("https://aaa".to_owned()),
            Just("http://localhost".to_owned()),
            Just("https://u:p@x.example/p/".to_owned()),
            "https?://[a-z]{1,8}(:[0-9]{1,5})?(/[a-z]{0,4}){0,2}",
        ],
        key in "[A-Za-z0-9+/]{16}={0,2}",
        secret_is_client_secret in any::<bool>(),
        position in 0usize..8,
    ) {
        let secret = format!("Zq9{key}");
        let mut pieces: Vec<String> = pairs
            .iter()
            .filter(|(k, v)| !k.contains("Zq9") && !v.contains("Zq9"))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pieces.insert(0, format!("Endpoint={endpoint}"));
        let secret_piece = if secret_is_client_secret {
            format!("ClientSecret={secret}")
        } else {
            format!("AccessKey={secret}")
        };
        let position = position.min(pieces.len());
        pieces.insert(position, secret_piece);
        let s = pieces.join(";");
        match ConnectionString::parse(&s) {
            Ok(cs) => {
                let shown = check_outputs(&cs);
                prop_assert!(!shown.contains(&secret), "{}", shown);
            }
            Err(e) => {
                let shown = format!("{e} {e:?}");
                prop_assert!(!shown.contains(&secret), "{}", shown);
            }
        }
    }

    #[test]
    fn valid_strings_parse_in_any_order_and_case_and_never_show_the_key(
        endpoint in "https?://[a-z]{1,8}(\\.[a-z]{2,5})?(:[0-9]{1,4})?(/[a-z]{1,4}){0,2}/?",
        key in "[A-Za-z0-9+/]{20}={0,2}",
        version in proptest::option::of("1\\.[0-9][0-9a-z._-]{0,6}"),
        port in proptest::option::of(1u16..),
        client in proptest::option::of("https?://[a-z]{1,8}(:[0-9]{1,4})?(/[a-z]{1,4})?"),
        upper in any::<bool>(),
        order in any::<u64>(),
    ) {
        let secret = format!("Zq9{key}");
        let mut pieces = vec![format!("Endpoint={endpoint}"), format!("AccessKey={secret}")];
        pieces.extend(version.iter().map(|v| format!("Version={v}")));
        pieces.extend(port.iter().map(|p| format!("Port={p}")));
        pieces.extend(client.iter().map(|c| format!("ClientEndpoint={c}")));
        if upper {
            for piece in &mut pieces {
                let (k, v) = piece.split_once('=').unwrap();
                *piece = format!("{}={v}", k.to_uppercase());
            }
        }
        // A deterministic shuffle from the drawn seed.
        let mut seed = order;
        for i in (1..pieces.len()).rev() {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            pieces.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let s = pieces.join(";");
        let cs = ConnectionString::parse(&s);
        prop_assert!(cs.is_ok(), "{} -> {:?}", s, cs.err());
        let cs = cs.unwrap();
        prop_assert_eq!(cs.access_key().map(AccessKey::expose_secret), Some(secret.as_str()));
        prop_assert_eq!(cs.version(), version.as_deref());
        prop_assert_eq!(cs.port(), port);
        prop_assert!(!cs.client_base_url().ends_with('/'));
        prop_assert!(!cs.audience_base_url().ends_with('/'));
        if client.is_none() && let Some(p) = port {
            let default = if endpoint.starts_with("https") { 443 } else { 80 };
            let written = cs.client_base_url().contains(&format!(":{p}"));
            prop_assert_eq!(written, p != default);
        }
        let shown = check_outputs(&cs);
        prop_assert!(!shown.contains(&secret), "{}", shown);
    }
}
