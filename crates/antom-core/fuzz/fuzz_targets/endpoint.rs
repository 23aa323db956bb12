//! Endpoint lookup: `antom_core::endpoint` on any name.
//!
//! Invariants: a found endpoint has exactly that name, its group is the name's first
//! segment, its path is a production API path ending in the name's segments, and a
//! production client resolves it to itself; a name not found is in no entry of
//! `endpoints()` (the binary search agrees with a linear one).
#![no_main]

use antom_core::{Environment, endpoint, endpoints};
use antom_core_fuzz::ConfigText;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn clients() -> &'static [antom_core::Client; 2] {
    static CLIENTS: OnceLock<[antom_core::Client; 2]> = OnceLock::new();
    CLIENTS.get_or_init(|| {
        let client = |env: &str| {
            ConfigText::parse(&format!("v|5J5YEX4C2YQK01523|{env}"))
                .client()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        [client("production"), client("sandbox")]
    })
}

fuzz_target!(|data: &[u8]| {
    let name = String::from_utf8_lossy(data);
    let linear = endpoints().iter().find(|e| e.name == name);
    let found = endpoint(&name);
    assert_eq!(found, linear);
    let Some(found) = found else { return };
    assert_eq!(found.name, name);
    assert_eq!(Some(found.group), name.split('.').next());
    assert!(found.path.starts_with("/ams/api/"), "{}", found.path);
    assert!(
        found
            .path
            .ends_with(&format!("/{}", name.replace('.', "/"))),
        "{}",
        found.path
    );
    let [production, sandbox] = clients();
    assert_eq!(production.environment(), Environment::Production);
    assert_eq!(
        production.resolve_path(found.path).as_deref(),
        Ok(found.path)
    );
    let in_sandbox = sandbox
        .resolve_path(found.path)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        in_sandbox,
        found.path.replacen("/ams/api/", "/ams/sandbox/api/", 1)
    );
});
