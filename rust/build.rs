//! Compiles the competition registry into the library: every `competitions/<id>/config.yaml`
//! of the repository becomes an entry of `registry::BUILTIN_CONFIGS`, so the installed
//! package and Rust users carry the same configs as the source tree.

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = manifest.join("..").join("competitions");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<(String, PathBuf)> = Vec::new();
    if let Ok(read) = std::fs::read_dir(&dir) {
        for e in read.flatten() {
            let cfg = e.path().join("config.yaml");
            if cfg.is_file() {
                println!("cargo:rerun-if-changed={}", cfg.display());
                entries.push((
                    e.file_name().to_string_lossy().into_owned(),
                    cfg.canonicalize().unwrap(),
                ));
            }
        }
    }
    entries.sort();
    let mut out = String::from("pub static BUILTIN_CONFIGS: &[(&str, &str)] = &[\n");
    for (id, path) in &entries {
        writeln!(
            out,
            "    ({id:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    // the preparation recipes and reference checksums beside the configs
    for (name, file) in [
        ("BUILTIN_PREPARE", "prepare.yaml"),
        ("BUILTIN_CHECKSUMS", "checksums.yaml"),
    ] {
        writeln!(out, "pub static {name}: &[(&str, &str)] = &[").unwrap();
        for (id, cfg) in &entries {
            let path = cfg.with_file_name(file);
            println!("cargo:rerun-if-changed={}", path.display());
            if path.is_file() {
                writeln!(
                    out,
                    "    ({id:?}, include_str!({:?})),",
                    path.display().to_string()
                )
                .unwrap();
            }
        }
        out.push_str("];\n");
    }
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("builtin_configs.rs");
    std::fs::write(dest, out).unwrap();
}
