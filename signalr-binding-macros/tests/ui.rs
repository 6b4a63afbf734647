//! Compile-time behaviour: every mistake is a clear error at the right token, and every accepted
//! form compiles (including under `#![deny(warnings)]` and `#![forbid(unsafe_code)]`).
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p signalr-binding-macros
//! --test ui`, then review every `.stderr` change.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
