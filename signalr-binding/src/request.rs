//! What a binding reads from a request: headers, the query string and, optionally, a
//! [`BindingContext`] in its extensions.
//!
//! Header and query lookups follow the Azure Functions HTTP trigger
//! (Azure/azure-webjobs-sdk-extensions,
//! `src/WebJobs.Extensions.Http/HttpTriggerAttributeBindingProvider.cs`): header names match
//! case-insensitively and several values of one header are joined with `,`; query keys match
//! case-sensitively after decoding, the last value wins, and values are percent-decoded (`+` is
//! a space, as ASP.NET Core reads a query).

use std::borrow::Cow;

use http::{HeaderMap, HeaderName};

use crate::error::BindingError;
use crate::settings::BindingContext;

/// A request a binding can read.
///
/// Implemented for [`http::Request<B>`], [`http::request::Parts`] and references to either.
/// Another request type implements it by handing out its header map and raw query string.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a request a SignalR binding can read",
    label = "binding expressions cannot read this parameter",
    note = "take the request as `http::Request<B>`, `http::request::Parts`, or a reference to either",
    note = "or implement `signalr_binding::BindingRequest` for `{Self}`"
)]
pub trait BindingRequest {
    /// The request's headers.
    fn headers(&self) -> &HeaderMap;

    /// The raw query string, without the leading `?`, if the URI has one.
    fn query(&self) -> Option<&str>;

    /// Settings and clock to resolve with, when the application put a [`BindingContext`] in
    /// the request. `None` means the defaults (process environment, system clock).
    fn context(&self) -> Option<&BindingContext> {
        None
    }
}

impl<B> BindingRequest for http::Request<B> {
    fn headers(&self) -> &HeaderMap {
        http::Request::headers(self)
    }

    fn query(&self) -> Option<&str> {
        self.uri().query()
    }

    fn context(&self) -> Option<&BindingContext> {
        self.extensions().get()
    }
}

impl BindingRequest for http::request::Parts {
    fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    fn query(&self) -> Option<&str> {
        self.uri.query()
    }

    fn context(&self) -> Option<&BindingContext> {
        self.extensions.get()
    }
}

impl<T: BindingRequest + ?Sized> BindingRequest for &T {
    fn headers(&self) -> &HeaderMap {
        (**self).headers()
    }

    fn query(&self) -> Option<&str> {
        (**self).query()
    }

    fn context(&self) -> Option<&BindingContext> {
        (**self).context()
    }
}

/// The value of header `name` (lower-case), several values joined with `,`. `prepared` is the
/// same name as a `HeaderName`, when the caller has one: the lookup then skips parsing it.
pub(crate) fn header<'r>(
    request: &'r dyn BindingRequest,
    name: &str,
    prepared: Option<&HeaderName>,
) -> Result<Cow<'r, str>, BindingError> {
    let headers = request.headers();
    let mut values = match prepared {
        Some(prepared) => headers.get_all(prepared),
        None => headers.get_all(name),
    }
    .iter();
    let Some(first) = values.next() else {
        return Err(BindingError::MissingHeader {
            name: name.to_owned(),
        });
    };
    let text = |value: &'r http::HeaderValue| {
        std::str::from_utf8(value.as_bytes()).map_err(|_| BindingError::InvalidHeaderValue {
            name: name.to_owned(),
        })
    };
    let first = text(first)?;
    let Some(second) = values.next() else {
        return Ok(Cow::Borrowed(first));
    };
    let mut joined = format!("{first},{}", text(second)?);
    for value in values {
        joined.push(',');
        joined.push_str(text(value)?);
    }
    Ok(Cow::Owned(joined))
}

/// The decoded value of query key `key`; the last occurrence wins.
pub(crate) fn query<'r>(
    request: &'r dyn BindingRequest,
    key: &str,
) -> Result<Cow<'r, str>, BindingError> {
    let mut found = None;
    for pair in request.query().unwrap_or("").split('&') {
        if pair.is_empty() {
            continue;
        }
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let matches = match decode(raw_key) {
            Ok(decoded) => decoded == key,
            // A key that does not decode is not the one asked for, unless it is spelled so.
            Err(_) => raw_key == key,
        };
        if matches {
            found = Some(raw_value);
        }
    }
    let Some(raw) = found else {
        return Err(BindingError::MissingQuery {
            key: key.to_owned(),
        });
    };
    decode(raw).map_err(|_| BindingError::InvalidQueryEncoding {
        key: key.to_owned(),
    })
}

/// Strict form-URL decoding: `+` is a space, `%` must be followed by two hex digits, and the
/// result must be UTF-8. Borrowed when there is nothing to decode.
pub(crate) fn decode(raw: &str) -> Result<Cow<'_, str>, InvalidEncoding> {
    if !raw.contains(['%', '+']) {
        return Ok(Cow::Borrowed(raw));
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
                match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                    (Some(high), Some(low)) => out.push((high * 16 + low) as u8),
                    _ => return Err(InvalidEncoding),
                }
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| InvalidEncoding)
}

/// A query component that is not valid percent-encoded UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvalidEncoding;

#[cfg(test)]
mod tests {
    use super::*;
    use http::Request;

    fn request(uri: &str, headers: &[(&str, &[u8])]) -> Request<()> {
        let mut builder = Request::builder().uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, http::HeaderValue::from_bytes(value).unwrap());
        }
        builder.body(()).unwrap()
    }

    #[test]
    fn header_names_match_case_insensitively() {
        let req = request("/", &[("X-MS-Client-Principal-Id", b"alice")]);
        assert_eq!(
            header(&req, "x-ms-client-principal-id", None).unwrap(),
            "alice"
        );
    }

    #[test]
    fn several_header_values_are_joined_with_commas() {
        let req = request("/", &[("x-a", b"1"), ("x-a", b"2"), ("x-a", b"3")]);
        assert_eq!(header(&req, "x-a", None).unwrap(), "1,2,3");
        let prepared = HeaderName::from_static("x-a");
        assert_eq!(header(&req, "x-a", Some(&prepared)).unwrap(), "1,2,3");
    }

    #[test]
    fn a_missing_header_names_the_header() {
        let req = request("/", &[]);
        assert_eq!(
            header(&req, "x-a", None).unwrap_err(),
            BindingError::MissingHeader { name: "x-a".into() }
        );
    }

    #[test]
    fn utf8_header_values_are_read_and_others_rejected() {
        let req = request("/", &[("x-a", "zoë".as_bytes()), ("x-b", b"\xff\xfe")]);
        assert_eq!(header(&req, "x-a", None).unwrap(), "zoë");
        assert_eq!(
            header(&req, "x-b", None).unwrap_err(),
            BindingError::InvalidHeaderValue { name: "x-b".into() }
        );
    }

    #[test]
    fn query_keys_are_case_sensitive_and_the_last_value_wins() {
        let req = request("/?user=a&User=b&user=c", &[]);
        assert_eq!(query(&req, "user").unwrap(), "c");
        assert_eq!(query(&req, "User").unwrap(), "b");
        assert_eq!(
            query(&req, "USER").unwrap_err(),
            BindingError::MissingQuery { key: "USER".into() }
        );
    }

    #[test]
    fn query_values_and_keys_are_decoded() {
        let req = request("/?na%6De=J%C3%B6rg+M%2B&flag&empty=", &[]);
        assert_eq!(query(&req, "name").unwrap(), "Jörg M+");
        assert_eq!(query(&req, "flag").unwrap(), "");
        assert_eq!(query(&req, "empty").unwrap(), "");
    }

    #[test]
    fn bad_percent_encoding_is_an_error_naming_the_key() {
        for uri in ["/?k=%zz", "/?k=%4", "/?k=%ff"] {
            let req = request(uri, &[]);
            assert_eq!(
                query(&req, "k").unwrap_err(),
                BindingError::InvalidQueryEncoding { key: "k".into() },
                "{uri}"
            );
        }
    }

    #[test]
    fn no_query_string_means_a_missing_key() {
        let req = request("/", &[]);
        assert!(matches!(
            query(&req, "k"),
            Err(BindingError::MissingQuery { .. })
        ));
    }

    #[test]
    fn parts_and_references_are_requests() {
        let (parts, ()) = request("/?k=v", &[("x-a", b"1")]).into_parts();
        assert_eq!(query(&parts, "k").unwrap(), "v");
        assert_eq!(header(&&parts, "x-a", None).unwrap(), "1");
        assert!(BindingRequest::context(&parts).is_none());
    }

    proptest::proptest! {
        #[test]
        fn decoding_never_panics(raw in ".*") {
            let _ = decode(&raw);
        }

        #[test]
        fn query_lookup_never_panics(query_string in "[a-z%+=&0-9A-F]{0,40}", key in "[a-z]{0,3}") {
            let req = Request::builder().uri(format!("/?{query_string}")).body(());
            if let Ok(req) = req {
                let _ = query(&req, &key);
            }
        }
    }
}
