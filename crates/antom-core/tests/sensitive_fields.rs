//! The masking list of `antom_core::mask_body` checked against the catalogue schema: every
//! field of every model that looks personal or secret by its name is masked, or is named here
//! with the reason it is not.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::BTreeSet;

use serde_json::Value;

/// Name fragments (lowercase) of fields that hold card data, account numbers, personal names,
/// emails, phone numbers, identity documents, credentials or tokens.
const LOOKS_SENSITIVE: &[&str] = &[
    "cardno",
    "cvv",
    "accountno",
    "accountnumber",
    "email",
    "phone",
    "mobile",
    "firstname",
    "lastname",
    "middlename",
    "fullname",
    "holdername",
    "birth",
    "certno",
    "certificateno",
    "certificatenumber",
    "password",
    "passengername",
    "guestnames",
    "buyername",
    "payername",
    "nickname",
    "address1",
    "address2",
    "address3",
];

/// Fields that match a fragment but hold no personal or secret value, with the reason.
const NOT_PERSONAL: &[(&str, &str)] = &[
    ("buyerPhoneNoContryCode", "a country calling code"),
    (
        "cardNickName",
        "a label the buyer gave a saved card, not card data",
    ),
    ("cvvResult", "the issuer's check result code"),
    ("cvvResultRaw", "the issuer's check result code"),
    ("emailChangeDate", "a date"),
    ("emailPrefix", "a routing prefix, not an address"),
    ("emailType", "a type code"),
    ("maskedCardNo", "masked by Antom already"),
    ("passengerNameRecord", "a booking reference"),
    ("passwordChangeDate", "a date"),
    ("shippingPhoneType", "a type code"),
    ("storePhoneNo", "a business's phone number"),
];

fn token_like(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.ends_with("token") || lower == "token") && !lower.ends_with("idtoken")
}

fn schema_fields() -> BTreeSet<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../antom-models/schema/models.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let schema: Value = serde_json::from_str(&text).unwrap();
    let mut names = BTreeSet::new();
    for model in schema["types"].as_array().unwrap() {
        for field in model["fields"].as_array().into_iter().flatten() {
            names.insert(field["json"].as_str().unwrap().to_owned());
        }
    }
    names
}

#[test]
fn every_personal_or_secret_schema_field_is_masked() {
    let fields = schema_fields();
    assert!(fields.len() > 1000, "read {} field names", fields.len());
    let missing: Vec<&String> = fields
        .iter()
        .filter(|name| {
            let lower = name.to_ascii_lowercase();
            LOOKS_SENSITIVE.iter().any(|part| lower.contains(part)) || token_like(name)
        })
        .filter(|name| !NOT_PERSONAL.iter().any(|(n, _)| n == name))
        .filter(|name| !antom_core::is_sensitive_field(name))
        .collect();
    assert!(missing.is_empty(), "not masked: {missing:?}");
}

#[test]
fn every_masked_field_exists_in_the_schema() {
    let fields = schema_fields();
    let unknown: Vec<&&str> = antom_core::SENSITIVE_FIELDS
        .iter()
        .filter(|name| !fields.contains(**name))
        .collect();
    assert!(unknown.is_empty(), "not in the schema: {unknown:?}");
    for (name, _) in NOT_PERSONAL {
        assert!(fields.contains(*name), "{name} is not in the schema");
        assert!(!antom_core::is_sensitive_field(name));
    }
}
