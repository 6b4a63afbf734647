use super::*;
use serde_json::json;

fn jwt(payload: &Value) -> String {
    let header = base64_simd::URL_SAFE_NO_PAD.encode_to_string(br#"{"alg":"none"}"#);
    let payload = base64_simd::URL_SAFE_NO_PAD.encode_to_string(payload.to_string());
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
fn long_payloads_are_read() {
    let long = "x".repeat(6 * 1024);
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
    let not_object = format!(
        "h.{}.s",
        base64_simd::URL_SAFE_NO_PAD.encode_to_string("[1,2]")
    );
    let not_json = format!(
        "h.{}.s",
        base64_simd::URL_SAFE_NO_PAD.encode_to_string("{nope")
    );
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
fn members_are_written_after_what_the_buffer_holds_and_an_error_leaves_it_as_it_was() {
    // A nested object after a copied claim, and a claim written twice (read again as a
    // `Map`, after `name` was written once already): each claim is written once.
    let mut out = b"{\"asrs.s.uid\":\"u\",".to_vec();
    let token = jwt(&json!({"name": "Ann", "x": {"a": 1}}));
    copy_from_id_token(&token, ["name", "x"].into_iter(), &mut out).unwrap();
    assert_eq!(out, br#"{"asrs.s.uid":"u","name":"Ann","x":{"a":1},"#);
    let mut out = b"{".to_vec();
    let token = jwt_text(r#"{"name":"Ann","x":1,"x":2}"#);
    copy_from_id_token(&token, ["name", "x"].into_iter(), &mut out).unwrap();
    assert_eq!(out, br#"{"name":"Ann","x":2,"#);

    let many: Vec<u32> = (0..=MAX_COPIED_CLAIMS as u32).collect();
    let before = out.clone();
    for token in [
        jwt(&json!({"name": "Ann", "x": many})),
        jwt_text(r#"{"name":"Ann","x":1"#),
        jwt_text(r#"{"name":"Ann","name":"Bo","x":1"#),
    ] {
        let error = copy_from_id_token(&token, ["name", "x"].into_iter(), &mut out);
        assert!(error.is_err(), "{token}");
        assert_eq!(out, before);
    }
}

/// A token whose payload is `json` as written.
fn jwt_text(json: &str) -> String {
    format!(
        "h.{}.s",
        base64_simd::URL_SAFE_NO_PAD.encode_to_string(json)
    )
}

/// The members copied from a payload written as `json`.
fn copy_text(json: &str, types: &[&str]) -> Result<Vec<u8>, IdTokenError> {
    members(&jwt_text(json), types.iter().copied())
}

/// The members [`CopiedClaims::from_payload`] writes for the object `map`.
fn from_map(map: Map<String, Value>, types: &[&str]) -> Result<Vec<u8>, IdTokenError> {
    let mut out = Vec::new();
    CopiedClaims::from_payload(&map, types.iter().copied())?.write_members(&mut out);
    Ok(out)
}

/// Members as a JSON object.
fn as_object(members: &[u8]) -> Value {
    serde_json::from_slice(&object_text(members)).expect("the members are valid JSON")
}

fn object_text(members: &[u8]) -> Vec<u8> {
    let mut out = b"{".to_vec();
    out.extend_from_slice(members.strip_suffix(b",").unwrap_or(members));
    out.push(b'}');
    out
}

/// The claims copied from the payload's text and from the payload as a decoded `Map` (as
/// the verified path has it), as JSON objects.
fn both(json: &str, types: &[&str]) -> (Result<Value, IdTokenError>, Result<Value, IdTokenError>) {
    let from_text = copy_text(json, types).map(|members| as_object(&members));
    let from_map = match serde_json::from_str(json) {
        Ok(Value::Object(map)) => from_map(map, types).map(|members| as_object(&members)),
        _ => panic!("an object: {json}"),
    };
    (from_text, from_map)
}

#[test]
fn the_payload_text_and_its_decoded_map_give_the_same_claims() {
    let payloads = [
        json!({"name": "Ann", "email": "a@x", "roles": ["r", "w"], "other": {"x": 1}}),
        json!({"sub": ["first", "second", "third"], "aud": "a", "asrs.s.uid": "m"}),
        json!({"sub": ["only"], "roles": [], "n": -5, "big": 999_999_999_999_999_999u64}),
        json!({"sub": [], "t": true, "z": null, "nested": [[1, 2], ["a\"b"]], "e": "é\n"}),
        json!({"sub": "one", "roles": ["a"], "name": "quote\"d \\ \u{1} / é"}),
        json!({"f": 1.5, "g": [1e3, -0.0], "o": {"b": 1, "a": [{"c": null}]}, "s": ["x", {"y": 2}]}),
    ];
    let types = [
        "name",
        "email",
        "roles",
        "sub",
        "aud",
        "asrs.s.uid",
        "n",
        "big",
        "t",
        "z",
        "nested",
        "e",
        "f",
        "g",
        "o",
        "s",
    ];
    for payload in payloads {
        let json = payload.to_string();
        let (from_text, from_map) = both(&json, &types);
        assert_eq!(from_text.unwrap(), from_map.unwrap(), "{payload}");
    }
}

#[test]
fn values_are_copied_as_serde_json_writes_them() {
    let copied = copy_text(
        r#" { "name" : "Ann" , "roles" : [ "a" , 1 , [ true , null ] ] , "x" : [ 1 ] } "#,
        &["name", "roles"],
    )
    .unwrap();
    assert_eq!(copied, br#""name":"Ann","roles":["a",1,[true,null]],"#);
    let copied = copy_text(r#"{"name":"Jos\u00e9 \/ \"J\""}"#, &["name"]).unwrap();
    assert_eq!(
        String::from_utf8(copied).unwrap(),
        r#""name":"José / \"J\"","#
    );
    // Numbers as serde_json reads them: floats, `-0`, and integers beyond 64 bits as floats.
    let copied = copy_text(
        r#"{"x":[1.5,1e3,-0,1234567890123456789,123456789012345678901,-7]}"#,
        &["x"],
    )
    .unwrap();
    assert_eq!(
        copied,
        br#""x":[1.5,1000.0,-0.0,1234567890123456789,1.2345678901234567e+20,-7],"#
    );
    // A surrogate pair is one character.
    let copied = copy_text(r#"{"x":"\ud83d\ude00"}"#, &["x"]).unwrap();
    assert_eq!(String::from_utf8(copied).unwrap(), "\"x\":\"😀\",");
}

#[test]
fn objects_and_repeated_claims_are_read_as_serde_json_reads_them() {
    // An object keeps the last of a member written twice, its members sorted.
    let copied = copy_text(r#"{"address":{"b":1,"a":1,"a":2}}"#, &["address"]).unwrap();
    assert_eq!(copied, br#""address":{"a":2,"b":1},"#);
    // A claim type written twice: the last counts, also for the limit on claims.
    assert_eq!(
        copy_text(r#"{"name":"a","x":1,"name":["b","c"]}"#, &["name"]).unwrap(),
        br#""name":["b","c"],"#
    );
    let many: Vec<u32> = (0..=MAX_COPIED_CLAIMS as u32).collect();
    let json = format!(r#"{{"x":{},"x":1}}"#, json!(many));
    assert_eq!(copy_text(&json, &["x"]).unwrap(), br#""x":1,"#);
    let json = format!(r#"{{"x":1,"x":{}}}"#, json!(many));
    assert!(matches!(
        copy_text(&json, &["x"]),
        Err(IdTokenError::TooManyClaims { .. })
    ));
    // A member name with an escape is the name it spells.
    assert_eq!(
        copy_text(r#"{"na\u006de":"a"}"#, &["name"]).unwrap(),
        br#""name":"a","#
    );
    // Objects and repeated members among the claims not asked for are read and skipped.
    let copied = copy_text(r#"{"o":{"a":1,"a":2},"d":1,"d":2,"name":"Ann"}"#, &["name"]);
    assert_eq!(copied.unwrap(), br#""name":"Ann","#);
    // Nesting as deep as serde_json reads.
    let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(100), "]".repeat(100));
    assert!(serde_json::from_str::<Value>(&deep).is_ok());
    assert!(copy_text(&deep, &[]).is_ok());
    let (from_text, from_map) = both(&deep, &["x"]);
    assert_eq!(from_text.unwrap(), from_map.unwrap());
}

#[test]
fn text_that_is_not_a_json_object_is_refused_as_serde_json_refuses_it() {
    for text in [
        "",
        "{",
        "{}}",
        r#"{"a"}"#,
        r#"{"a":}"#,
        r#"{"a":1,}"#,
        r#"{,"a":1}"#,
        r#"{"a":01}"#,
        r#"{"a":-}"#,
        r#"{"a":+1}"#,
        r#"{"a":[1,]}"#,
        r#"{"a":[1 2]}"#,
        r#"{"a":tru}"#,
        r#"{"a":True}"#,
        r#"{"a":"\x"}"#,
        r#"{"a":"\u12g4"}"#,
        r#"{"a":"\ud800"}"#,
        r#"{"b":"\ud800"}"#,
        r#"{"b":1e400}"#,
        "{\"a\":\"tab\there\"}",
        r#"{"a":'s'}"#,
        r#"{a:1}"#,
        "{\"a\":1}\u{0}",
        r#"{"name":"a"} x"#,
        r#"["name"]"#,
        r#"[1,2"#,
        r#""a""#,
    ] {
        let parsed = serde_json::from_str::<Value>(text);
        let reason = match parsed {
            Ok(_) => "its payload is not a JSON object",
            Err(_) => "its payload is not JSON",
        };
        assert_eq!(
            copy_text(text, &["a"]),
            Err(IdTokenError::Malformed { reason }),
            "{text:?}"
        );
    }
    let not_utf8 = format!(
        "h.{}.s",
        base64_simd::URL_SAFE_NO_PAD.encode_to_string(b"{\"b\":\"\xff\"}")
    );
    assert_eq!(
        members(&not_utf8, ["a"].into_iter()),
        Err(IdTokenError::Malformed {
            reason: "its payload is not JSON"
        })
    );
}

/// The member names of a JSON object, in order and with duplicates kept.
fn member_names(object: &[u8]) -> Vec<String> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Names;
    impl<'de> Visitor<'de> for Names {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut names = Vec::new();
            while let Some(name) = map.next_key::<String>()? {
                map.next_value::<IgnoredAny>()?;
                names.push(name);
            }
            Ok(names)
        }
    }
    serde_json::Deserializer::from_slice(object)
        .deserialize_map(Names)
        .unwrap()
}

fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1_000_000i64..1_000_000).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map("sub|name|a", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// JSON-like text: valid payloads cut and spliced with JSON's own punctuation, so that most
/// inputs are almost JSON.
fn almost_json() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let payload = proptest::collection::btree_map("sub|name|x", json_value(), 0..4).prop_map(|m| {
        Value::Object(m.into_iter().collect())
            .to_string()
            .into_bytes()
    });
    let edit = (
        any::<proptest::sample::Index>(),
        0..3usize,
        proptest::sample::select(
            &[
                "",
                "\"",
                "\\",
                ",",
                ":",
                "{",
                "}",
                "[",
                "]",
                "-",
                "0",
                "1",
                ".",
                "e",
                " ",
                "\\u",
                "\\ud800",
                "\u{1}",
                "\u{7f}",
                "é",
                "\u{ff}",
                "null",
                "tru",
                "\"name\":",
            ][..],
        ),
    );
    (payload, proptest::collection::vec(edit, 0..3)).prop_map(|(mut text, edits)| {
        for (at, cut, insert) in edits {
            let at = at.index(text.len() + 1);
            let end = (at + cut).min(text.len());
            text.splice(at..end, insert.bytes());
        }
        text
    })
}

proptest::proptest! {
    #[test]
    fn any_token_gives_claims_or_an_error(token in ".{0,200}") {
        let _ = members(&token, ["sub", "name"].into_iter());
    }

    #[test]
    fn any_base64_payload_gives_claims_or_an_error(payload in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
        let token = format!("h.{}.s", base64_simd::URL_SAFE_NO_PAD.encode_to_string(payload));
        let _ = members(&token, ["sub", "name"].into_iter());
    }
}

proptest::proptest! {
    // Cheap cases: enough of them that an edit lands inside a string or a number often.
    #![proptest_config(proptest::test_runner::Config::with_cases(2048))]

    /// The payload's text and its decoded `Map` give the same claims, as members with no name
    /// twice.
    #[test]
    fn the_payload_text_and_its_map_agree(
        payload in proptest::collection::btree_map(
            "sub|aud|name|roles|asrs\\.s\\.uid|x|é", json_value(), 0..6),
    ) {
        let json = Value::Object(payload.into_iter().collect()).to_string();
        let types = ["sub", "aud", "name", "roles", "asrs.s.uid", "é"];
        let (from_text, from_map) = both(&json, &types);
        proptest::prop_assert_eq!(&from_text, &from_map);
        if let Ok(members) = copy_text(&json, &types) {
            let object = object_text(&members);
            let mut names = member_names(&object);
            let count = names.len();
            names.sort();
            names.dedup();
            proptest::prop_assert_eq!(names.len(), count, "{}", String::from_utf8_lossy(&object));
        }
    }

    /// Claims are copied from exactly the texts `serde_json` reads as an object, the same
    /// claims as from that object.
    #[test]
    fn claims_are_copied_from_exactly_the_json_objects(text in almost_json()) {
        let types = ["sub", "name"];
        let token = format!("h.{}.s", base64_simd::URL_SAFE_NO_PAD.encode_to_string(&text));
        let copied = members(&token, types.iter().copied());
        match serde_json::from_slice::<Value>(&text) {
            Ok(Value::Object(map)) => {
                let expected = from_map(map, &types).map(|m| as_object(&m));
                proptest::prop_assert_eq!(copied.map(|m| as_object(&m)), expected);
            }
            parsed => {
                let text = String::from_utf8_lossy(&text);
                proptest::prop_assert!(
                    matches!(copied, Err(IdTokenError::Malformed { .. })),
                    "accepted {text:?}: {parsed:?}"
                );
            }
        }
    }
}

#[test]
fn a_string_claim_is_read_from_the_payload_text_without_a_map() {
    let json = br#"{"sub":"ann","oid":"o\u0031","n":5,"sub2":{"a":[1]},"sub":"last"}"#;
    assert_eq!(string_claim_in(json, "oid").unwrap(), "o1");
    // Written twice: the last counts, as in a map.
    assert_eq!(string_claim_in(json, "sub").unwrap(), "last");
    assert_eq!(
        string_claim_in(json, "n").unwrap_err(),
        IdTokenError::ClaimNotString { claim: "n".into() }
    );
    assert_eq!(
        string_claim_in(json, "none").unwrap_err(),
        IdTokenError::MissingClaim {
            claim: "none".into()
        }
    );
    assert_eq!(
        string_claim_in(b"[1]", "sub").unwrap_err().code(),
        "malformed_id_token"
    );
    assert_eq!(
        string_claim_in(br#"{"sub":"a"} x"#, "sub")
            .unwrap_err()
            .code(),
        "malformed_id_token"
    );
}
