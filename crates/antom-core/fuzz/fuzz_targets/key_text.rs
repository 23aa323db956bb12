//! Key text: `PrivateKey::parse`, `PublicKey::parse` and `describe_key_format` on any text.
//!
//! Invariants: errors are `INVALID_KEY` and never echo 24 base64 characters of the input (key
//! material); an accepted key has an accepted size, round-trips through its dashboard form,
//! and its `Debug` form carries no key material.
#![no_main]

use antom_core::{
    ErrorCode, MAX_PRIVATE_KEY_BITS, MAX_PUBLIC_KEY_BITS, MIN_KEY_BITS, PrivateKey, PublicKey,
    describe_key_format,
};
use antom_core_fuzz::assert_no_echo;
use libfuzzer_sys::fuzz_target;

const WINDOW: usize = 24;

fuzz_target!(|data: &[u8]| {
    let described = describe_key_format(data);
    let text = String::from_utf8_lossy(data);
    assert_no_echo(&described, &text, WINDOW, "describe_key_format");

    match PrivateKey::parse(&text) {
        Ok(key) => {
            let bits = key.bits();
            assert!(
                (MIN_KEY_BITS..=MAX_PRIVATE_KEY_BITS).contains(&bits),
                "{bits}"
            );
            assert_no_echo(&format!("{key:?}"), &text, WINDOW, "Debug of PrivateKey");
            let public = key.public_key();
            assert_eq!(public.bits(), bits);
            // The public half's dashboard form (public data) parses back to the same key,
            // when its size is one a received key may have.
            match PublicKey::parse(&public.to_base64()) {
                Ok(again) => assert_eq!(again, public),
                Err(e) => assert!(bits > MAX_PUBLIC_KEY_BITS, "{e}"),
            }
        }
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidKey, "{e}");
            assert_no_echo(&e.to_string(), &text, WINDOW, "PrivateKey::parse error");
        }
    }

    match PublicKey::parse(&text) {
        Ok(key) => {
            let bits = key.bits();
            assert!(
                (MIN_KEY_BITS..=MAX_PUBLIC_KEY_BITS).contains(&bits),
                "{bits}"
            );
            let again = PublicKey::from_der(&key.to_der())
                .unwrap_or_else(|e| panic!("an accepted key's SPKI must parse again: {e}"));
            assert_eq!(again, key);
            assert_eq!(key.signature_len(), bits.div_ceil(8) as usize);
        }
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidKey, "{e}");
            assert_no_echo(&e.to_string(), &text, WINDOW, "PublicKey::parse error");
        }
    }
});
