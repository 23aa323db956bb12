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
        let [found] = self.get_each([name]);
        found.value(name)
    }

    /// [`HeaderList::get`] of each of `names`, in one pass over the headers.
    pub(crate) fn get_each<const N: usize>(&self, names: [&str; N]) -> [Lookup<'a>; N] {
        let mut found = [Lookup::Absent; N];
        for (key, value) in &self.0 {
            let key = key.trim();
            for (name, slot) in names.iter().zip(found.iter_mut()) {
                if key.eq_ignore_ascii_case(name) {
                    *slot = match slot {
                        Lookup::Absent => {
                            Lookup::Once(value.trim_matches(|c| c == ' ' || c == '\t'))
                        }
                        Lookup::Once(_) | Lookup::Repeated => Lookup::Repeated,
                    };
                }
            }
        }
        found
    }
}

/// What [`HeaderList::get_each`] found for one name.
#[derive(Clone, Copy)]
pub(crate) enum Lookup<'a> {
    /// No header of that name.
    Absent,
    /// One, with this trimmed value.
    Once(&'a str),
    /// More than one.
    Repeated,
}

impl<'a> Lookup<'a> {
    /// As [`HeaderList::get`] gives it for `name`.
    pub(crate) fn value(self, name: &str) -> Result<Option<&'a str>> {
        match self {
            Lookup::Absent => Ok(None),
            Lookup::Once(value) => Ok(Some(value).filter(|value| !value.is_empty())),
            Lookup::Repeated => Err(Error::invalid_input(format!(
                "the {name} header appears more than once"
            ))),
        }
    }
}
