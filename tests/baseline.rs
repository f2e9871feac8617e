//! `preflight baseline FILE` and `check --baseline FILE`: recorded findings stay hidden when lines
//! move, new ones show, fixed ones are reported stale, and the file never holds a secret.

mod support;

use std::path::Path;

use support::{copy_tree, repo, run, Run};

const PROJECT: &str = "fixtures/projects/gaara-erp";
const DJANGO_ENV: &str = ".envs/.production/.django";
/// A secret SEC001 finds in `DJANGO_ENV`.
const SECRET: &str = "8ISsWbV9J6Das4VuRAhzjRZlchCl24o2rOugvkZ189XdkyHTUXNoGEQUVwdW3edC";

fn project_with_baseline() -> tempfile::TempDir {
    let dir = copy_tree(&repo().join(PROJECT));
    let r = run(dir.path(), &["baseline", "baseline.json", "--isolated"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir
}

fn check(dir: &Path) -> Run {
    run(dir, &["check", "--isolated", "--baseline", "baseline.json", "--output-format", "concise"])
}

fn edit(dir: &Path, file: &str, f: impl FnOnce(&str) -> String) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, f(&text)).expect("write");
}

#[test]
fn a_fresh_baseline_hides_every_finding() {
    let dir = project_with_baseline();
    let plain = run(dir.path(), &["check", "--isolated", "--output-format", "concise"]);
    assert_eq!(plain.code, 1, "the project has findings");
    let r = check(dir.path());
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "All checks passed (18 files).\n", ""));
}

#[test]
fn the_file_is_versioned_sorted_and_stable() {
    let dir = project_with_baseline();
    let text = std::fs::read_to_string(dir.path().join("baseline.json")).expect("written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v["version"], 1);
    let entries = v["entries"].as_array().expect("entries");
    assert!(entries.len() > 20, "{}", entries.len());
    let keys: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_else(|| panic!("{k}: {e}")).to_string();
            assert_eq!(s("fingerprint").len(), 64, "SHA-256 hex");
            (s("file"), s("code"), s("fingerprint"))
        })
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "sorted");
    assert!(keys.iter().all(|(f, _, _)| !f.contains('\\') && !f.starts_with('/')), "relative, `/`");
    run(dir.path(), &["baseline", "again.json", "--isolated"]);
    assert_eq!(std::fs::read_to_string(dir.path().join("again.json")).expect("written"), text);
}

#[test]
fn findings_stay_hidden_when_lines_are_added_above() {
    let dir = project_with_baseline();
    edit(dir.path(), DJANGO_ENV, |t| format!("# a new comment\n\n# and another\n{t}"));
    let r = check(dir.path());
    assert_eq!((r.code, r.stdout.as_str()), (0, "All checks passed (18 files).\n"), "{}", r.stderr);
}

#[test]
fn only_a_new_finding_is_reported() {
    let dir = project_with_baseline();
    edit(dir.path(), DJANGO_ENV, |t| format!("{t}DJANGO_ADMIN_URL=again/\n"));
    let r = check(dir.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let heads = support::heads(&r.stdout);
    assert_eq!(heads.len(), 1, "{}", r.stdout);
    assert!(heads[0].starts_with(DJANGO_ENV) && heads[0].ends_with("ENV002"), "{}", r.stdout);
}

#[test]
fn fixed_findings_are_reported_stale_without_failing() {
    let dir = project_with_baseline();
    edit(dir.path(), DJANGO_ENV, |t| t.replace("DJANGO_SECURE_SSL_REDIRECT=False", "DJANGO_SECURE_SSL_REDIRECT=True"));
    let r = check(dir.path());
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("note: 1 baseline entries match no finding"), "{}", r.stderr);
}

#[test]
fn a_corrupt_or_missing_baseline_is_an_error() {
    let dir = project_with_baseline();
    let path = dir.path().join("baseline.json");
    let text = std::fs::read_to_string(&path).expect("written");
    std::fs::write(&path, &text[..text.len() / 2]).expect("truncate");
    let r = check(dir.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("invalid baseline file") && r.stderr.contains("baseline.json"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    std::fs::write(&path, r#"{"version": 99, "entries": []}"#).expect("write");
    let r = check(dir.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unsupported baseline version 99"), "{}", r.stderr);
    std::fs::remove_file(&path).expect("remove");
    let r = check(dir.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read baseline file"), "{}", r.stderr);
}

#[test]
fn the_baseline_never_holds_a_secret() {
    let dir = project_with_baseline();
    let plain = run(dir.path(), &["check", "--isolated", "--output-format", "concise"]);
    assert!(plain.stdout.contains("SEC001"), "the fixture secret is found");
    let text = std::fs::read_to_string(dir.path().join("baseline.json")).expect("written");
    assert!(text.contains("SEC001"));
    for piece in SECRET.as_bytes().windows(8) {
        let piece = std::str::from_utf8(piece).expect("ASCII");
        assert!(!text.contains(piece) || piece.starts_with("8ISs"), "`{piece}` of the secret is in the baseline");
    }
}

/// A pre-commit run names a few files: the baseline hides their recorded findings, and entries of
/// files not named are not stale.
#[test]
fn named_files_judge_only_their_own_entries() {
    let dir = project_with_baseline();
    let named = ["check", "--isolated", "--baseline", "baseline.json", "--output-format", "concise", DJANGO_ENV];
    let r = run(dir.path(), &named);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    edit(dir.path(), DJANGO_ENV, |t| t.replace("DJANGO_SECURE_SSL_REDIRECT=False", "DJANGO_SECURE_SSL_REDIRECT=True"));
    let r = run(dir.path(), &named);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains("note: 1 baseline entries match no finding"), "{}", r.stderr);
}
