//! The tokens of `.glha`, scanned straight from the bytes of the text.
//!
//! Every function here takes the text as bytes and a byte offset, and
//! returns where a token ends; none allocates. The parser decides which
//! token it expects where (a number may start an address, a duration or a
//! plain number, depending on what follows), so there is no token stream:
//! the lexer is a set of scanners the parser calls at its cursor. All of
//! them stop only at ASCII bytes, so every offset they return is a char
//! boundary of the text.

/// Whether a name (key, label, reference part) can start with `b`.
pub(super) fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// Whether a name can go on with `b`.
pub(super) fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Skips whitespace and comments: what may stand between any two tokens.
pub(super) fn skip_trivia(b: &[u8], mut i: usize) -> usize {
    loop {
        match b.get(i) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => i += 1,
            Some(b'#') => i = line_end(b, i),
            _ => return i,
        }
    }
}

/// The offset of the next `\n` at or after `i`, or the end of the text.
pub(super) fn line_end(b: &[u8], i: usize) -> usize {
    b.get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
        .map_or(b.len(), |k| i + k)
}

/// Where a name starting at `i` ends.
pub(super) fn ident_end(b: &[u8], i: usize) -> usize {
    i + run(b, i, is_ident_char)
}

/// How many bytes from `i` on satisfy `pred`.
fn run(b: &[u8], i: usize, pred: impl Fn(u8) -> bool) -> usize {
    b.get(i..)
        .map_or(0, |rest| rest.iter().take_while(|&&c| pred(c)).count())
}

/// What a value that starts with a hex digit or `:` is. Which of these
/// applies depends only on the bytes, in this order: an IPv6 address
/// (hex digits, then `:`), an IPv4 address (four dotted numbers), a
/// duration (a number and a unit not followed by a name character), a
/// number, or else a name that happens to start with a hex letter.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Numeric {
    /// An address; it ends at the offset given, before any `/prefix`.
    Address(usize),
    /// A duration: the digits end at `digits`, the unit at `end`; `per` is
    /// the unit in milliseconds.
    Duration { digits: usize, end: usize, per: u64 },
    /// A number ending at the offset given.
    Number(usize),
    /// Not numeric: a name starting with a hex letter.
    Word,
}

/// Classifies the value at `i`, which starts with a hex digit or `:`.
pub(super) fn numeric(b: &[u8], i: usize) -> Numeric {
    let hex = i + run(b, i, |c| c.is_ascii_hexdigit());
    if b.get(hex) == Some(&b':') {
        let end = hex
            + 1
            + run(b, hex + 1, |c| {
                c.is_ascii_hexdigit() || c == b':' || c == b'.'
            });
        return Numeric::Address(end);
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return Numeric::Word;
    }
    let digits = i + run(b, i, |c| c.is_ascii_digit());
    if let Some(end) = ipv4_rest(b, digits) {
        return Numeric::Address(end);
    }
    // A unit counts only as a whole word: `5ms` is a duration, `5msx` the
    // number 5 followed by the name `msx`.
    let ends_word = |k: usize| {
        !b.get(digits + k)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    };
    let rest = &b[digits..];
    let unit = if rest.starts_with(b"ms") {
        ends_word(2).then_some((2, 1))
    } else {
        match rest.first() {
            Some(b's') => ends_word(1).then_some((1, 1_000)),
            Some(b'm') => ends_word(1).then_some((1, 60_000)),
            Some(b'h') => ends_word(1).then_some((1, 3_600_000)),
            _ => None,
        }
    };
    match unit {
        Some((len, per)) => Numeric::Duration {
            digits,
            end: digits + len,
            per,
        },
        None => Numeric::Number(digits),
    }
}

/// After the first number of an IPv4 address (ending at `i`): the end of
/// the three `.NUMBER` parts, if all three are there.
fn ipv4_rest(b: &[u8], mut i: usize) -> Option<usize> {
    for _ in 0..3 {
        if b.get(i) != Some(&b'.') {
            return None;
        }
        let n = run(b, i + 1, |c| c.is_ascii_digit());
        if n == 0 {
            return None;
        }
        i += 1 + n;
    }
    Some(i)
}

/// The digits of a `/prefix` right after an address ending at `i`.
pub(super) fn prefix(b: &[u8], i: usize) -> Option<(usize, usize)> {
    if b.get(i) != Some(&b'/') {
        return None;
    }
    let n = run(b, i + 1, |c| c.is_ascii_digit());
    (n > 0).then_some((i + 1, i + 1 + n))
}

/// The outcome of scanning a string literal.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Str {
    /// Closed; `end` is after the closing quote. `escapes` says whether
    /// the contents hold a backslash escape (so they need decoding).
    Closed { end: usize, escapes: bool },
    /// No closing quote before the end of the line (`at` is the `\n`, or
    /// a backslash just before it) or of the text (`at` is its length).
    Unterminated { at: usize },
    /// A backslash at `at` followed by a character that is not an escape;
    /// the literal goes on to `resume` (after its closing quote, or at the
    /// end of its line).
    BadEscape { at: usize, resume: usize },
}

/// The escapes a string may hold after `\`.
fn is_escape(c: u8) -> bool {
    matches!(c, b'"' | b'\\' | b'n' | b't' | b'r' | b'$')
}

/// Scans the string literal whose `"` is at `i`.
pub(super) fn scan_string(b: &[u8], i: usize) -> Str {
    let mut k = i + 1;
    let mut escapes = false;
    loop {
        let Some(off) = b
            .get(k..)
            .and_then(|rest| rest.iter().position(|&c| matches!(c, b'"' | b'\\' | b'\n')))
        else {
            return Str::Unterminated { at: b.len() };
        };
        k += off;
        match b[k] {
            b'"' => {
                return Str::Closed {
                    end: k + 1,
                    escapes,
                }
            }
            b'\n' => return Str::Unterminated { at: k },
            _ => match b.get(k + 1) {
                Some(&c) if is_escape(c) => {
                    escapes = true;
                    k += 2;
                }
                // A backslash ending the line or the text: the string is
                // cut there, not escaped.
                None => return Str::Unterminated { at: b.len() },
                Some(b'\n') => return Str::Unterminated { at: k },
                Some(_) => {
                    return Str::BadEscape {
                        at: k,
                        resume: skip_string(b, i),
                    }
                }
            },
        }
    }
}

/// Where a string literal starting at `i` ends for error recovery: after
/// its closing quote, or at the end of its line, whatever it holds.
pub(super) fn skip_string(b: &[u8], i: usize) -> usize {
    let mut k = i + 1;
    loop {
        match b.get(k) {
            None | Some(b'\n') => return k,
            Some(b'"') => return k + 1,
            Some(b'\\') if b.get(k + 1).is_some_and(|&c| c != b'\n') => k += 2,
            Some(_) => k += 1,
        }
    }
}

/// The value of the inside of a string literal that scanned as
/// [`Str::Closed`] with escapes.
pub(super) fn decode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(k) = rest.find('\\') {
        out.push_str(&rest[..k]);
        let Some(&e) = rest.as_bytes().get(k + 1) else {
            break;
        };
        out.push(match e {
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            // `\"`, `\\` and `\$` stand for themselves; the scanner let
            // nothing else through.
            other => char::from(other),
        });
        rest = &rest[k + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Numeric {
        numeric(s.as_bytes(), 0)
    }

    #[test]
    fn numbers_addresses_and_durations() {
        assert_eq!(num("10.0.0.11/24"), Numeric::Address(9));
        assert_eq!(num("2001:db8::1"), Numeric::Address(11));
        assert_eq!(num("::"), Numeric::Address(2));
        assert_eq!(num("beef:1 "), Numeric::Address(6));
        assert_eq!(num("1.2.3"), Numeric::Number(1));
        assert_eq!(num("1.2.3.4.5"), Numeric::Address(7));
        assert_eq!(
            num("30s"),
            Numeric::Duration {
                digits: 2,
                end: 3,
                per: 1_000
            }
        );
        assert_eq!(
            num("5ms,"),
            Numeric::Duration {
                digits: 1,
                end: 3,
                per: 1
            }
        );
        assert_eq!(
            num("2m-"),
            Numeric::Duration {
                digits: 1,
                end: 2,
                per: 60_000
            }
        );
        assert_eq!(num("5msx"), Numeric::Number(1));
        assert_eq!(num("5s2"), Numeric::Number(1));
        assert_eq!(num("1e5"), Numeric::Number(1));
        assert_eq!(num("deadbeef"), Numeric::Word);
        assert_eq!(prefix(b"1.2.3.4/", 7), None);
        assert_eq!(prefix(b"1.2.3.4/24", 7), Some((8, 10)));
    }

    #[test]
    fn strings() {
        let s = |t: &str| scan_string(t.as_bytes(), 0);
        assert_eq!(
            s(r#""a\"b" x"#),
            Str::Closed {
                end: 6,
                escapes: true
            }
        );
        assert_eq!(s("\"ab\ncd\""), Str::Unterminated { at: 3 });
        assert_eq!(s("\"ab"), Str::Unterminated { at: 3 });
        assert_eq!(s("\"a\\\nb\""), Str::Unterminated { at: 2 });
        assert_eq!(s("\"a\\"), Str::Unterminated { at: 3 });
        assert_eq!(s(r#""C:\q" x"#), Str::BadEscape { at: 3, resume: 6 });
        assert_eq!(decode(r#"a\n\t\r\"\\\$b"#), "a\n\t\r\"\\$b");
        assert_eq!(skip_trivia(b"  # c\n\t x", 0), 8);
    }
}
