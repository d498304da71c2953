//! Embeds the default corpus (`data/`) in the binary, so that an installed unspace
//! run from any folder starts its per-user library with it (see `src/cli/folders.rs`).
//! Writes `$OUT_DIR/bundled.rs`: a list of (path inside data/, bytes) pairs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let data = root.join("data");
    println!("cargo:rerun-if-changed=data");
    // Linked at a fixed address on Linux: a position-independent binary of this size
    // has some 40,000 relocations for the loader to apply at every start, a good part
    // of a short search's time. The code itself is the same.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let mut found = Vec::new();
    files(&data, &mut found);
    found.sort();
    let mut code = String::from("pub static BUNDLED: &[(&str, &[u8])] = &[\n");
    for path in &found {
        println!("cargo:rerun-if-changed={}", path.display());
        let inside = path.strip_prefix(&data).expect("under data/");
        let name = inside.to_string_lossy().replace('\\', "/");
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("write to a string");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out.join("bundled.rs"), code).expect("write bundled.rs");
}
