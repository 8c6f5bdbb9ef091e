//! The live catalog: `openstack endpoint list -f json`, read by diff's
//! reader. JSON that is not such a list is refused naming its line: the
//! parser's, or the line where the offending row starts.

use super::ImportError;
use crate::plan::catalog::LiveEndpoint;
use camino::Utf8Path;

/// Reads the endpoint list at `path`.
pub(crate) fn read(path: &Utf8Path) -> Result<Vec<LiveEndpoint>, ImportError> {
    let (text, _) = crate::diff::read::text(path)?;
    let err = |line: usize, message: String| ImportError::Parse {
        path: path.to_owned(),
        line: Some(line),
        message,
    };
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| err(e.line().max(1), e.to_string()))?;
    let Some(rows) = v.as_array() else {
        let first = text.lines().position(|l| !l.trim().is_empty()).unwrap_or(0) + 1;
        return Err(err(
            first,
            "not a JSON list of endpoints (`openstack endpoint list -f json` prints one)".into(),
        ));
    };
    let starts = element_lines(&text);
    for (n, row) in rows.iter().enumerate() {
        if !row.is_object() {
            let line = starts.get(n).copied().unwrap_or(1);
            return Err(err(line, format!("endpoint #{n} is not a JSON object")));
        }
    }
    crate::diff::endpoints::read(&text).map_err(|m| {
        // diff's reader says `endpoint #N: …`.
        let n: Option<usize> = m
            .strip_prefix("endpoint #")
            .and_then(|r| r.split(':').next())
            .and_then(|d| d.parse().ok());
        let line = n.and_then(|n| starts.get(n).copied()).unwrap_or(1);
        err(line, m)
    })
}

/// The 1-based line where each element of the top-level JSON array starts.
fn element_lines(text: &str) -> Vec<usize> {
    let (mut depth, mut line, mut in_str, mut escaped) = (0usize, 1usize, false, false);
    let mut expect = false;
    let mut out = Vec::new();
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        if expect && !c.is_whitespace() && c != ']' {
            out.push(line);
            expect = false;
        }
        match c {
            '"' => in_str = true,
            '[' | '{' => {
                depth += 1;
                expect = depth == 1 && c == '[';
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 1 => expect = true,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<Vec<LiveEndpoint>, String> {
        let tmp = tempfile::tempdir().unwrap();
        let p = camino::Utf8PathBuf::from_path_buf(tmp.path().join("e.json")).unwrap();
        std::fs::write(&p, text).unwrap();
        read(&p).map_err(|e| e.to_string())
    }

    #[test]
    fn rows_are_read_and_bad_ones_named_by_line() {
        let ok = "[\n {\"ID\": \"1\", \"Region\": \"R\", \"Service Name\": \"glance\", \"Service Type\": \"image\", \"Enabled\": true, \"Interface\": \"public\", \"URL\": \"http://h:9292\"}\n]\n";
        assert_eq!(read_text(ok).unwrap().len(), 1);
        let e = read_text("[\n {\"ID\": \"1\", \"Interface\": \"public\", \"URL\": \"u\"},\n {\"ID\": \"2\",\n  \"URL\": \"u\"}\n]").unwrap_err();
        assert!(e.ends_with(":3: endpoint #1: no `Interface`"), "{e}");
        let e = read_text("{\"a\": 1}").unwrap_err();
        assert!(e.contains(":1: not a JSON list of endpoints"), "{e}");
        let e = read_text("[\n 1,\n").unwrap_err();
        assert!(e.contains(":3: "), "{e}");
        let e = read_text("[\n {\"ID\": \"[,\"},\n 7\n]").unwrap_err();
        assert!(e.ends_with(":3: endpoint #1 is not a JSON object"), "{e}");
    }
}
