//! Every rule's fixtures: `fixtures/rules/<CODE>/fire/` must produce that rule (the exact output a
//! user sees is snapshotted), `fixtures/rules/<CODE>/silent/` (the traps) must stay silent.

use std::path::{Path, PathBuf};

use preflight::config::SelectLayer;
use preflight::{check, Options};

/// Runs the rule alone, plus the codes listed in `fixtures/rules/<CODE>/extend-select` (rules a
/// fixture needs beside it, e.g. the rule a suppression comment suppresses).
fn run(dir: &Path, code: &str) -> preflight::Report {
    let extra = std::fs::read_to_string(dir.parent().unwrap().join("extend-select")).unwrap_or_default();
    check(&Options {
        paths: vec![dir.to_path_buf()],
        config: None,
        isolated: true,
        settings: None,
        secrets_all_files: false,
        selection: SelectLayer {
            select: Some(vec![code.to_string()]),
            extend_select: extra.split_whitespace().map(str::to_string).collect(),
            ..Default::default()
        },
    })
    .expect("check runs")
}

fn fixture_codes() -> Vec<(String, PathBuf)> {
    let mut v: Vec<_> = std::fs::read_dir("fixtures/rules")
        .expect("fixtures/rules exists")
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    v.sort();
    v
}

#[test]
fn every_registered_rule_has_fixtures() {
    let codes: Vec<String> = fixture_codes().into_iter().map(|(c, _)| c).collect();
    for rule in preflight::registry::all() {
        assert!(codes.contains(&rule.code.to_string()), "{} has no fixtures/rules/{}/", rule.code, rule.code);
    }
    for code in &codes {
        assert!(preflight::registry::find(code).is_some(), "fixtures/rules/{code} names no registered rule");
    }
}

#[test]
fn fire_fixtures_fire_and_match_snapshots() {
    for (code, dir) in fixture_codes() {
        let fire = dir.join("fire");
        assert!(fire.is_dir(), "{code}: fixtures/rules/{code}/fire is missing");
        let report = run(&fire, &code);
        assert!(report.diagnostics.iter().any(|d| d.code == code), "{code}: nothing fired on {}", fire.display());
        let human = preflight::report::human::render(&report, false);
        let concise = preflight::report::concise::render(&report);
        insta::with_settings!({snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(code.clone(), format!("{concise}\n{human}"));
        });
    }
}

#[test]
fn silent_fixtures_stay_silent() {
    for (code, dir) in fixture_codes() {
        let silent = dir.join("silent");
        assert!(silent.is_dir(), "{code}: fixtures/rules/{code}/silent (the traps) is missing");
        let report = run(&silent, &code);
        let found: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        assert!(found.is_empty(), "{code}: fired on a trap in {}: {found:#?}", silent.display());
        assert!(!report.project.files.is_empty(), "{code}: the silent fixture holds no file Preflight reads");
    }
}
