//! Several specs in one run (`glhac build A B … -o DIR`, `glhac check A B
//! …`): their arguments, one bundle directory per spec named by its stem,
//! and running the specs on worker threads with the output kept in the
//! order the specs were given.

use crate::output::Common;
use crate::EXIT_TROUBLE;
use camino::{Utf8Path, Utf8PathBuf};
use glha::Release;

/// The specs a command takes, and the options every compiling command has.
#[derive(clap::Args)]
pub struct Specs {
    /// The specs (one or more).
    #[arg(required = true, value_name = "SPEC")]
    pub specs: Vec<Utf8PathBuf>,
    /// Compile for this OpenStack release instead of each spec's.
    #[arg(long, value_parser = parse_release)]
    pub release: Option<Release>,
    /// Another directory to look up imports in (repeatable).
    #[arg(long = "lib", short = 'L')]
    pub lib: Vec<Utf8PathBuf>,
}

fn parse_release(s: &str) -> Result<Release, String> {
    Release::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Release::ALL.iter().map(|r| r.name()).collect();
        format!("unknown release `{s}`; glha knows {}", names.join(", "))
    })
}

impl Specs {
    /// The options of one spec, as the one-spec commands take them.
    pub fn common(&self, spec: &Utf8Path) -> Common {
        Common {
            spec: spec.to_path_buf(),
            release: self.release,
            lib: self.lib.clone(),
        }
    }
}

/// Where each spec's bundle goes under `out`: `out/STEM`. Two specs with
/// the same stem are an error, found before anything is compiled.
pub fn bundle_dirs(specs: &[Utf8PathBuf], out: &Utf8Path) -> anyhow::Result<Vec<Utf8PathBuf>> {
    let mut dirs: Vec<Utf8PathBuf> = Vec::with_capacity(specs.len());
    for spec in specs {
        let stem = spec
            .file_stem()
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
            .ok_or_else(|| anyhow::anyhow!("{spec} has no file name to name its bundle by"))?;
        let dir = out.join(stem);
        if let Some(j) = dirs.iter().position(|d| *d == dir) {
            anyhow::bail!(
                "{} and {spec} would both write {dir}: give the specs different file names; nothing written",
                specs[j]
            );
        }
        dirs.push(dir);
    }
    Ok(dirs)
}

/// What one spec's run printed (on stderr, in order) and its exit status.
pub struct Outcome {
    pub stderr: String,
    pub status: u8,
}

impl Outcome {
    /// A spec that could not be run (unreadable, unwritable output).
    pub fn trouble(e: anyhow::Error) -> Outcome {
        Outcome {
            stderr: format!("glhac: error: {e:#}\n"),
            status: EXIT_TROUBLE,
        }
    }
}

/// How many specs are run at once. Building is as much waiting for the
/// disk (the bundle's fsyncs) as computing, so more workers than cores
/// keep the cores busy; a few more do not help.
fn workers(n: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    n.min(4 * cores).max(1)
}

/// Runs `f` on every item on worker threads; the results in item order.
pub fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    let done = std::sync::Mutex::new(&mut slots);
    std::thread::scope(|s| {
        for _ in 0..workers(items.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(i) else {
                    break;
                };
                let r = f(item);
                done.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
            });
        }
    });
    slots
        .into_iter()
        .map(|r| r.expect("every item was run"))
        .collect()
}

/// Prints each outcome's stderr in order; the worst status (0 < 1 < 2).
pub fn report(outcomes: Vec<Outcome>) -> u8 {
    let mut worst = 0;
    for o in outcomes {
        eprint!("{}", o.stderr);
        worst = worst.max(o.status);
    }
    worst
}

/// The diagnostics of a compilation of `spec` and the summary line under
/// them, as `glhac` prints them when it runs several specs.
pub fn rendered(comp: &glha::Compilation, spec: &Utf8Path) -> String {
    let mut out =
        glha::diagnostic::render(&comp.diagnostics, &comp.sources, crate::output::color());
    let (e, w) = comp.diagnostics.counts();
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if e > 0 {
        out.push_str(&format!(
            "glhac: {spec}: {e} error{}, {w} warning{}; nothing written\n",
            s(e),
            s(w)
        ));
    } else if w > 0 {
        out.push_str(&format!("glhac: {spec}: {w} warning{}\n", s(w)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_dirs_by_stem() {
        let specs: Vec<Utf8PathBuf> = ["a/lab.glha", "prod.glha", "x/y/site-1.glha"]
            .iter()
            .map(Utf8PathBuf::from)
            .collect();
        let dirs = bundle_dirs(&specs, Utf8Path::new("out")).unwrap();
        assert_eq!(dirs, ["out/lab", "out/prod", "out/site-1"]);
        let clash: Vec<Utf8PathBuf> = ["a/lab.glha", "b/lab.glha"]
            .iter()
            .map(Utf8PathBuf::from)
            .collect();
        let e = bundle_dirs(&clash, Utf8Path::new("out")).unwrap_err();
        assert!(e.to_string().contains("a/lab.glha and b/lab.glha"), "{e}");
    }

    #[test]
    fn parallel_keeps_the_order() {
        let items: Vec<u64> = (0..100).collect();
        let out = parallel(&items, |i| {
            std::thread::sleep(std::time::Duration::from_micros(100 - *i));
            i * 2
        });
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }
}
