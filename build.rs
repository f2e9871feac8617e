//! Embeds the rule docs under `rules/` so `preflight explain` works from an installed binary.
use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let mut entries: Vec<_> =
        std::fs::read_dir("rules").map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    entries.retain(|p| p.extension().is_some_and(|e| e == "md"));
    entries.sort();
    let mut out = String::from("&[\n");
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let abs = std::fs::canonicalize(&p).unwrap();
        println!("cargo:rerun-if-changed={}", p.display());
        writeln!(out, "    ({name:?}, include_str!({:?})),", abs.display().to_string()).unwrap();
    }
    out.push(']');
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("rule_docs.rs");
    std::fs::write(dest, out).unwrap();
}
