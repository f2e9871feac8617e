//! Secrets end to end: every provider pattern of `rules/secrets.toml` fires through the whole
//! pipeline on its (generated) examples in every file kind and stays silent on its near-misses;
//! no secret a SEC rule finds is ever printed whole, in any output format; and
//! `--secrets-all-files` sweeps every text file of the tree, honouring `.gitignore` and skipping
//! binary files.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use preflight::config::SelectLayer;
use preflight::secrets::examples;
use preflight::secrets::patterns::patterns;
use support::{repo, run, tree, write};

const FORMATS: [&str; 7] = ["human", "concise", "json", "sarif", "github", "gitlab", "junit"];

fn check(dir: &Path, select: &[&str], all_files: bool) -> preflight::Report {
    preflight::check(&preflight::Options {
        paths: vec![dir.to_path_buf()],
        config: None,
        isolated: true,
        settings: None,
        secrets_all_files: all_files,
        selection: SelectLayer { select: Some(select.iter().map(|s| s.to_string()).collect()), ..Default::default() },
    })
    .expect("check runs")
}

/// `(code, file, secret)` for every SEC diagnostic.
fn found(report: &preflight::Report) -> Vec<(String, String, String)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("SEC"))
        .map(|d| {
            let src = report.source(&d.span);
            (d.code.to_string(), src.display_path(), src.text[d.span.range()].to_string())
        })
        .collect()
}

/// One file per kind an example is written into, as `(path, contents)`.
fn placed(kind: usize, text: &str) -> (&'static str, String) {
    match kind % 4 {
        0 => (".env.example", format!("{text}\n")),
        1 => ("Dockerfile", format!("FROM python:3.12\n# {text}\n")),
        2 => ("docker-compose.yml", format!("services:\n  web:\n    image: app:1.0\n# {text}\n")),
        _ => ("settings.py", format!("DEBUG = False\n# {text}\n")),
    }
}

/// The example of pattern `id` number `i`, expanded as the unit tests expand it.
fn example(id: &str, i: usize, template: &str) -> String {
    examples::expand(template, examples::seed(&[id, "example", &i.to_string()]))
}

/// The example tree: each pattern's examples in a file of one kind (rotating over the four
/// kinds), its near-misses in another folder. Returns the tree and, per pattern id, the secrets
/// expected.
fn example_tree() -> (tempfile::TempDir, BTreeMap<String, Vec<String>>) {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = BTreeMap::new();
    for (pi, p) in patterns().list.iter().enumerate() {
        let id = p.id();
        let mut text = String::new();
        let mut secrets = Vec::new();
        for (i, t) in p.def.examples.iter().enumerate() {
            let token = example(id, i, t);
            let caps = p.regex().captures(token.as_bytes()).expect("the example matches");
            secrets.push(String::from_utf8(caps[p.def.secret_group].to_vec()).unwrap());
            text.push_str(&token);
            text.push('\n');
        }
        let (name, contents) = placed(pi, text.trim_end());
        // Python comments cannot hold a multi-line example: keep those in an env file.
        let name = if text.trim_end().contains('\n') && name != ".env.example" { ".env.example" } else { name };
        let contents = if name == ".env.example" { format!("{text}\n") } else { contents };
        write(dir.path(), &[(&format!("fire/{id}/{name}"), &contents)]);
        let mut misses = String::new();
        for (i, t) in p.def.near_misses.iter().enumerate() {
            misses.push_str(&examples::expand(t, examples::seed(&[id, "near-miss", &i.to_string()])));
            misses.push('\n');
        }
        write(dir.path(), &[(&format!("near/{id}/.env.example"), &misses)]);
        expected.insert(id.to_string(), secrets);
    }
    (dir, expected)
}

#[test]
fn every_pattern_fires_through_the_pipeline_and_no_near_miss_does() {
    let (dir, expected) = example_tree();
    let report = check(&dir.path().join("fire"), &["SEC002"], false);
    let mut got: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &report.diagnostics {
        let src = report.source(&d.span);
        let id = src.display_path().rsplit('/').nth(1).unwrap_or_default().to_string();
        assert_eq!(d.label.as_deref(), Some(id.as_str()), "{}: found as another pattern: {}", id, d.message);
        got.entry(id).or_default().push(src.text[d.span.range()].to_string());
    }
    assert!(expected.len() >= 40);
    for (id, secrets) in &expected {
        assert_eq!(got.get(id), Some(secrets), "{id}: SEC002 did not report exactly its examples");
    }
    let near = check(&dir.path().join("near"), &["SEC002"], false);
    for d in &near.diagnostics {
        let src = near.source(&d.span);
        let id = src.display_path().rsplit('/').nth(1).unwrap_or_default().to_string();
        assert_ne!(d.label.as_deref(), Some(id.as_str()), "{id}: a near-miss fires: {}", d.message);
    }
}

/// True when `out` shows `secret` whole, or any ten characters of its last two thirds (where the
/// random part of a token is, past a provider prefix such as `django-insecure-`).
fn leaks(out: &str, secret: &str) -> Option<String> {
    if out.contains(secret) {
        return Some(secret.to_string());
    }
    let chars: Vec<char> = secret.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() < 16 {
        return None;
    }
    chars[chars.len() / 3..].windows(10).map(|w| w.iter().collect::<String>()).find(|w| out.contains(w.as_str()))
}

/// Every secret SEC001-SEC004 find, in every fixture and in the generated examples, in every
/// output format (with every rule on, so other rules' snippets show the same lines).
#[test]
fn no_output_format_prints_a_secret() {
    let (examples, _) = example_tree();
    let mut dirs: Vec<std::path::PathBuf> = ["SEC001", "SEC002", "SEC003", "SEC004"]
        .iter()
        .map(|c| repo().join("fixtures/rules").join(c).join("fire"))
        .collect();
    dirs.push(examples.path().join("fire"));
    let mut checked = 0;
    for dir in &dirs {
        let report = check(dir, &["ALL"], false);
        let secrets: Vec<String> =
            found(&report).into_iter().map(|(_, _, s)| s).filter(|s| s.chars().count() > 4).collect();
        assert!(!secrets.is_empty(), "{}: no secrets found", dir.display());
        for format in FORMATS {
            let r =
                run(dir, &["check", ".", "--isolated", "--select", "ALL", "--output-format", format, "--show-files"]);
            assert_eq!(r.code, 1, "{format}: {}", r.stderr);
            let out = r.stdout + &r.stderr;
            for s in &secrets {
                if let Some(piece) = leaks(&out, s) {
                    panic!("{}: {format} output shows `{piece}` of a secret:\n{out}", dir.display());
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "{checked} secret checks");
}

#[test]
fn secrets_all_files_sweeps_text_files_honouring_gitignore() {
    let token = example("github-personal-access-token", 0, "ghp_{{base62:36}}");
    let jwt = example("jwt", 0, &patterns().get("jwt").unwrap().def.examples[0]);
    let t = tree(&[
        (".gitignore", "ignored/\n*.log\n"),
        ("README.md", &format!("Deploy with the bot token {token} (rotate it).\n")),
        ("docs/deploy.md", "Connect with `psql postgres://admin:Kx8vQ2mZ7pL4@db.internal:5432/app`.\n"),
        ("docs/example.md", "Use `postgres://user:password@localhost/db` locally.\n"),
        ("tests/test_db.py", "URL = 'postgres://app:Kx8vQ2mZ7pL4@localhost/test'\n"),
        ("scripts/seed.py", &format!("HEADERS = {{'Authorization': 'Bearer {jwt}'}}\n")),
        ("ignored/notes.txt", &format!("{token}\n")),
        ("debug.log", &format!("{token}\n")),
        (".env.production", "DEBUG=0\n"),
    ]);
    let mut binary = b"\x89PNG\r\n\x1a\n\0\0".to_vec();
    binary.extend_from_slice(token.as_bytes());
    std::fs::write(t.path().join("docs/logo.dat"), &binary).unwrap();
    std::fs::write(t.path().join("docs/logo.png"), &binary).unwrap();

    // Off by default: only the deployment files are read.
    let off = check(t.path(), &["SEC002", "SEC004", "PF001"], false);
    assert!(off.diagnostics.is_empty(), "{:?}", found(&off));

    let on = check(t.path(), &["SEC002", "SEC004", "PF001"], true);
    let mut got: Vec<(String, String)> = found(&on).into_iter().map(|(c, p, _)| (c, p)).collect();
    got.sort();
    let rel = |p: &str| preflight::source::display_path(&t.path().join(p));
    assert_eq!(
        got,
        [
            ("SEC002".to_string(), rel("README.md")),
            ("SEC002".to_string(), rel("scripts/seed.py")),
            ("SEC004".to_string(), rel("docs/deploy.md")),
        ],
        "the sweep reports the README token, the JWT and the production URL; not the test file's URL \
         (development), the placeholder, the git-ignored files or the binary ones"
    );
    // Binary and skipped files are no PF001.
    assert!(on.diagnostics.iter().all(|d| d.code != "PF001"));

    // The CLI flag, and masking in the sweep's output.
    let r = run(t.path(), &["check", "--isolated", "--secrets-all-files", "--output-format", "concise"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("README.md:1:27: SEC002"), "{}", r.stdout);
    assert!(!r.stdout.contains(&token) && !r.stdout.contains(&token[4..]), "{}", r.stdout);
    let r = run(t.path(), &["check", "--isolated"]);
    assert!(!r.stdout.contains("README.md"), "{}", r.stdout);
}

#[test]
fn a_few_files_scan_without_compiling_unused_regexes() {
    // A pre-commit run hands a few files: the scan of text without keywords compiles nothing and
    // takes microseconds (the bench script measures whole runs).
    let text = "DEBUG=False\nALLOWED_HOSTS=example.com\nDJANGO_SETTINGS_MODULE=config.settings.production\n".repeat(50);
    let start = std::time::Instant::now();
    for _ in 0..100 {
        assert!(preflight::secrets::scan(&text).tokens.is_empty());
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(2), "{:?}", start.elapsed());
}
