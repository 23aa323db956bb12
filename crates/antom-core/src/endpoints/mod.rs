//! Looking up Antom API paths by name.
//!
//! A name is the path's segments after the version, joined with dots:
//! `/ams/api/v1/payments/pay` is `payments.pay`, `/ams/api/v1/aba/cards/applyCard` is
//! `aba.cards.applyCard`. The group is the first segment (`payments`, `aba`, `billing`...).

mod table;

/// One Antom API endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Dotted name, e.g. `payments.inquiryPayment`.
    pub name: &'static str,
    /// Product group, e.g. `payments`, `vaults`, `billing`.
    pub group: &'static str,
    /// Production path, e.g. `/ams/api/v1/payments/inquiryPayment` (pass it, or the name's
    /// path, to [`crate::Client::prepare`]; sandbox rewriting happens there).
    pub path: &'static str,
}

/// Every known endpoint, sorted by name.
pub fn endpoints() -> &'static [Endpoint] {
    &table::ENDPOINTS
}

/// The endpoint called `name` (e.g. `payments.pay`), if known.
pub fn endpoint(name: &str) -> Option<&'static Endpoint> {
    let all = endpoints();
    all.binary_search_by(|endpoint| endpoint.name.cmp(name))
        .ok()
        .and_then(|index| all.get(index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(
            endpoints()
                .windows(2)
                .all(|w| matches!(w, [a, b] if a.name < b.name))
        );
    }
}
