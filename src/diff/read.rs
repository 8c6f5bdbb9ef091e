//! Reading live input, bounded: a live file is whatever the host holds, so
//! it is read with a size limit (a runaway log, a device file or a pipe
//! must not make glha allocate without end) and must be UTF-8.

use super::DiffError;
use camino::Utf8Path;
use std::io::Read;

/// The largest live file glha reads (ini files, a CIB, an endpoint list,
/// haproxy.cfg): far above any real one (Debian's glance-api.conf is
/// 300 kB, a large CIB a few MB).
pub const MAX_LIVE_BYTES: u64 = 64 * 1024 * 1024;

/// The bytes of `path`, `None` if it does not exist; an error if it cannot
/// be read or is larger than [`MAX_LIVE_BYTES`].
pub(crate) fn bytes_opt(path: &Utf8Path) -> Result<Option<Vec<u8>>, DiffError> {
    let io = |error| DiffError::Io {
        path: path.to_owned(),
        error,
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    let mut bytes = Vec::new();
    // One byte over the limit tells a file that is too large from one that
    // is exactly at it, whatever its metadata claims.
    file.take(MAX_LIVE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_LIVE_BYTES {
        return Err(DiffError::Parse {
            path: path.to_owned(),
            message: format!(
                "larger than {} MiB; glha does not read live files that large",
                MAX_LIVE_BYTES / (1024 * 1024)
            ),
        });
    }
    Ok(Some(bytes))
}

/// The text of `path` and the sha256 of its bytes; absent, unreadable, too
/// large or not UTF-8 are errors.
pub(crate) fn text(path: &Utf8Path) -> Result<(String, String), DiffError> {
    let bytes = bytes_opt(path)?.ok_or_else(|| DiffError::Io {
        path: path.to_owned(),
        error: std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory"),
    })?;
    let sha = super::sha256_hex(&bytes);
    Ok((utf8(path, bytes)?, sha))
}

/// The text of `path`, `None` if it does not exist.
pub(crate) fn text_opt(path: &Utf8Path) -> Result<Option<String>, DiffError> {
    bytes_opt(path)?.map(|b| utf8(path, b)).transpose()
}

/// `bytes` as text, or an error naming `path`.
pub(crate) fn utf8(path: &Utf8Path, bytes: Vec<u8>) -> Result<String, DiffError> {
    String::from_utf8(bytes).map_err(|e| DiffError::Parse {
        path: path.to_owned(),
        message: format!(
            "not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_present_and_not_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let root = camino::Utf8Path::from_path(dir.path()).unwrap();
        assert!(bytes_opt(&root.join("none")).unwrap().is_none());
        std::fs::write(root.join("a"), "x = 1\n").unwrap();
        let (t, sha) = text(&root.join("a")).unwrap();
        assert_eq!(t, "x = 1\n");
        assert_eq!(sha.len(), 64);
        std::fs::write(root.join("b"), b"x = \xff\n").unwrap();
        let e = text(&root.join("b")).unwrap_err().to_string();
        assert!(e.contains("not UTF-8 (invalid byte at offset 4)"), "{e}");
        assert!(text(&root.join("none")).is_err());
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = camino::Utf8Path::from_path(dir.path()).unwrap().join("big");
        let f = std::fs::File::create(&p).unwrap();
        // Sparse: no disk space is used.
        f.set_len(MAX_LIVE_BYTES + 1).unwrap();
        let e = bytes_opt(&p).unwrap_err().to_string();
        assert!(e.contains("larger than 64 MiB"), "{e}");
    }
}
