//! Amounts: decimal strings ⇄ Antom's integer minor-unit strings.
//!
//! Antom's `amount.value` is a positive integer string of at most 16 characters in the
//! currency's ISO 4217 minor unit: USD 10.50 → `"1050"`, JPY 1050 → `"1050"`, IDR 1.00 →
//! `"100"` (IDR has two decimals for Antom even though cents are not used in practice),
//! KWD 1.000 → `"1000"`. Antom takes IDR in whole rupiah only, so an IDR value must be a
//! multiple of 100 (`"100.50"` IDR is refused). ISO 4217 fund codes (BOV, CLF, USN, ...) are
//! not payment currencies and are refused. Some payment methods add rules this function does
//! not know about:
//! JKOPay TWD values must be multiples of 100, Octopus HKD multiples of 10, and each method
//! has minimum amounts.

use crate::currency_table::MINOR_UNITS;
use crate::error::{Error, Result};

/// Longest `amount.value` Antom accepts.
pub const MAX_VALUE_DIGITS: usize = 16;

/// The ISO 4217 minor-unit exponent of `currency` (`USD` → 2, `JPY` → 0, `KWD` → 3).
///
/// # Errors
/// `UNSUPPORTED_CURRENCY` when `currency` is not an upper-case ISO 4217 code with a minor unit.
pub fn minor_unit_exponent(currency: &str) -> Result<u8> {
    MINOR_UNITS
        .binary_search_by(|(code, _)| (*code).cmp(currency))
        .ok()
        .and_then(|index| MINOR_UNITS.get(index))
        .map(|(_, exponent)| *exponent)
        .ok_or_else(|| {
            Error::unsupported_currency(
                "the currency is not an ISO 4217 code with a minor unit (use upper case, e.g. USD)",
            )
        })
}

/// Converts a decimal amount to Antom's minor-unit string: `("10.50", "USD")` → `"1050"`.
///
/// The amount is plain ASCII digits with an optional `.` and fraction. Extra fraction digits
/// are allowed only when they are zeros (`"10.500"` USD is fine, `"10.505"` is refused — this
/// function never rounds).
///
/// # Errors
/// `INVALID_AMOUNT` for signs, exponents, separators, spaces, excess precision, zero, more
/// than 16 digits, or IDR with sen; `UNSUPPORTED_CURRENCY` for an unknown currency or a
/// fund code.
pub fn to_minor_units(amount: &str, currency: &str) -> Result<String> {
    let exponent = usize::from(minor_unit_exponent(currency)?);
    let (whole, fraction) = match amount.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (amount, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !digits(whole)
        || !digits(fraction)
        || (amount.contains('.') && fraction.is_empty())
    {
        return Err(Error::invalid_amount(
            "the amount must be plain digits with an optional decimal point, e.g. 10.50 \
             (no sign, exponent, spaces or thousands separators)",
        ));
    }
    let (kept, excess) = fraction.split_at(fraction.len().min(exponent));
    if excess.bytes().any(|b| b != b'0') {
        return Err(Error::invalid_amount(format!(
            "the amount has more decimals than the currency's {exponent}; round it first"
        )));
    }
    let mut value: String = whole.to_owned();
    value.push_str(kept);
    value.extend(std::iter::repeat_n('0', exponent - kept.len()));
    let value = value.trim_start_matches('0');
    if value.is_empty() {
        return Err(Error::invalid_amount(
            "the amount must be greater than zero",
        ));
    }
    if value.len() > MAX_VALUE_DIGITS {
        return Err(Error::invalid_amount(format!(
            "the amount is too large: Antom values have at most {MAX_VALUE_DIGITS} digits"
        )));
    }
    if currency == "IDR" && !value.ends_with("00") {
        return Err(Error::invalid_amount(
            "Antom takes IDR in whole rupiah: the amount must have no sen (e.g. 10000 or \
             10000.00)",
        ));
    }
    Ok(value.to_owned())
}

/// Converts Antom's minor-unit string back to a decimal: `("1050", "USD")` → `"10.50"`,
/// `("1050", "JPY")` → `"1050"`. Zero is allowed here (it appears in some responses).
///
/// # Errors
/// `INVALID_AMOUNT` when `value` is not 1 to 16 ASCII digits; `UNSUPPORTED_CURRENCY` for an
/// unknown currency.
pub fn from_minor_units(value: &str, currency: &str) -> Result<String> {
    let exponent = usize::from(minor_unit_exponent(currency)?);
    if value.is_empty()
        || value.len() > MAX_VALUE_DIGITS
        || !value.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Error::invalid_amount(format!(
            "an Antom amount value is 1 to {MAX_VALUE_DIGITS} digits, e.g. 1050"
        )));
    }
    let padded = format!("{value:0>width$}", width = exponent + 1);
    let (whole, fraction) = padded.split_at(padded.len() - exponent);
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    };
    Ok(if exponent == 0 {
        whole.to_owned()
    } else {
        format!("{whole}.{fraction}")
    })
}
