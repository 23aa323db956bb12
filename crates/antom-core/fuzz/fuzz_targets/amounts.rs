//! Amounts: `to_minor_units` / `from_minor_units` / `minor_unit_exponent`.
//!
//! Input: `amount 0xFF currency` (a missing currency is `USD`). Both directions run on the
//! same two strings. Invariants: an accepted amount gives 1 to 16 digits without a leading
//! zero, a multiple of 100 for IDR, and round-trips: `from_minor_units` gives the same
//! decimal value, and `to_minor_units` of that gives the same minor units back.
#![no_main]

use antom_core::{
    ErrorCode, MAX_VALUE_DIGITS, from_minor_units, minor_unit_exponent, to_minor_units,
};
use antom_core_fuzz::{fields, text};
use libfuzzer_sys::fuzz_target;

/// A decimal written canonically: no leading zeros in the whole part, no trailing zeros
/// (nor a lone `.`) in the fraction.
fn canonical(decimal: &str) -> String {
    let (whole, fraction) = decimal.split_once('.').unwrap_or((decimal, ""));
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        w => w,
    };
    match fraction.trim_end_matches('0') {
        "" => whole.to_owned(),
        f => format!("{whole}.{f}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let parts = fields(data);
    let amount = text(parts.first().copied().unwrap_or_default());
    let currency = parts.get(1).map_or_else(|| "USD".into(), |c| text(c));
    let exponent = minor_unit_exponent(&currency).ok();

    match to_minor_units(&amount, &currency) {
        Ok(value) => {
            let exponent = usize::from(exponent.expect("an accepted currency has an exponent"));
            assert!(
                !value.is_empty() && value.len() <= MAX_VALUE_DIGITS,
                "{value}"
            );
            assert!(value.bytes().all(|b| b.is_ascii_digit()), "{value}");
            assert!(!value.starts_with('0'), "{value}");
            if currency == "IDR" {
                assert!(value.ends_with("00"), "{value}");
            }
            let decimal = from_minor_units(&value, &currency)
                .unwrap_or_else(|e| panic!("{value} {currency} must convert back: {e}"));
            assert_eq!(
                canonical(&decimal),
                canonical(&amount),
                "{amount} -> {value}"
            );
            let fraction_digits = decimal.split_once('.').map_or(0, |(_, f)| f.len());
            assert_eq!(fraction_digits, exponent, "{decimal}");
            assert_eq!(
                to_minor_units(&decimal, &currency).as_deref(),
                Ok(value.as_str())
            );
        }
        Err(e) => {
            assert!(
                matches!(
                    e.code(),
                    ErrorCode::InvalidAmount | ErrorCode::UnsupportedCurrency
                ),
                "{e}"
            );
            if exponent.is_none() {
                assert_eq!(e.code(), ErrorCode::UnsupportedCurrency);
            }
        }
    }

    // The same two strings the other way: `amount` read as Antom's minor-unit value.
    match from_minor_units(&amount, &currency) {
        Ok(decimal) => {
            let exponent = usize::from(exponent.expect("an accepted currency has an exponent"));
            assert!(!amount.is_empty() && amount.len() <= MAX_VALUE_DIGITS);
            let fraction_digits = decimal.split_once('.').map_or(0, |(_, f)| f.len());
            assert_eq!(fraction_digits, exponent, "{decimal}");
            let minor = amount.trim_start_matches('0');
            match to_minor_units(&decimal, &currency) {
                Ok(again) => assert_eq!(again, minor),
                // Zero, and IDR with sen, are read but never sent.
                Err(e) => {
                    assert_eq!(e.code(), ErrorCode::InvalidAmount, "{e}");
                    assert!(minor.is_empty() || (currency == "IDR" && !minor.ends_with("00")));
                }
            }
        }
        Err(e) => assert!(
            matches!(
                e.code(),
                ErrorCode::InvalidAmount | ErrorCode::UnsupportedCurrency
            ),
            "{e}"
        ),
    }
});
