//! Compiles specs/lab.glha into $OUT_DIR/lab/ and tells the crate where the
//! bundle is and which spec it came from.

fn main() -> Result<(), glha::build::Error> {
    let compiled = glha::build::Config::new()
        .backend(glha::Backend::Both)
        .compile(&["specs/lab.glha"])?;
    for spec in &compiled {
        println!("cargo:rustc-env=GLHA_LAB_BUNDLE={}", spec.dir);
        println!("cargo:rustc-env=GLHA_LAB_DIGEST={}", spec.digest);
    }
    Ok(())
}
