#![no_main]

//! The whole pipeline on a small Django project written to a temporary folder (the pipeline reads
//! files, so each run writes its own tree), rendered in every output format.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

/// Where each part of the input goes.
const FILES: &[&str] = &[
    "config/settings/production.py",
    ".env",
    "Dockerfile",
    "docker-compose.yml",
    "config/settings/base.py",
    "docker-compose.prod.yml",
    "Procfile",
    "preflight.toml",
];

fuzz_target!(|data: &[u8]| {
    let parts = common::parts(data, FILES.len());
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("manage.py"),
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.production')\n",
    )
    .unwrap();
    for (name, text) in FILES.iter().zip(&parts) {
        if text.is_empty() {
            continue;
        }
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let opts = preflight::Options { paths: vec![root.to_path_buf()], ..Default::default() };
    // A bad `preflight.toml` is a usage error, not a crash.
    let Ok(report) = preflight::check(&opts) else { return };
    let _ = preflight::report::human::render(&report, false);
    let _ = preflight::report::json::render(&report);
    let _ = preflight::report::sarif::render(&report);
    let _ = preflight::report::concise::render(&report);
});
