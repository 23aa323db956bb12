//! Case-insensitive lookup in a received header list.

use crate::error::{Error, Result};

/// Received headers as name/value pairs, matched case-insensitively.
pub(crate) struct HeaderList<'a>(Vec<(&'a str, &'a str)>);

impl<'a> HeaderList<'a> {
    pub(crate) fn new<I, K, V>(headers: &'a I) -> HeaderList<'a>
    where
        &'a I: IntoIterator<Item = &'a (K, V)>,
        K: AsRef<str> + 'a,
        V: AsRef<str> + 'a,
    {
        HeaderList(
            headers
                .into_iter()
                .map(|(k, v)| (k.as_ref(), v.as_ref()))
                .collect(),
        )
    }

    /// The trimmed value of `name`, `None` when absent or blank.
    ///
    /// # Errors
    /// `INVALID_INPUT` when the header appears more than once: two different values for a
    /// signed header cannot both be trusted.
    pub(crate) fn get(&self, name: &str) -> Result<Option<&'a str>> {
        let mut found = None;
        for (key, value) in &self.0 {
            if key.trim().eq_ignore_ascii_case(name) {
                if found.is_some() {
                    return Err(Error::invalid_input(format!(
                        "the {name} header appears more than once"
                    )));
                }
                found = Some(value.trim_matches(|c| c == ' ' || c == '\t'));
            }
        }
        Ok(found.filter(|value| !value.is_empty()))
    }
}
