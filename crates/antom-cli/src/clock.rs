//! Wall-clock helpers. The core takes time as an argument; this is where it comes from.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch (0 if the clock is before 1970).
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The current UTC time as ISO-8601 to the second, e.g. `2026-11-22T04:08:48Z`: the form
/// Antom uses in `response-time` and in notifications' `request-time`.
pub fn now_iso8601() -> String {
    iso8601_from_millis(now_millis())
}

/// `millis` since the epoch as ISO-8601 UTC to the second.
pub fn iso8601_from_millis(millis: u64) -> String {
    let secs = millis / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso8601_from_millis(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            iso8601_from_millis(1_685_599_933_871),
            "2023-06-01T06:12:13Z"
        );
        assert_eq!(iso8601_from_millis(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(
            iso8601_from_millis(1_795_314_528_000),
            "2026-11-22T02:28:48Z"
        );
    }
}
