//! The connection-string parser, and the binding that prepares and signs with it: any input
//! gives a value or an error, and an access key that occurs once in the input never shows in
//! `Debug`, `Display`, an error or the binding's answer URL.
#![no_main]

use std::collections::HashMap;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use signalr_binding::{ConnectionInfoBinding, ConnectionString, Credential, SystemClock};

static BINDING: LazyLock<ConnectionInfoBinding> =
    LazyLock::new(|| ConnectionInfoBinding::builder("chat").build().unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = ConnectionString::parse(source);
    let shown = match &parsed {
        Ok(cs) => format!("{cs} {cs:?}"),
        Err(error) => format!("{error} {error:?} {}", error.hint()),
    };
    if let Ok(cs) = &parsed {
        let _ = (cs.client_base_url(), cs.audience_base_url());
        if let Credential::AccessKey(key) = cs.credential() {
            let key = key.expose_secret();
            // The endpoint is printed normalised (`/./` removed, ...), so a key made of URL
            // characters can show up there by coincidence (a false alarm the fuzzer found with
            // the key `//////////`): only check keys the printed URLs do not contain.
            let urls = format!(
                "{} {} {}",
                cs.client_base_url(),
                cs.audience_base_url(),
                cs.access_key_url()
            );
            if key.len() >= 8 && source.matches(key).count() == 1 && !urls.contains(key) {
                assert!(!shown.contains(key), "access key shown: {shown}");
            }
        }
    }

    let settings = HashMap::from([("AzureSignalRConnectionString".to_owned(), source.to_owned())]);
    match BINDING.resolve_with(None, &settings, &SystemClock) {
        Ok(info) => {
            assert!(parsed.is_ok());
            assert_eq!(info.access_token.split('.').count(), 3);
        }
        Err(error) => {
            let _ = (
                error.to_string(),
                format!("{error:?}"),
                error.to_json(),
                error.status(),
            );
        }
    }
});
