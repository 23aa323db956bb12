//! Key DER: `PrivateKey::from_der`, `PublicKey::from_der` on any bytes.
//!
//! Invariants: errors are `INVALID_KEY` and never echo 24 characters of the input's base64
//! (nor of the input itself); an accepted key has an accepted size and round-trips through
//! its SPKI DER.
#![no_main]

use antom_core::{
    ErrorCode, MAX_PRIVATE_KEY_BITS, MAX_PUBLIC_KEY_BITS, MIN_KEY_BITS, PrivateKey, PublicKey,
};
use antom_core_fuzz::{assert_no_echo, base64};
use libfuzzer_sys::fuzz_target;

const WINDOW: usize = 24;

fuzz_target!(|data: &[u8]| {
    // The input as an error could show it: its base64, and the bytes themselves as text.
    let echoes = [base64(data), String::from_utf8_lossy(data).into_owned()];
    let check = |message: &str, what: &str| {
        for input in &echoes {
            assert_no_echo(message, input, WINDOW, what);
        }
    };

    match PrivateKey::from_der(data) {
        Ok(key) => {
            let bits = key.bits();
            assert!(
                (MIN_KEY_BITS..=MAX_PRIVATE_KEY_BITS).contains(&bits),
                "{bits}"
            );
            check(&format!("{key:?}"), "Debug of PrivateKey");
            let public = key.public_key();
            match PublicKey::from_der(&public.to_der()) {
                Ok(again) => assert_eq!(again, public),
                Err(e) => assert!(bits > MAX_PUBLIC_KEY_BITS, "{e}"),
            }
        }
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidKey, "{e}");
            check(&e.to_string(), "PrivateKey::from_der error");
        }
    }

    match PublicKey::from_der(data) {
        Ok(key) => {
            let bits = key.bits();
            assert!(
                (MIN_KEY_BITS..=MAX_PUBLIC_KEY_BITS).contains(&bits),
                "{bits}"
            );
            let again = PublicKey::parse(&key.to_base64())
                .unwrap_or_else(|e| panic!("an accepted key's dashboard form must parse: {e}"));
            assert_eq!(again, key);
        }
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidKey, "{e}");
            check(&e.to_string(), "PublicKey::from_der error");
        }
    }
});
