//! Benchmark of a whole compilation (parse → emit) of every example, of
//! the `glhac build` process end to end, and of parsing and checking big
//! generated specs (1, 5 and 10 MB; one long string, and many small
//! blocks), with the peak memory of `glhac check` on them. Run with
//! `cargo bench`; prints the median of several runs. No external harness:
//! a build tool's benchmark only needs wall-clock medians, and this keeps
//! dev-dependencies small.

use glha::diagnostic::Diagnostics;
use glha::source::FileId;
use pest::Parser as _;
use std::time::{Duration, Instant};

/// The reference grammar, to time the parser glha had before the
/// hand-written one (the bench only runs pest, it builds no tree).
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/glha.pest"]
struct Reference;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let root = camino::Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    examples(&root);
    big_specs(&root);
}

fn examples(root: &camino::Utf8Path) {
    let mut specs: Vec<_> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .filter_map(|e| camino::Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
        .filter(|p| p.extension() == Some("glha"))
        .collect();
    specs.sort();
    let large = root.join("benches/specs/aa-32-nodes-16-vips.glha");
    specs.push(large.clone());
    let mut medians = Vec::new();
    for spec in &specs {
        let runs: Vec<Duration> = (0..200)
            .map(|_| {
                let t = Instant::now();
                let c = glha::compile_file(spec, &glha::Options::default()).unwrap();
                assert!(c.bundle.is_some());
                t.elapsed()
            })
            .collect();
        let m = median(runs);
        println!(
            "compile {:<28} median {:>8.3} ms (200 runs)",
            spec.file_name().unwrap(),
            m.as_secs_f64() * 1e3
        );
        medians.push((spec.clone(), m));
    }
    // What `glhac lsp` does on every change: check the text, parse it for
    // the editor features.
    for spec in specs
        .iter()
        .filter(|s| s.starts_with(root.join("examples")))
    {
        let text = std::fs::read_to_string(spec).unwrap();
        let runs: Vec<Duration> = (0..200)
            .map(|_| {
                let t = Instant::now();
                let c = glha::check_text(
                    spec.as_str(),
                    Some(spec),
                    text.clone(),
                    &glha::Options::default(),
                );
                let a = glha::ide::Analysis::new(text.clone());
                assert!(!c.diagnostics.has_errors() && !a.text().is_empty());
                t.elapsed()
            })
            .collect();
        let m = median(runs);
        println!(
            "re-check {:<27} median {:>8.3} ms <= 5 ms (the language server's work per change): {}",
            spec.file_name().unwrap(),
            m.as_secs_f64() * 1e3,
            pass(m <= Duration::from_millis(5))
        );
    }
    let of = |p: &camino::Utf8Path| medians.iter().find(|(s, _)| s == p).unwrap().1;
    let ratio = of(&large).as_secs_f64() / of(&root.join("examples/seed.glha")).as_secs_f64();
    println!(
        "compile 32 nodes, 16 VIPs (active/active) / seed = {ratio:.2} <= 3: {}",
        pass(ratio <= 3.0)
    );
    // The process end to end, as an operator runs it.
    let exe = root.join("target/release/glhac");
    if exe.exists() {
        let out = tempfile::tempdir().unwrap();
        let runs: Vec<Duration> = (0..50)
            .map(|i| {
                let t = Instant::now();
                let st = std::process::Command::new(&exe)
                    .args(["build", root.join("examples/seed.glha").as_str(), "-o"])
                    .arg(out.path().join(format!("b{i}")))
                    .stderr(std::process::Stdio::null())
                    .status()
                    .unwrap();
                assert!(st.success());
                t.elapsed()
            })
            .collect();
        println!(
            "glhac build examples/seed.glha (release binary) median {:>8.3} ms (50 runs)",
            median(runs).as_secs_f64() * 1e3
        );
    } else {
        println!("(build target/release/glhac with `cargo build --release` to time the process end to end)");
    }
}

const MB: usize = 1 << 20;

/// Makes a spec of about the given size from the seed.
type Generator = fn(&str, usize) -> String;

/// The seed spec with its fencing waiver `size` bytes long: one string.
fn long_string(seed: &str, size: usize) -> String {
    let old = "fencing = waived \"fencing is configured with the cluster, before this procedure\"";
    let filler = size.saturating_sub(seed.len());
    let reason = "fenced by the hypervisor; ".repeat(filler / 26 + 1);
    seed.replacen(old, &format!("fencing = waived \"{reason}\""), 1)
}

/// The seed spec followed by agent descriptions (a block with a label,
/// an agent, a list of strings and a nested block with a duration) up to
/// `size` bytes: many small blocks.
fn many_blocks(seed: &str, size: usize) -> String {
    let mut text = seed.to_string();
    let mut i = 0;
    while text.len() < size {
        text.push_str(&format!(
            "agent a{i} {{ type = systemd \"unit{i}\"  params = [\"p\", \"q\"]  advise start {{ timeout = 20s }} }}\n"
        ));
        i += 1;
    }
    text
}

/// The seed followed by VIPs (each one a name to look up, an id to check
/// and a primitive) up to `size` bytes: many declarations.
fn many_vips(seed: &str, size: usize) -> String {
    let mut text = seed.to_string();
    let mut i: usize = 0;
    while text.len() < size {
        text.push_str(&format!(
            "vip v{i} {{ address = 172.{}.{}.{}/12  nic = \"eth1\" }}\n",
            16 + ((i >> 16) & 15),
            (i >> 8) & 255,
            i & 255
        ));
        i += 1;
    }
    text
}

fn ns_per_byte(d: Duration, bytes: usize) -> f64 {
    d.as_nanos() as f64 / bytes as f64
}

fn pass(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "FAIL"
    }
}

/// Peak resident memory of `glhac check FILE`, in bytes, measured by
/// `/usr/bin/time`; `None` without it or without the release binary.
fn peak_rss(exe: &camino::Utf8Path, file: &std::path::Path) -> Option<u64> {
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "maxrss %M"])
        .arg(exe)
        .arg("check")
        .arg(file)
        .stdout(std::process::Stdio::null())
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let kb: u64 = err
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("maxrss "))?
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Parse and check of big specs: ns per byte at 1, 5 and 10 MB (linear
/// cost keeps it flat), the time of `check` on 10 MB, and the peak memory
/// of `glhac check` against the size of the file. The targets (issue 15):
/// 10 MB checked in at most 1 s, peak memory at most 3 times the file,
/// cost linear in size.
fn big_specs(root: &camino::Utf8Path) {
    let seed = std::fs::read_to_string(root.join("examples/seed.glha")).unwrap();
    let exe = root.join("target/release/glhac");
    let have_rss = exe.exists() && std::path::Path::new("/usr/bin/time").exists();
    let dir = tempfile::tempdir().unwrap();
    let shapes: [(&str, Generator); 3] = [
        ("one long string", long_string),
        ("many small blocks", many_blocks),
        ("many VIPs", many_vips),
    ];
    for (shape, make) in shapes {
        let mut check_cost = Vec::new();
        for mb in [1, 5, 10] {
            let text = make(&seed, mb * MB);
            let runs = if mb == 10 { 5 } else { 9 };
            let parse = median(
                (0..runs)
                    .map(|_| {
                        let t = Instant::now();
                        let p = glha::syntax::parse_recovering(
                            FileId(0),
                            &text,
                            &mut Diagnostics::default(),
                        );
                        assert_eq!(p.errors, 0);
                        let d = t.elapsed();
                        drop(p);
                        d
                    })
                    .collect(),
            );
            let path = dir.path().join(format!("big-{mb}.glha"));
            std::fs::write(&path, &text).unwrap();
            let utf8 = camino::Utf8Path::from_path(&path).unwrap();
            let check = median(
                (0..runs)
                    .map(|_| {
                        let t = Instant::now();
                        let c = glha::check_file(utf8, &glha::Options::default()).unwrap();
                        assert!(!c.diagnostics.has_errors());
                        let d = t.elapsed();
                        drop(c);
                        d
                    })
                    .collect(),
            );
            check_cost.push(ns_per_byte(check, text.len()));
            // As glha ran pest: with error detail on (for its messages),
            // walking every pair to build the tree.
            let reference = (mb == 1).then(|| {
                pest::set_error_detail(true);
                median(
                    (0..3)
                        .map(|_| {
                            let t = Instant::now();
                            let pairs = Reference::parse(Rule::file, &text).expect("parses");
                            assert!(pairs.flatten().count() > 0);
                            t.elapsed()
                        })
                        .collect(),
                )
            });
            println!(
                "{shape:<17} {mb:>2} MB: parse {:>6.1} ns/byte{}; check {:>6.1} ns/byte ({:.3} s)",
                ns_per_byte(parse, text.len()),
                reference.map_or(String::new(), |r| format!(
                    " (pest, the parser before: {:.1} ns/byte)",
                    ns_per_byte(r, text.len())
                )),
                ns_per_byte(check, text.len()),
                check.as_secs_f64(),
            );
            if mb == 10 {
                println!(
                    "{shape:<17} 10 MB: check in {:.3} s <= 1 s: {}",
                    check.as_secs_f64(),
                    pass(check <= Duration::from_secs(1))
                );
                match peak_rss(&exe, &path).filter(|_| have_rss) {
                    Some(rss) => {
                        let ratio = rss as f64 / text.len() as f64;
                        println!(
                            "{shape:<17} 10 MB: glhac check peak RSS {:.1} MB = {ratio:.2} x the file <= 3 x: {}",
                            rss as f64 / MB as f64,
                            pass(ratio <= 3.0)
                        );
                    }
                    None => println!(
                        "{shape:<17} 10 MB: peak RSS not measured (needs target/release/glhac and /usr/bin/time)"
                    ),
                }
            }
        }
        // Linear: the cost per byte stays flat as the size doubles. (From
        // 1 MB up it can first rise while the working set outgrows the
        // caches, so that ratio is shown but not judged.)
        let growth = check_cost[2] / check_cost[1];
        println!(
            "{shape:<17}: check cost per byte, 10 MB / 5 MB = {growth:.2} <= 1.25 (linear): {} (10 MB / 1 MB = {:.2})",
            pass(growth <= 1.25),
            check_cost[2] / check_cost[0]
        );
    }
}
