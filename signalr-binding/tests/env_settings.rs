//! `EnvSettings`, the process environment as Azure Functions passes app settings: a setting
//! is read at once, a section's variables from a copy at most a second old, with a revision
//! every thread shares. This binary sets environment variables, so it holds no other test.

use std::time::{Duration, Instant};

use signalr_binding::{ConnectionInfoBinding, EnvSettings, SectionRevision, Settings};

/// The variables under `prefix` that `EnvSettings` lists, sorted.
fn listed(prefix: &str) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    EnvSettings.for_each_with_prefix(prefix, &mut |name, value| {
        seen.push((name.to_owned(), value.to_owned()));
    });
    seen.sort();
    seen
}

/// Waits until `done` holds, for at most five seconds (a copy is at most a second old, so
/// this leaves room for a stalled machine).
fn within_five_seconds(mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Asserts that `prefix` lists `expected` (sorted) within five seconds.
fn assert_listed_soon(prefix: &str, expected: &[(&str, &str)]) {
    let expected: Vec<_> = expected
        .iter()
        .map(|&(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    within_five_seconds(|| listed(prefix) == expected);
    assert_eq!(listed(prefix), expected);
}

/// Sets (or, with `None`, removes) environment variable `name`.
fn set(name: &str, value: Option<&str>) {
    // SAFETY: the only test of this binary; nothing but std reads the environment here, and
    // std locks around its reads and writes.
    unsafe {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }
}

#[test]
fn a_section_is_listed_from_a_fresh_copy_and_a_setting_read_at_once() {
    const PREFIX: &str = "EnvSettingsTest:Endpoints:";
    let (east, west) = (
        "EnvSettingsTest__Endpoints__east",
        "envsettingstest__endpoints__west__secondary",
    );
    set(east, Some("1"));
    set("EnvSettingsTest__Other", Some("x"));
    assert_eq!(listed(PREFIX), [(east.to_owned(), "1".to_owned())]);

    // A new, a changed and a removed variable are all seen within a second.
    set(west, Some("2"));
    assert_listed_soon(PREFIX, &[(east, "1"), (west, "2")]);
    set(east, Some("3"));
    set(west, None);
    assert_listed_soon(PREFIX, &[(east, "3")]);

    // `get` does not wait for a copy.
    set(east, Some("4"));
    assert_eq!(EnvSettings.get(east).as_deref(), Some("4"));

    // A binding with several endpoints picks up a new endpoint variable, from the copy.
    set(
        "EnvSettingsTestOwn",
        Some(signalr_binding::EMULATOR_CONNECTION_STRING),
    );
    let binding = ConnectionInfoBinding::builder("chat")
        .connection_string_setting("EnvSettingsTestOwn")
        .multiple_endpoints()
        .build()
        .unwrap();
    let count = || binding.endpoints_with(&EnvSettings).unwrap().len();
    let before = count();
    set(
        "Azure__SignalR__Endpoints__envsettingstest",
        Some("Endpoint=http://localhost;Port=8891;AccessKey=k;Version=1.0;"),
    );
    within_five_seconds(|| count() != before);
    assert_eq!(
        count(),
        before + 1,
        "the new endpoint variable was picked up"
    );

    // A section's revision is shared by every thread while its variables stay the same, and
    // changes with them.
    let revision = || EnvSettings.section_revision(PREFIX).expect("a revision");
    let on_another_thread = || std::thread::spawn(revision).join().unwrap();
    let held: SectionRevision = revision();
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(revision(), held, "a fresh copy of the same variables");
    assert_eq!(on_another_thread(), held);
    set(west, Some("5"));
    within_five_seconds(|| revision() != held);
    assert_ne!(revision(), held, "a new variable is a new revision");
    assert_listed_soon(PREFIX, &[(east, "4"), (west, "5")]);
    assert_eq!(on_another_thread(), revision());
}
