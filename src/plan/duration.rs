//! [`Duration`]: a span of time as Pacemaker keeps it, in milliseconds.
//!
//! Pacemaker reads an interval or timeout as a number and an optional unit
//! (`30`, `30s`, `500ms`, `2m`, `2min`, `1h`; no unit is seconds; units are
//! case-insensitive and may be separated from the number by spaces) and,
//! for an operation's interval only, also as an ISO 8601 duration
//! (`PT30S`). It keeps the result in a 32-bit signed count of milliseconds,
//! so anything longer than [`Duration::MAX`] (about 24.8 days) is refused
//! here with a message instead of wrapping.
//!
//! Where Pacemaker is lenient in ways that hide mistakes, glha is stricter
//! and says why: a fraction (`1.5s`, which Pacemaker silently truncates), a
//! misspelt unit (`30secs`) and ISO 8601 years and months (whose length
//! depends on the calendar) are errors.

use serde::{Serialize, Serializer};
use std::fmt;

/// A non-negative span of time of at most [`Duration::MAX`], in
/// milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(u32);

/// Why a text is not a [`Duration`] glha accepts. The message names the text
/// (durations are never secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// Empty, or no digits where the number should be.
    NotANumber(String),
    /// A unit Pacemaker does not know.
    UnknownUnit(String),
    /// A decimal fraction (Pacemaker would drop it without a word).
    Fraction(String),
    /// An ISO 8601 form glha does not read (years, months, fractions).
    Iso(String),
    /// Longer than Pacemaker can hold.
    TooLong(String),
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::NotANumber(s) => write!(f, "`{s}` is not a duration"),
            DurationError::UnknownUnit(s) => write!(
                f,
                "`{s}` has a unit Pacemaker does not know (ms, s, m, min, h, hr)"
            ),
            DurationError::Fraction(s) => write!(
                f,
                "`{s}` has a fraction, which Pacemaker ignores; write it in a smaller unit"
            ),
            DurationError::Iso(s) => write!(
                f,
                "`{s}` is an ISO 8601 duration glha does not read (only weeks, days, hours, minutes and whole seconds)"
            ),
            DurationError::TooLong(s) => write!(
                f,
                "`{s}` is longer than Pacemaker can hold ({} ms, about 24 days)",
                Duration::MAX.0
            ),
        }
    }
}

impl std::error::Error for DurationError {}

const SECOND: u64 = 1000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

impl Duration {
    /// No time at all (an interval of `0s`: a start or stop, not a
    /// recurring operation).
    pub const ZERO: Duration = Duration(0);
    /// The longest duration Pacemaker holds: `i32::MAX` milliseconds.
    pub const MAX: Duration = Duration(i32::MAX as u32);

    /// `ms` milliseconds, if Pacemaker can hold that.
    pub const fn from_ms(ms: u64) -> Option<Duration> {
        if ms <= Self::MAX.0 as u64 {
            Some(Duration(ms as u32))
        } else {
            None
        }
    }

    /// `s` seconds: any `u16` count of seconds fits (for constants).
    pub const fn seconds(s: u16) -> Duration {
        Duration(s as u32 * 1000)
    }

    /// `s` seconds, if Pacemaker can hold that.
    pub fn from_secs(s: u64) -> Option<Duration> {
        Self::from_ms(s.checked_mul(SECOND)?)
    }

    /// The duration in milliseconds.
    pub fn as_ms(self) -> u64 {
        u64::from(self.0)
    }

    /// Whether it is zero.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The sum, if Pacemaker can hold it.
    pub fn checked_add(self, other: Duration) -> Option<Duration> {
        Self::from_ms(self.as_ms() + other.as_ms())
    }

    /// `n` times this, if Pacemaker can hold it.
    pub fn checked_mul(self, n: u64) -> Option<Duration> {
        Self::from_ms(self.as_ms().checked_mul(n)?)
    }

    /// Reads a timeout as Pacemaker does (`30`, `30s`, `500ms`, `2min`, `1h`;
    /// see the module documentation for what is refused).
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        let s = text.trim();
        let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        if digits == 0 {
            return Err(DurationError::NotANumber(text.to_string()));
        }
        let rest = &s[digits..];
        if rest.starts_with('.') {
            return Err(DurationError::Fraction(text.to_string()));
        }
        // Past u64 is past MAX too: say it is too long, not "not a number".
        let too_long = || DurationError::TooLong(text.to_string());
        let n: u64 = s[..digits].parse().map_err(|_| too_long())?;
        let unit = rest.trim_start().to_ascii_lowercase();
        let ms = match unit.as_str() {
            "ms" | "msec" => Some(n),
            // Microseconds, truncated to milliseconds as Pacemaker does.
            "us" | "usec" => Some(n / 1000),
            "" | "s" | "sec" => n.checked_mul(SECOND),
            "m" | "min" => n.checked_mul(MINUTE),
            "h" | "hr" => n.checked_mul(HOUR),
            _ => return Err(DurationError::UnknownUnit(text.to_string())),
        };
        ms.and_then(Self::from_ms).ok_or_else(too_long)
    }

    /// Reads an operation's interval: what [`Duration::parse`] reads, and
    /// ISO 8601 durations (`PT30S`, `P1DT2H`, `P2W`), which Pacemaker
    /// accepts for intervals only.
    pub fn parse_interval(text: &str) -> Result<Duration, DurationError> {
        let s = text.trim();
        match s.strip_prefix('P') {
            Some(iso) => Self::parse_iso(text, iso),
            None => Self::parse(text),
        }
    }

    /// `P[nW][nD][T[nH][nM][nS]]`, the part after `P`.
    fn parse_iso(text: &str, iso: &str) -> Result<Duration, DurationError> {
        let bad = || DurationError::Iso(text.to_string());
        let too_long = || DurationError::TooLong(text.to_string());
        let (date, time) = match iso.split_once('T') {
            Some((d, t)) if !t.is_empty() => (d, Some(t)),
            Some(_) => return Err(bad()),
            None => (iso, None),
        };
        let mut total: u64 = 0;
        let mut any = false;
        for (part, units) in [
            (date, &[('W', 7 * DAY), ('D', DAY)][..]),
            (
                time.unwrap_or(""),
                &[('H', HOUR), ('M', MINUTE), ('S', SECOND)][..],
            ),
        ] {
            let mut rest = part;
            // Each unit at most once, in order.
            let mut allowed = units.iter();
            while !rest.is_empty() {
                let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
                if digits == 0 {
                    return Err(bad());
                }
                let n: u64 = rest[..digits].parse().map_err(|_| too_long())?;
                let letter = rest[digits..].chars().next().ok_or_else(bad)?;
                let &(_, scale) = allowed
                    .by_ref()
                    .find(|(u, _)| *u == letter)
                    .ok_or_else(bad)?;
                total = n
                    .checked_mul(scale)
                    .and_then(|v| total.checked_add(v))
                    .ok_or_else(too_long)?;
                any = true;
                rest = &rest[digits + 1..];
            }
        }
        if !any {
            return Err(bad());
        }
        Self::from_ms(total).ok_or_else(too_long)
    }

    /// The duration as HAProxy writes a time: whole hours as `Nh`, else
    /// seconds or milliseconds (HAProxy has no `min`; its `m` is minutes,
    /// but seconds read more plainly in a health check).
    pub fn haproxy(self) -> String {
        let ms = self.as_ms();
        if ms != 0 && ms % HOUR == 0 {
            format!("{}h", ms / HOUR)
        } else if ms % SECOND == 0 {
            format!("{}s", ms / SECOND)
        } else {
            format!("{ms}ms")
        }
    }
}

/// Pacemaker's notation, one canonical form per value: `0s`, whole hours as
/// `Nh`, whole minutes from ten minutes on as `Nmin`, whole seconds as
/// `Ns`, anything else as `Nms`.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.as_ms();
        if ms == 0 {
            f.write_str("0s")
        } else if ms % HOUR == 0 {
            write!(f, "{}h", ms / HOUR)
        } else if ms % MINUTE == 0 && ms >= 10 * MINUTE {
            write!(f, "{}min", ms / MINUTE)
        } else if ms % SECOND == 0 {
            write!(f, "{}s", ms / SECOND)
        } else {
            write!(f, "{ms}ms")
        }
    }
}

/// [`Duration::parse`].
impl std::str::FromStr for Duration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Duration, DurationError> {
        Duration::parse(s)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> u64 {
        Duration::parse_interval(s).unwrap().as_ms()
    }

    #[test]
    fn pacemaker_forms() {
        assert_eq!(ms("30"), 30_000);
        assert_eq!(ms("30s"), 30_000);
        assert_eq!(ms(" 30 sec "), 30_000);
        assert_eq!(ms("500ms"), 500);
        assert_eq!(ms("500MSEC"), 500);
        assert_eq!(ms("2m"), 120_000);
        assert_eq!(ms("2min"), 120_000);
        assert_eq!(ms("1h"), 3_600_000);
        assert_eq!(ms("1hr"), 3_600_000);
        assert_eq!(ms("1500us"), 1);
        assert_eq!(ms("0"), 0);
    }

    #[test]
    fn iso_8601_for_intervals_only() {
        assert_eq!(ms("PT30S"), 30_000);
        assert_eq!(ms("P1DT2H"), 26 * 3_600_000);
        assert_eq!(ms("P2W"), 14 * 24 * 3_600_000);
        assert_eq!(ms("PT1H30M"), 90 * 60_000);
        assert!(Duration::parse("PT30S").is_err());
        for bad in [
            "P", "PT", "P1Y", "P1M", "PT1.5S", "PT30", "PTS", "PT1S2M", "P1DT",
        ] {
            assert!(
                matches!(Duration::parse_interval(bad), Err(DurationError::Iso(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            Duration::parse_interval("P25D"),
            Err(DurationError::TooLong(_))
        ));
    }

    #[test]
    fn refusals_are_errors_not_wraps() {
        use DurationError::*;
        let err = |s: &str| Duration::parse(s).unwrap_err();
        assert!(matches!(err(""), NotANumber(_)));
        assert!(matches!(err("s"), NotANumber(_)));
        assert!(matches!(err("-5s"), NotANumber(_)));
        assert!(matches!(err("1.5s"), Fraction(_)));
        assert!(matches!(err("30secs"), UnknownUnit(_)));
        assert!(matches!(err("30d"), UnknownUnit(_)));
        assert!(matches!(err("9999999999999999h"), TooLong(_)));
        assert!(matches!(err("99999999999999999999999999"), TooLong(_)));
        assert!(matches!(err("2147484s"), TooLong(_)));
        assert_eq!(Duration::parse("2147483647ms"), Ok(Duration::MAX));
        assert!(err("9999999999999999h")
            .to_string()
            .contains("longer than Pacemaker can hold"));
    }

    #[test]
    fn checked_arithmetic() {
        let d = Duration::from_secs(30).unwrap();
        assert_eq!(d.checked_add(d).unwrap().as_ms(), 60_000);
        assert_eq!(
            Duration::MAX.checked_add(Duration::from_ms(1).unwrap()),
            None
        );
        assert_eq!(d.checked_mul(u64::MAX), None);
        assert_eq!(Duration::from_ms(u64::MAX), None);
        assert_eq!(Duration::from_secs(u64::MAX), None);
    }

    #[test]
    fn one_canonical_display_that_reads_back() {
        for (ms, text) in [
            (0, "0s"),
            (500, "500ms"),
            (1_500, "1500ms"),
            (30_000, "30s"),
            (60_000, "60s"),
            (300_000, "300s"),
            (600_000, "10min"),
            (3_600_000, "1h"),
            (5_400_000, "90min"),
        ] {
            let d = Duration::from_ms(ms).unwrap();
            assert_eq!(d.to_string(), text);
            assert_eq!(Duration::parse(text), Ok(d));
        }
        assert_eq!(Duration::from_ms(1_500).unwrap().haproxy(), "1500ms");
        assert_eq!(Duration::from_ms(120_000).unwrap().haproxy(), "120s");
        assert_eq!(Duration::from_ms(6 * 3_600_000).unwrap().haproxy(), "6h");
        assert_eq!(Duration::from_ms(5_400_000).unwrap().haproxy(), "5400s");
    }
}
