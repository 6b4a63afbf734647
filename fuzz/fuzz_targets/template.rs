//! `Template::parse`: any input gives a template or an error whose span lies inside the input
//! on character boundaries; a parsed template's `Display` parses back to the same template.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signalr_binding_expression::{Template, validate_hub_name};

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    match Template::parse(source) {
        Ok(template) => {
            let shown = template.to_string();
            assert_eq!(
                Template::parse(&shown).as_ref(),
                Ok(&template),
                "{source:?} shown as {shown:?}"
            );
            let _ = template.reads_request();
            if let Some(literal) = template.as_literal() {
                let _ = validate_hub_name(literal);
            }
        }
        Err(error) => {
            let span = error.span();
            assert!(
                span.start <= span.end && span.end <= source.len(),
                "{span:?}"
            );
            assert!(
                source.get(span.clone()).is_some(),
                "{span:?} splits a character"
            );
            let _ = error.to_string();
        }
    }
});
