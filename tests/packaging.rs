//! The `preflight-lint` wheel (`pyproject.toml`, maturin `bindings = "bin"`): built with maturin
//! from PyPI (in `target/maturin-venv`), installed into a fresh venv, where `preflight` runs.
//!
//! The wheel is built with the dev profile into `target/maturin` (its own target dir: the
//! `cargo test` that runs this holds the lock on `target/debug`), so a rerun only relinks; a
//! release build would be minutes on its own and tests nothing more here.

mod support;

use std::path::Path;
use std::process::Command;

use support::{python_venv, repo};

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

/// The `version` of Cargo.toml's `[package]`.
fn cargo_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[test]
fn pyproject_names_the_package_and_maturin_bin_bindings() {
    let text = std::fs::read_to_string(repo().join("pyproject.toml")).expect("pyproject.toml");
    let doc: toml::Table = text.parse().expect("TOML");
    assert_eq!(doc["project"]["name"].as_str(), Some("preflight-lint"));
    assert_eq!(doc["project"]["dynamic"].as_array().map(|a| a.len()), Some(1), "the version comes from Cargo.toml");
    assert_eq!(doc["project"]["dynamic"][0].as_str(), Some("version"));
    assert_eq!(doc["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
    assert_eq!(doc["build-system"]["build-backend"].as_str(), Some("maturin"));
}

#[test]
fn the_wheel_installs_a_working_preflight() {
    let maturin = python_venv("maturin-venv", &["maturin>=1.5,<2"], "import maturin");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target").join("maturin");
    let out = tempfile::tempdir().expect("temp dir");
    ok(Command::new(&maturin)
        .args(["-m", "maturin", "build", "--profile", "dev", "--compatibility", "linux", "--quiet"])
        .arg("--manifest-path")
        .arg(repo().join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .arg("--out")
        .arg(out.path()));
    let wheels: Vec<_> = std::fs::read_dir(out.path()).expect("out").map(|e| e.expect("entry").path()).collect();
    assert_eq!(wheels.len(), 1, "{wheels:?}");
    let wheel = &wheels[0];
    let name = wheel.file_name().expect("name").to_string_lossy().into_owned();
    assert!(name.starts_with(&format!("preflight_lint-{}-", cargo_version())), "{name}");

    let venv = tempfile::tempdir().expect("temp dir");
    ok(Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .args(["-m", "venv"])
        .arg(venv.path()));
    let bin = venv.path().join("bin");
    ok(Command::new(bin.join("python"))
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index", "--no-deps"])
        .arg(wheel));
    let preflight = bin.join("preflight");
    assert_eq!(ok(Command::new(&preflight).arg("--version")).trim(), format!("preflight {}", cargo_version()));
    let fixtures = repo().join("fixtures/projects");
    let clean = Command::new(&preflight).args(["check", "--isolated"]).current_dir(fixtures.join("clean-api")).output();
    let clean = clean.expect("runs");
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stdout));
    let gaara = Command::new(&preflight)
        .args(["check", "--isolated", "--output-format", "concise"])
        .current_dir(fixtures.join("gaara-erp"))
        .output()
        .expect("runs");
    assert_eq!(gaara.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&gaara.stdout).contains("DJ010"));
    // `preflight explain` reads the rule docs embedded at build time.
    assert!(ok(Command::new(&preflight).args(["explain", "ENV002"])).contains("ENV002"));
}
