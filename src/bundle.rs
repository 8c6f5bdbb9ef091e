//! The bundle: output files in memory, and their atomic write.

use camino::{Utf8Path, Utf8PathBuf};
use serde::Serialize;
use std::collections::BTreeMap;

/// One file of a bundle.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BundleFile {
    /// The contents.
    #[serde(skip)]
    pub contents: String,
    /// Unix permission bits (0o644, 0o755 for scripts, 0o600 when it holds a secret).
    pub mode: u32,
    /// Where it goes on a host, for files that are installed (`/etc/glance/glance-api.conf`).
    pub target: Option<String>,
    /// Whether it holds a secret value (not a placeholder).
    pub sensitive: bool,
}

/// The bundle: relative path → file. A `BTreeMap` keeps every listing
/// sorted, so output is the same on every run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bundle {
    /// The files.
    pub files: BTreeMap<Utf8PathBuf, BundleFile>,
}

/// Writes one file atomically: a temporary file in the same directory,
/// fsynced, then renamed over `path`.
pub fn write_file_atomic(path: &Utf8Path, contents: String) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_str().is_empty() => d,
        _ => Utf8Path::new("."),
    };
    let name = path.file_name().unwrap_or("file");
    let tmp = dir.join(format!(".{name}.glha-tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

impl Bundle {
    /// Adds a file.
    pub fn add(&mut self, path: impl Into<Utf8PathBuf>, file: BundleFile) {
        self.files.insert(path.into(), file);
    }
    /// The contents of a file, if present.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files
            .get(Utf8Path::new(path))
            .map(|f| f.contents.as_str())
    }
}

/// Tells temp dirs of one process apart.
static TMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Bundle {
    /// Writes the bundle to `dir`, atomically: everything goes into a fresh
    /// sibling temp dir (files fsynced, modes set), which then replaces
    /// `dir`. On any error the temp dir is removed and `dir` is left as it
    /// was. An existing non-empty `dir` without `MANIFEST.json` is not a
    /// bundle and is never replaced.
    pub fn write_to(&self, dir: &Utf8Path) -> std::io::Result<()> {
        use std::io::{Error, ErrorKind};
        let name = dir.file_name().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("{dir}: not a directory name"),
            )
        })?;
        let parent = match dir.parent() {
            Some(p) if !p.as_str().is_empty() => p.to_path_buf(),
            _ => Utf8PathBuf::from("."),
        };
        match std::fs::symlink_metadata(dir) {
            Ok(meta) => {
                if !meta.is_dir() {
                    return Err(Error::new(
                        ErrorKind::AlreadyExists,
                        format!("{dir} exists and is not a directory; not replacing it"),
                    ));
                }
                let empty = std::fs::read_dir(dir)?.next().is_none();
                if !empty && !dir.join("MANIFEST.json").is_file() {
                    return Err(Error::new(
                        ErrorKind::AlreadyExists,
                        format!("{dir} is not empty and holds no MANIFEST.json: not a glha bundle, not replacing it"),
                    ));
                }
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let n = TMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let pid = std::process::id();
        let tmp = parent.join(format!(".{name}.glha-tmp-{pid}-{n}"));
        let backup = parent.join(format!(".{name}.glha-old-{pid}-{n}"));
        std::fs::create_dir(&tmp)?;
        if let Err(e) = self.write_files(&tmp) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        let had_old = dir.exists();
        if had_old {
            if let Err(e) = std::fs::rename(dir, &backup) {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(e);
            }
        }
        if let Err(e) = std::fs::rename(&tmp, dir) {
            if had_old {
                let _ = std::fs::rename(&backup, dir);
            }
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        sync_dir(&parent);
        if had_old {
            std::fs::remove_dir_all(&backup)?;
        }
        Ok(())
    }

    /// Writes every file under `root`, then makes the files and the
    /// directories holding them durable. The fsyncs are issued
    /// concurrently: each still completes before the caller renames the
    /// directory into place, but the file system can commit them together
    /// (one after another, each waits for a journal commit of its own).
    fn write_files(&self, root: &Utf8Path) -> std::io::Result<()> {
        use std::io::Write;
        let mut written = Vec::with_capacity(self.files.len());
        let mut dirs = std::collections::BTreeSet::new();
        for (rel, file) in &self.files {
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| !matches!(c, camino::Utf8Component::Normal(_)))
            {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{rel}: bundle paths must be relative and plain"),
                ));
            }
            let path = root.join(rel);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
                dirs.insert(p.to_path_buf());
            }
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                // Never readable by others, not even for a moment.
                opts.mode(0o600);
            }
            let mut f = opts.open(&path)?;
            f.write_all(file.contents.as_bytes())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                f.set_permissions(std::fs::Permissions::from_mode(file.mode))?;
            }
            written.push(f);
        }
        let dirs: Vec<Utf8PathBuf> = dirs.into_iter().collect();
        sync_all(&written, &dirs)
    }
}

/// The most threads one bundle's fsyncs are spread over.
const SYNC_THREADS: usize = 16;

/// fsyncs every file and directory, concurrently; the first error of a
/// file (directories are best effort, see [`sync_dir`]).
fn sync_all(files: &[std::fs::File], dirs: &[Utf8PathBuf]) -> std::io::Result<()> {
    let total = files.len() + dirs.len();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let sync = || -> std::io::Result<()> {
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if let Some(f) = files.get(i) {
                f.sync_all()?;
            } else if let Some(d) = dirs.get(i - files.len()) {
                sync_dir(d);
            } else {
                return Ok(());
            }
        }
    };
    std::thread::scope(|s| {
        let helpers: Vec<_> = (1..total.min(SYNC_THREADS))
            .map(|_| s.spawn(sync))
            .collect();
        let mut result = sync();
        for h in helpers {
            let r = h.join().unwrap_or_else(|_| {
                Err(std::io::Error::other("a thread syncing the bundle failed"))
            });
            result = result.and(r);
        }
        result
    })
}

/// fsyncs a directory (best effort: not every platform can).
fn sync_dir(dir: &Utf8Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(text: &str) -> Bundle {
        let mut b = Bundle::default();
        for (p, m) in [
            ("MANIFEST.json", 0o644),
            ("a/b.sh", 0o755),
            ("a/c.conf", 0o600),
        ] {
            b.add(
                p,
                BundleFile {
                    contents: format!("{p}: {text}\n"),
                    mode: m,
                    target: None,
                    sensitive: m == 0o600,
                },
            );
        }
        b
    }

    fn snapshot(dir: &Utf8Path) -> BTreeMap<String, (Vec<u8>, u32)> {
        use std::os::unix::fs::PermissionsExt;
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let e = e.unwrap();
                let p = Utf8PathBuf::from_path_buf(e.path()).unwrap();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
                    out.insert(
                        p.strip_prefix(dir).unwrap().to_string(),
                        (std::fs::read(&p).unwrap(), mode),
                    );
                }
            }
        }
        out
    }

    fn tmp() -> (tempfile::TempDir, Utf8PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let p = Utf8PathBuf::from_path_buf(t.path().to_path_buf()).unwrap();
        (t, p)
    }

    #[test]
    fn writes_replaces_and_sets_modes() {
        let (_t, root) = tmp();
        let dir = root.join("bundle");
        bundle("one").write_to(&dir).unwrap();
        bundle("two").write_to(&dir).unwrap();
        let s = snapshot(&dir);
        assert_eq!(s["a/b.sh"], (b"a/b.sh: two\n".to_vec(), 0o755));
        assert_eq!(s["a/c.conf"].1, 0o600);
        assert_eq!(s["MANIFEST.json"].1, 0o644);
        // Only the bundle is left in the parent: no temp or backup dirs.
        assert_eq!(names_in(&root), vec!["bundle"]);
    }

    /// What a directory holds: only the bundle, no temp or backup dirs.
    fn names_in(dir: &Utf8Path) -> Vec<std::ffi::OsString> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect()
    }

    #[test]
    fn failed_write_leaves_previous_bundle() {
        let (_t, root) = tmp();
        let dir = root.join("bundle");
        bundle("old").write_to(&dir).unwrap();
        let before = snapshot(&dir);
        // `x` is a file and a directory at once: the second write fails.
        let mut bad = bundle("new");
        for p in ["x", "x/y"] {
            bad.add(
                p,
                BundleFile {
                    contents: String::new(),
                    mode: 0o644,
                    target: None,
                    sensitive: false,
                },
            );
        }
        assert!(bad.write_to(&dir).is_err());
        assert_eq!(snapshot(&dir), before);
        assert_eq!(names_in(&root), vec!["bundle"]);
    }

    #[test]
    fn refuses_to_replace_a_foreign_directory() {
        let (_t, root) = tmp();
        let dir = root.join("etc");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("precious"), "keep me").unwrap();
        let err = bundle("x").write_to(&dir).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(
            std::fs::read_to_string(dir.join("precious")).unwrap(),
            "keep me"
        );
        // An empty directory is fine.
        let empty = root.join("empty");
        std::fs::create_dir(&empty).unwrap();
        bundle("x").write_to(&empty).unwrap();
        assert!(empty.join("MANIFEST.json").is_file());
    }

    #[test]
    fn rejects_escaping_paths() {
        let (_t, root) = tmp();
        let mut b = bundle("x");
        b.add(
            "../evil",
            BundleFile {
                contents: String::new(),
                mode: 0o644,
                target: None,
                sensitive: false,
            },
        );
        assert!(b.write_to(&root.join("bundle")).is_err());
        assert!(!root.join("evil").exists());
        assert!(!root.join("bundle").exists());
    }
}
