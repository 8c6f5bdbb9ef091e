//! POSIX shell quoting, for `pacemaker/glance-api.pcs.sh` and
//! `keystone/endpoints.sh`.
//!
//! A word made only of `[A-Za-z0-9_./:=@%+,-]` is written bare; anything
//! else goes in single quotes, where the shell interprets nothing, and a
//! single quote is written `'\''` (close, escaped quote, reopen). The only
//! characters refused are control characters other than tab: NUL cannot be
//! in an argument at all, and a newline or carriage return would split a
//! command for anyone reading the script line by line.

/// The first character of `s` that cannot be written safely as one shell
/// word, if any.
pub fn shell_unrepresentable(s: &str) -> Option<char> {
    s.chars().find(|&c| c.is_control() && c != '\t')
}

fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '_' | '.' | '/' | ':' | '=' | '@' | '%' | '+' | ',' | '-')
}

/// `s` as exactly one shell word.
pub fn quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(is_bare) {
        s.to_string()
    } else {
        single_quote(s)
    }
}

/// `s` as one shell word, always in single quotes.
pub fn single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_and_quoted() {
        assert_eq!(quote("ip=10.0.0.11"), "ip=10.0.0.11");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote("$(rm -rf /)`x`"), "'$(rm -rf /)`x`'");
        assert_eq!(single_quote("x"), "'x'");
        assert_eq!(shell_unrepresentable("a\tb"), None);
        assert_eq!(shell_unrepresentable("a\nb"), Some('\n'));
        assert_eq!(shell_unrepresentable("a\0b"), Some('\0'));
    }

    #[test]
    fn round_trips_through_sh() {
        if which("sh").is_none() {
            eprintln!("SKIPPED round_trips_through_sh: no `sh` on PATH");
            return;
        }
        let v = "a\"b'c\\d$(x)`e f#g\t*?~!;&|<>{}[]";
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf '%s' {}", quote(v)))
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), v);
    }

    pub(crate) fn which(tool: &str) -> Option<std::path::PathBuf> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|d| d.join(tool))
            .find(|p| p.is_file())
    }
}
