//! `src/rules/django/known_settings.rs` (DJ033's table of setting names) is what
//! `.ci/gen-known-settings` makes from the packages' sources: the script runs in check mode,
//! downloading the pinned wheels from PyPI into `target/known-settings-cache` the first time.

mod support;

use std::path::Path;
use std::process::Command;

#[test]
fn known_settings_table_is_generated_from_the_sources() {
    // Any venv has pip, which the script downloads wheels with (it installs nothing).
    let python = support::python_venv("test-venv-known-settings", &["pip"], "import pip");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").to_path_buf();
    let out = Command::new(&python)
        .arg(support::repo().join(".ci/gen-known-settings"))
        .arg("--check")
        .arg("--cache")
        .arg(target.join("known-settings-cache"))
        .output()
        .expect("python runs");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
