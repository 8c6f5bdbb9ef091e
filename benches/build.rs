//! Benchmark of a whole compilation (parse → emit) of every example, and of
//! the `glhac build` process end to end. Run with `cargo bench`; prints the
//! median of many runs. No external harness: a build tool's benchmark only
//! needs wall-clock medians, and this keeps dev-dependencies small.

use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let root = camino::Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut specs: Vec<_> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .filter_map(|e| camino::Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
        .filter(|p| p.extension() == Some("glha"))
        .collect();
    specs.sort();
    for spec in &specs {
        let runs: Vec<Duration> = (0..200)
            .map(|_| {
                let t = Instant::now();
                let c = glha::compile_file(spec, &glha::Options::default()).unwrap();
                assert!(c.bundle.is_some());
                t.elapsed()
            })
            .collect();
        println!(
            "compile {:<28} median {:>8.3} ms (200 runs)",
            spec.file_name().unwrap(),
            median(runs).as_secs_f64() * 1e3
        );
    }
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
