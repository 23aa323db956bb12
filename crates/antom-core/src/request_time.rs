//! Reading a signed `request-time` as an instant, for the opt-in notification freshness check.
//!
//! Antom's own notifications carry an ISO-8601 date-time with a zone
//! (`2019-07-12T12:08:56+05:30`; the official SDKs' samples also show `...Z`), while requests
//! built by this library and by the Java and Go SDKs carry epoch milliseconds. Both are read:
//!
//! * epoch milliseconds: 1 to 19 ASCII digits;
//! * `YYYY-MM-DDTHH:MM:SS[.F]Z|±HH:MM|±HHMM` (`T`/`t`, `Z`/`z`), with a real calendar date,
//!   hours 0-23, minutes and seconds 0-59, an offset of at most 23:59, 1 to 9 fraction digits
//!   (milliseconds are the first three, truncated), and no earlier than 1970.
//!
//! Anything else (no zone, a space for `T`, a leap second, ...) has no instant we are sure of,
//! and is refused by the caller rather than guessed.

/// A signed `request-time` (header text) as epoch milliseconds, or `None` when it is neither
/// epoch milliseconds (1 to 19 ASCII digits) nor an ISO-8601 date-time with a zone
/// (`2019-07-12T12:08:56+05:30`, `...56.250Z`, `...+0800`). The freshness check of
/// [`crate::Client::verify_notification_fresh`] reads the time this way.
///
/// ```
/// assert_eq!(antom_core::request_time_ms("2019-07-12T12:08:56+05:30"), Some(1_562_913_536_000));
/// assert_eq!(antom_core::request_time_ms("1562913536000"), Some(1_562_913_536_000));
/// assert_eq!(antom_core::request_time_ms("2019-07-12T12:08:56"), None); // no zone
/// ```
#[must_use]
pub fn request_time_ms(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if !b.is_empty() && b.len() <= 19 && b.iter().all(u8::is_ascii_digit) {
        return text.parse().ok();
    }
    iso8601_ms(b)
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let part = b.get(at..at + n)?;
    part.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn expect(b: &[u8], at: usize, byte: u8) -> Option<()> {
    (b.get(at) == Some(&byte)).then_some(())
}

fn iso8601_ms(b: &[u8]) -> Option<u64> {
    let year = digits(b, 0, 4)?;
    expect(b, 4, b'-')?;
    let month = digits(b, 5, 2)?;
    expect(b, 7, b'-')?;
    let day = digits(b, 8, 2)?;
    matches!(b.get(10), Some(b'T' | b't')).then_some(())?;
    let hour = digits(b, 11, 2)?;
    expect(b, 13, b':')?;
    let minute = digits(b, 14, 2)?;
    expect(b, 16, b':')?;
    let second = digits(b, 17, 2)?;
    let mut at = 19;
    let mut millis = 0;
    if b.get(at) == Some(&b'.') {
        let count = b
            .get(at + 1..)?
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if !(1..=9).contains(&count) {
            return None;
        }
        for i in 0..3 {
            millis = millis * 10
                + if i < count {
                    digits(b, at + 1 + i, 1)?
                } else {
                    0
                };
        }
        at += 1 + count;
    }
    let offset_minutes = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (h, m) = match rest {
                [_, _, b':', _, _] => (digits(rest, 0, 2)?, digits(rest, 3, 2)?),
                [_, _, _, _] => (digits(rest, 0, 2)?, digits(rest, 2, 2)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'+' {
                h * 60 + m
            } else {
                -(h * 60 + m)
            }
        }
        _ => return None,
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid_day = usize::try_from(month - 1)
        .ok()
        .and_then(|m| month_days.get(m))
        .is_some_and(|&last| (1..=last).contains(&day));
    if !valid_day || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second
        - offset_minutes * 60;
    u64::try_from(seconds * 1_000 + millis).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::request_time_ms as epoch_ms;

    // Expected values from `date -u -d ... +%s%3N` (GNU coreutils), not from this code.
    #[test]
    fn reads_both_forms() {
        assert_eq!(epoch_ms("1562913536000"), Some(1_562_913_536_000));
        assert_eq!(
            epoch_ms("2019-07-12T12:08:56+05:30"),
            Some(1_562_913_536_000)
        );
        assert_eq!(epoch_ms("2019-07-12T06:38:56.25Z"), Some(1_562_913_536_250));
        assert_eq!(
            epoch_ms("2019-07-12T14:38:56+0800"),
            Some(1_562_913_536_000)
        );
        assert_eq!(epoch_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            epoch_ms("2000-02-29T23:59:59.999-00:01"),
            Some(951_868_859_999)
        );
        assert_eq!(epoch_ms("9999-12-31T23:59:59Z"), Some(253_402_300_799_000));
    }

    #[test]
    fn refuses_what_has_no_sure_instant() {
        for text in [
            "",
            "2019-07-12T12:08:56",
            "2019-07-12 12:08:56Z",
            "2019-07-12T12:08:60Z",
            "1900-02-29T00:00:00Z",
            "2019-04-31T00:00:00Z",
            "2019-00-12T00:00:00Z",
            "2019-07-12T12:08:56+2400",
            "2019-07-12T12:08:56+05:3",
            "2019-07-12T12:08:56.Z",
            "2019-07-12T12:08:56.1234567890Z",
            "1969-12-31T23:59:59Z",
            "2019-07-12T12:08:56Z ",
            "+2019-07-12T12:08:56Z",
            "２０１９-07-12T12:08:56Z",
            "2019-07-12T12:08:56+05:30:00",
        ] {
            assert_eq!(epoch_ms(text), None, "{text:?}");
        }
    }
}
