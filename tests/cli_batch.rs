//! Several specs in one `glhac build` or `glhac check`: one bundle per spec
//! under the output directory, named by the spec's stem; each spec's
//! diagnostics in the order given; the worst exit status.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn glhac(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glhac"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("glhac runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("glhac exited")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir`, relative, with its bytes and mode.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    (std::fs::read(&p).unwrap(), mode),
                );
            }
        }
    }
    out
}

/// A temp dir holding copies of the examples (`NAME.glha`), and their names.
fn specs() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for ex in common::examples() {
        let name = ex.file_name().unwrap().to_string();
        std::fs::copy(&ex, dir.path().join(&name)).unwrap();
        names.push(name);
    }
    (dir, names)
}

/// A spec with an error (a bad node address), beside the examples.
fn write_bad(dir: &Path) -> String {
    let seed = std::fs::read_to_string(common::root().join("examples/seed.glha")).unwrap();
    let text = seed.replacen("10.0.0.12 }", "10.0.0.300 }", 1);
    assert_ne!(text, seed);
    std::fs::write(dir.join("bad.glha"), text).unwrap();
    "bad.glha".into()
}

#[test]
fn each_spec_gets_the_bundle_a_one_spec_build_writes() {
    let (dir, names) = specs();
    let d = dir.path();
    let mut args = vec!["build"];
    args.extend(names.iter().map(String::as_str));
    args.extend(["-o", "out"]);
    let o = glhac(&args, d);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for name in &names {
        let stem = name.trim_end_matches(".glha");
        let one = glhac(&["build", name, "-o", &format!("single-{stem}")], d);
        assert_eq!(code(&one), 0, "{}", stderr(&one));
        let batch = snapshot(&d.join("out").join(stem));
        assert!(batch.contains_key(Path::new("MANIFEST.json")), "{stem}");
        assert_eq!(batch, snapshot(&d.join(format!("single-{stem}"))), "{stem}");
        assert!(
            stderr(&o).contains(&format!(
                "glhac: wrote {} files to out/{stem}\n",
                batch.len()
            )),
            "{}",
            stderr(&o)
        );
    }
    // Only the bundles are in the output directory.
    let mut entries: Vec<String> = std::fs::read_dir(d.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    entries.sort();
    let mut stems: Vec<String> = names
        .iter()
        .map(|n| n.trim_end_matches(".glha").to_string())
        .collect();
    stems.sort();
    assert_eq!(entries, stems);
    // Run again: each bundle is replaced.
    let again = glhac(&args, d);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
}

#[test]
fn two_specs_with_one_stem_write_nothing() {
    let (dir, names) = specs();
    let d = dir.path();
    std::fs::create_dir(d.join("other")).unwrap();
    std::fs::copy(d.join(&names[0]), d.join("other").join(&names[0])).unwrap();
    let twin = format!("other/{}", names[0]);
    let o = glhac(&["build", &names[0], &names[1], &twin, "-o", "out"], d);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{} and {twin} would both write out/", names[0])),
        "{err}"
    );
    assert!(!d.join("out").exists(), "something was written");
}

#[test]
fn errors_in_one_spec_do_not_stop_the_others() {
    let (dir, names) = specs();
    let d = dir.path();
    let bad = write_bad(d);
    let o = glhac(&["build", &bad, &names[0], "-o", "out"], d);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!d.join("out/bad").exists());
    let good = names[0].trim_end_matches(".glha");
    assert!(d.join("out").join(good).join("MANIFEST.json").is_file());
    let err = stderr(&o);
    let bad_at = err.find("bad.glha:").expect("the bad spec's diagnostics");
    let wrote = err.find("glhac: wrote").expect("the good spec's line");
    assert!(bad_at < wrote, "not in the order given:\n{err}");
    assert!(err.contains("glhac: bad.glha: 1 error"), "{err}");

    // A missing spec is trouble (2), the worst; the others are built.
    let o = glhac(&["build", &names[0], "missing.glha", &bad, "-o", "out2"], d);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot read missing.glha"),
        "{}",
        stderr(&o)
    );
    assert!(d.join("out2").join(good).join("MANIFEST.json").is_file());
}

#[test]
fn one_spec_writes_the_bundle_itself() {
    let (dir, names) = specs();
    let o = glhac(&["build", &names[0], "-o", "here"], dir.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(dir.path().join("here/MANIFEST.json").is_file());
}

#[test]
fn check_takes_many_specs() {
    let (dir, names) = specs();
    let d = dir.path();
    let bad = write_bad(d);
    let mut args = vec!["check", names[0].as_str(), bad.as_str(), names[1].as_str()];
    let o = glhac(&args, d);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(err.contains("error[E0101]"), "{err}");
    let first = err.find(&format!("{}:", names[0]));
    let second = err.find("bad.glha:");
    if let (Some(a), Some(b)) = (first, second) {
        assert!(a < b, "not in the order given:\n{err}");
    }
    // Each spec's own diagnostics are the one-spec check's.
    let one = glhac(&["check", &bad], d);
    let one_err = stderr(&one);
    let body = one_err.rsplit_once("glhac: ").unwrap().0;
    assert!(err.contains(body), "{err}\n---\n{one_err}");

    args.push("--format");
    args.push("json");
    let o = glhac(&args, d);
    assert_eq!(code(&o), 1);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert!(files.contains(&"bad.glha"), "{list}");
    // The first example has no diagnostic; the second has one.
    assert!(files.iter().any(|f| *f == names[1]), "{list}");

    let o = glhac(&["check", &names[0], &names[1]], d);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = glhac(&["check", &names[0], "missing.glha"], d);
    assert_eq!(code(&o), 2);
}
