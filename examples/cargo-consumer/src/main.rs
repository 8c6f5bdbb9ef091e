//! Prints what was compiled, both ways.

fn main() {
    let lab = &glha_cargo_consumer::LAB;
    print!("{}", glha_cargo_consumer::summary(lab));
    println!("include_spec digest={}", lab.digest);
    println!(
        "build.rs digest={}",
        glha_cargo_consumer::LAB_DIGEST_AT_BUILD
    );
    println!("build.rs bundle={}", glha_cargo_consumer::LAB_BUNDLE_DIR);
    for w in lab.warnings {
        eprintln!("{w}");
    }
}
