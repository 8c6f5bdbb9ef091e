//! Constraint strengths: [`Score`] (locations, colocations) and
//! [`OrderKind`] (orders).

use serde::{Serialize, Serializer};
use std::fmt;

/// Pacemaker's `INFINITY`: scores are clamped to ±1 000 000.
const INF: i64 = 1_000_000;

/// A constraint score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Score {
    /// `INFINITY`: must.
    Infinity,
    /// `-INFINITY`: must not.
    MinusInfinity,
    /// A preference, strictly between the two.
    Finite(i32),
}

/// Why a text is not a score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreError(String);

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a score glha reads (INFINITY, -INFINITY or an integer)",
            self.0
        )
    }
}

impl std::error::Error for ScoreError {}

impl Score {
    /// Zero: no preference (an optional order, in crm's terms).
    pub const ZERO: Score = Score::Finite(0);

    /// The score of `n`, clamped to ±`INFINITY` as Pacemaker does.
    pub fn from_int(n: i64) -> Score {
        if n >= INF {
            Score::Infinity
        } else if n <= -INF {
            Score::MinusInfinity
        } else {
            Score::Finite(n as i32)
        }
    }

    /// Reads a score as the CIB and crmsh write it: `INFINITY`, `+INFINITY`,
    /// `-INFINITY`, crm's `inf`/`-inf` (any case), or an integer (clamped).
    /// Node-health names (`red`, `yellow`, `green`) and attribute references
    /// are not read.
    pub fn parse(text: &str) -> Result<Score, ScoreError> {
        let s = text.trim();
        match s.to_ascii_lowercase().as_str() {
            "infinity" | "+infinity" | "inf" | "+inf" => return Ok(Score::Infinity),
            "-infinity" | "-inf" => return Ok(Score::MinusInfinity),
            _ => {}
        }
        let (negative, digits) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScoreError(text.to_string()));
        }
        // Any number too long for i64 is far past INFINITY: clamp it too.
        let n = digits.parse::<i64>().unwrap_or(INF);
        Ok(Score::from_int(if negative { -n } else { n }))
    }

    /// Reads crm's word before a constraint's resources: a score with its
    /// colon (`inf:`, `-100:`), or an order kind used as one (`Mandatory:`
    /// is `INFINITY`, `Optional:` zero, as crmsh reads them).
    pub fn parse_crm(word: &str) -> Result<Score, ScoreError> {
        let w = word.strip_suffix(':').unwrap_or(word);
        match w.to_ascii_lowercase().as_str() {
            "mandatory" => Ok(Score::Infinity),
            "optional" => Ok(Score::ZERO),
            _ => Score::parse(w),
        }
    }

    /// The score as crm writes it before a constraint's resources: `inf`
    /// and `-inf` for the infinities.
    pub fn crm(self) -> String {
        match self {
            Score::Infinity => "inf".into(),
            Score::MinusInfinity => "-inf".into(),
            Score::Finite(n) => n.to_string(),
        }
    }
}

/// `INFINITY`, `-INFINITY` or the number, as the CIB stores it.
impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Score::Infinity => f.write_str("INFINITY"),
            Score::MinusInfinity => f.write_str("-INFINITY"),
            Score::Finite(n) => write!(f, "{n}"),
        }
    }
}

/// [`Score::parse`].
impl std::str::FromStr for Score {
    type Err = ScoreError;
    fn from_str(s: &str) -> Result<Score, ScoreError> {
        Score::parse(s)
    }
}

impl Serialize for Score {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How an order constraint binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderKind {
    /// `then` never starts unless `first` is running, and restarts with it.
    Mandatory,
    /// Only when both happen in the same transition.
    Optional,
    /// The two never start or stop at the same time.
    Serialize,
}

impl OrderKind {
    /// The kind as the CIB's `kind` attribute writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderKind::Mandatory => "Mandatory",
            OrderKind::Optional => "Optional",
            OrderKind::Serialize => "Serialize",
        }
    }

    /// Reads a `kind` attribute (any case, as Pacemaker does).
    pub fn parse(text: &str) -> Option<OrderKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "mandatory" => Some(OrderKind::Mandatory),
            "optional" => Some(OrderKind::Optional),
            "serialize" => Some(OrderKind::Serialize),
            _ => None,
        }
    }

    /// The kind of an order given by a (deprecated) score instead of a
    /// kind: zero is optional, anything else mandatory, as Pacemaker reads
    /// it.
    pub fn from_score(score: Score) -> OrderKind {
        if score == Score::ZERO {
            OrderKind::Optional
        } else {
            OrderKind::Mandatory
        }
    }

    /// Reads crm's word before an order's resources (`Mandatory:`,
    /// `Optional:`, `Serialize:`, or a score such as `inf:` or `0:`).
    pub fn parse_crm(word: &str) -> Option<OrderKind> {
        let w = word.strip_suffix(':').unwrap_or(word);
        OrderKind::parse(w).or_else(|| Score::parse(w).ok().map(OrderKind::from_score))
    }
}

impl fmt::Display for OrderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for OrderKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_in_every_spelling() {
        for (s, want) in [
            ("INFINITY", Score::Infinity),
            ("+INFINITY", Score::Infinity),
            ("inf", Score::Infinity),
            ("-INFINITY", Score::MinusInfinity),
            ("-inf", Score::MinusInfinity),
            ("100", Score::Finite(100)),
            ("-100", Score::Finite(-100)),
            ("0", Score::ZERO),
            ("1000000", Score::Infinity),
            ("-99999999999999999999999", Score::MinusInfinity),
        ] {
            assert_eq!(Score::parse(s), Ok(want), "{s}");
        }
        for bad in ["", "-", "red", "1e3", "inf:"] {
            assert!(Score::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Score::parse_crm("-inf:"), Ok(Score::MinusInfinity));
        assert_eq!(Score::parse_crm("Mandatory:"), Ok(Score::Infinity));
        assert_eq!(Score::parse_crm("Optional:"), Ok(Score::ZERO));
        assert_eq!(Score::parse_crm("50"), Ok(Score::Finite(50)));
        assert!(Score::parse_crm("sometimes:").is_err());
        assert_eq!(Score::MinusInfinity.to_string(), "-INFINITY");
        assert_eq!(Score::Infinity.crm(), "inf");
        assert_eq!(Score::Finite(-5).crm(), "-5");
    }

    #[test]
    fn order_kinds_from_crm_words() {
        assert_eq!(
            OrderKind::parse_crm("Mandatory:"),
            Some(OrderKind::Mandatory)
        );
        assert_eq!(OrderKind::parse_crm("inf:"), Some(OrderKind::Mandatory));
        assert_eq!(OrderKind::parse_crm("Optional:"), Some(OrderKind::Optional));
        assert_eq!(OrderKind::parse_crm("0:"), Some(OrderKind::Optional));
        assert_eq!(
            OrderKind::parse_crm("serialize"),
            Some(OrderKind::Serialize)
        );
        assert_eq!(OrderKind::parse_crm("sometimes:"), None);
        assert_eq!(OrderKind::Mandatory.to_string(), "Mandatory");
    }
}
