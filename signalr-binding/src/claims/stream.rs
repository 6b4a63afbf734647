//! The fast path of copying claims: read the id token's JSON once, skip the claims not asked
//! for, and write the wanted ones straight into access-token JSON. No `serde_json::Value` is
//! built, so a request costs one buffer, however many claims the id token carries.
//!
//! It gives the same claims as the general path ([`CopiedClaims::from_payload`]): same
//! filtering, renaming and array rules, values written as the same JSON (members in the id
//! token's order rather than sorted). Whatever it does not handle the same way, it declines
//! (returns `None`) and leaves to the general path: invalid JSON, a payload that is not an
//! object, a claim asked for that appears twice (the general path keeps the last), an object
//! inside a copied claim (the general path removes duplicate keys in it), and more than
//! [`MAX_COPIED_CLAIMS`] (the general path reports the error).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{CopiedClaims, MAX_COPIED_CLAIMS, output_type, write_json_string};

/// The claims of payload `json` whose type is in `claim_types`, or `None` to take the
/// general path.
pub(super) fn copy<'t>(
    json: &[u8],
    claim_types: impl Iterator<Item = &'t str> + Clone,
) -> Option<CopiedClaims> {
    let mut members = Vec::with_capacity(json.len().min(1024));
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let payload = Payload {
        claim_types,
        out: &mut members,
        count: 0,
        seen: 0,
    };
    deserializer.deserialize_map(payload).ok()?;
    deserializer.end().ok()?;
    Some(CopiedClaims {
        claims: Vec::new(),
        members,
    })
}

/// Declines: the general path decides.
#[derive(Debug)]
struct Decline;

impl fmt::Display for Decline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to the general path")
    }
}

impl std::error::Error for Decline {}

fn decline<E: de::Error>() -> E {
    E::custom(Decline)
}

/// The payload object: each member is skipped or copied.
struct Payload<'o, I> {
    claim_types: I,
    out: &'o mut Vec<u8>,
    /// Claims copied so far.
    count: usize,
    /// Which claim types (by position in the list) were met, to decline duplicates.
    seen: u64,
}

impl<'de, 't, I: Iterator<Item = &'t str> + Clone> Visitor<'de> for Payload<'_, I> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(Key)? {
            let Some(position) = self.claim_types.clone().position(|wanted| wanted == key) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let bit = 1u64.checked_shl(position as u32).ok_or_else(decline)?;
            if self.seen & bit != 0 {
                return Err(decline());
            }
            self.seen |= bit;
            map.next_value_seed(Claim {
                claim_type: &key,
                out: self.out,
                count: &mut self.count,
            })?;
        }
        Ok(())
    }
}

/// A member name, borrowed from the JSON when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a claim type")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
}

/// One wanted claim: written as `"type":value,`, or, for an array, one claim per element.
struct Claim<'a> {
    claim_type: &'a str,
    out: &'a mut Vec<u8>,
    count: &'a mut usize,
}

impl Claim<'_> {
    fn counted<E: de::Error>(&mut self) -> Result<(), E> {
        *self.count += 1;
        if *self.count > MAX_COPIED_CLAIMS {
            return Err(decline());
        }
        Ok(())
    }

    /// Writes `"type":` for the next value of this claim type.
    fn name(&mut self, seen_sub: &mut bool) {
        write_json_string(self.out, &output_type(self.claim_type, seen_sub));
        self.out.push(b':');
    }
}

impl<'de> DeserializeSeed<'de> for Claim<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// Forwards a scalar to [`WriteJson`] as one claim.
macro_rules! one_claim {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(mut self, v: $ty) -> Result<(), E> {
            self.counted()?;
            self.name(&mut false);
            WriteJson(self.out).$method(v)?;
            self.out.push(b',');
            Ok(())
        }
    )*};
}

impl<'de> Visitor<'de> for Claim<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a claim value")
    }

    one_claim! {
        visit_bool(bool);
        visit_i64(i64);
        visit_u64(u64);
        visit_f64(f64);
        visit_str(&str);
    }

    fn visit_unit<E: de::Error>(mut self) -> Result<(), E> {
        self.counted()?;
        self.name(&mut false);
        WriteJson(self.out).visit_unit()?;
        self.out.push(b',');
        Ok(())
    }

    /// An array is several claims of one type: one element stays a scalar, several are an
    /// array, and for `sub` only the first keeps its type (the rest are `asrs.u.sub`).
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut seen_sub = false;
        if self.claim_type == "sub" {
            let Some(()) = ({
                let start = self.out.len();
                self.name(&mut seen_sub);
                let first = seq.next_element_seed(WriteJson(self.out))?;
                if first.is_none() {
                    self.out.truncate(start);
                }
                first
            }) else {
                return Ok(());
            };
            self.counted()?;
            self.out.push(b',');
        }
        let start = self.out.len();
        self.name(&mut seen_sub);
        let bracket = self.out.len();
        self.out.push(b'[');
        let mut n = 0usize;
        loop {
            let comma = self.out.len();
            if n > 0 {
                self.out.push(b',');
            }
            if seq.next_element_seed(WriteJson(self.out))?.is_none() {
                self.out.truncate(comma);
                break;
            }
            self.counted()?;
            n += 1;
        }
        match n {
            0 => self.out.truncate(start),
            1 => {
                self.out.remove(bracket);
                self.out.push(b',');
            }
            _ => self.out.extend_from_slice(b"],"),
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<(), A::Error> {
        Err(decline())
    }
}

/// Writes the value it reads as JSON, as `serde_json` would write it back; declines objects.
struct WriteJson<'o>(&'o mut Vec<u8>);

impl<'de> DeserializeSeed<'de> for WriteJson<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for WriteJson<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0
            .extend_from_slice(if v { b"true".as_slice() } else { b"false" });
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
        serde_json::to_writer(&mut *self.0, &v).map_err(|_| decline())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        write_json_string(self.0, v);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push(b'[');
        let mut first = true;
        loop {
            let comma = self.0.len();
            if !first {
                self.0.push(b',');
            }
            if seq.next_element_seed(WriteJson(self.0))?.is_none() {
                self.0.truncate(comma);
                break;
            }
            first = false;
        }
        self.0.push(b']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<(), A::Error> {
        Err(decline())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// Both paths on one payload, as JSON objects.
    fn both(payload: &Value, types: &[&str]) -> (Option<Value>, Value) {
        let json = payload.to_string();
        let as_object = |copied: &CopiedClaims| {
            let mut out = b"{".to_vec();
            copied.write_members(&mut out);
            if out.ends_with(b",") {
                out.pop();
            }
            out.push(b'}');
            serde_json::from_slice::<Value>(&out).expect("the members are valid JSON")
        };
        let fast = copy(json.as_bytes(), types.iter().copied()).map(|c| as_object(&c));
        // The general path reads the same text (not `payload` itself): serde_json's float
        // parsing may differ from the value printed by one unit in the last place, the same way
        // on both paths.
        let Value::Object(map) = serde_json::from_str(&json).unwrap() else {
            panic!("an object")
        };
        let general = CopiedClaims::from_payload(map, types.iter().copied()).unwrap();
        (fast, as_object(&general))
    }

    #[test]
    fn the_fast_path_copies_what_the_general_path_copies() {
        let payloads = [
            json!({"name": "Ann", "email": "a@x", "roles": ["r", "w"], "other": {"x": 1}}),
            json!({"sub": ["first", "second", "third"], "aud": "a", "asrs.s.uid": "m"}),
            json!({"sub": ["only"], "roles": [], "n": -5, "f": 1.5, "big": 18446744073709551615u64}),
            json!({"sub": [], "t": true, "z": null, "nested": [[1, 2], ["a\"b"]], "e": "é\n"}),
            json!({"sub": "one", "roles": ["a"], "name": "quote\"d \\ \u{1}"}),
        ];
        let types = [
            "name",
            "email",
            "roles",
            "sub",
            "aud",
            "asrs.s.uid",
            "n",
            "f",
            "big",
            "t",
            "z",
            "nested",
            "e",
        ];
        for payload in payloads {
            let (fast, general) = both(&payload, &types);
            assert_eq!(fast.as_ref(), Some(&general), "{payload}");
        }
    }

    #[test]
    fn what_the_fast_path_does_not_handle_it_leaves_to_the_general_path() {
        let copy = |json: &str, types: &[&str]| copy(json.as_bytes(), types.iter().copied());
        // A nested object in a copied claim, a duplicate wanted claim, bad JSON, not an object.
        assert!(copy(r#"{"address":{"a":1,"a":2}}"#, &["address"]).is_none());
        assert!(copy(r#"{"name":"a","name":"b"}"#, &["name"]).is_none());
        assert!(copy(r#"{"name":"a""#, &["name"]).is_none());
        assert!(copy(r#"{"name":"a"} x"#, &["name"]).is_none());
        assert!(copy(r#"["name"]"#, &["name"]).is_none());
        // Too many claims: the general path reports how many.
        let many: Vec<u32> = (0..=MAX_COPIED_CLAIMS as u32).collect();
        assert!(copy(&json!({ "x": many }).to_string(), &["x"]).is_none());
        // Objects and duplicates among the claims not asked for are skipped.
        let copied = copy(r#"{"o":{"a":1,"a":2},"d":1,"d":2,"name":"Ann"}"#, &["name"]).unwrap();
        assert_eq!(copied.members, br#""name":"Ann","#);
    }

    /// The member names of a JSON object, in order and with duplicates kept.
    fn member_names(object: &[u8]) -> Vec<String> {
        struct Names;
        impl<'de> Visitor<'de> for Names {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

    proptest::proptest! {
        /// Whenever the fast path answers, it answers what the general path does, as members
        /// with no name twice.
        #[test]
        fn the_fast_path_agrees_with_the_general_path(
            payload in proptest::collection::btree_map(
                "sub|aud|name|roles|asrs\\.s\\.uid|x|é", json_value(), 0..6),
        ) {
            let payload = Value::Object(payload.into_iter().collect());
            let types = ["sub", "aud", "name", "roles", "asrs.s.uid", "é"];
            let json = payload.to_string();
            if let Some(fast) = copy(json.as_bytes(), types.iter().copied()) {
                let (as_value, general) = both(&payload, &types);
                proptest::prop_assert_eq!(as_value, Some(general));
                let mut object = b"{".to_vec();
                fast.write_members(&mut object);
                if object.ends_with(b",") {
                    object.pop();
                }
                object.push(b'}');
                let mut names = member_names(&object);
                let count = names.len();
                names.sort();
                names.dedup();
                proptest::prop_assert_eq!(names.len(), count, "{}", String::from_utf8_lossy(&object));
            }
        }
    }
}
