//! The DF rules on bad input and through the config: no panic, no hang, exact positions.

use std::path::Path;
use std::time::{Duration, Instant};

use preflight::config::SelectLayer;
use preflight::{check, Options};

/// `(code, row, column, message)` of every diagnostic, for the given selection.
fn run(dir: &Path, select: &str, isolated: bool) -> Vec<(String, usize, usize, String)> {
    let report = check(&Options {
        paths: vec![dir.to_path_buf()],
        config: None,
        isolated,
        settings: None,
        secrets_all_files: false,
        selection: SelectLayer { select: Some(vec![select.to_string()]), ..Default::default() },
    })
    .expect("check runs");
    report
        .diagnostics
        .iter()
        .map(|d| {
            let p = report.source(&d.span).position(d.span.start);
            (d.code.to_string(), p.row, p.column, d.message.clone())
        })
        .collect()
}

fn codes(found: &[(String, usize, usize, String)]) -> Vec<(&str, usize, usize)> {
    found.iter().map(|(c, r, col, _)| (c.as_str(), *r, *col)).collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

#[test]
fn empty_and_comment_only_files_are_a_syntax_error_and_nothing_else() {
    for text in ["", "\n\n", "# syntax=docker/dockerfile:1\n# only a comment\n", "\u{feff}"] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "Dockerfile.prod", text.as_bytes());
        let found = run(dir.path(), "DF", true);
        assert_eq!(codes(&found), [("DF011", 1, 1)], "{text:?}: {found:?}");
    }
}

#[test]
fn bom_and_crlf_keep_columns_exact() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}FROM python:latest\r\nRUN sudo apt-get update \\\r\n  && curl -fsSL https://x | sh\r\nEXPOSE 8000 22\r\nUSER root\r\nCMD gunicorn config.wsgi\r\n";
    write(dir.path(), "Dockerfile.prod", text.as_bytes());
    let found = run(dir.path(), "DF", true);
    assert_eq!(
        codes(&found),
        [
            ("DF002", 1, 1),
            ("DF003", 1, 13),
            ("DF006", 2, 5),
            ("DF009", 2, 10),
            ("DF005", 3, 6),
            ("DF007", 4, 13),
            ("DF001", 5, 6),
            ("DF008", 6, 5),
        ],
        "{found:#?}"
    );
}

#[test]
fn a_binary_dockerfile_is_pf001_and_the_other_files_are_still_linted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", b"\x7fELF\x02\x01\x01\x00\x00\x00binary");
    write(dir.path(), "api/Dockerfile.prod", b"FROM python\n");
    let found = run(dir.path(), "ALL", true);
    let got = codes(&found);
    assert!(got.contains(&("PF001", 1, 1)), "{found:#?}");
    assert!(got.contains(&("DF003", 1, 6)), "{found:#?}");
    assert!(!got.iter().any(|(c, ..)| *c == "DF011"), "{found:#?}");
}

#[test]
fn a_broken_dockerfile_still_gets_the_other_rules() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile.prod", b"FROM python:3.12\nCOPPY . /app\nRUN sudo make\n");
    let found = run(dir.path(), "DF", true);
    let got = codes(&found);
    assert!(got.contains(&("DF011", 2, 1)) && got.contains(&("DF006", 3, 5)), "{found:#?}");
}

#[test]
fn a_hundred_thousand_lines_are_linted_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("FROM python:3.12-slim-bookworm\n");
    for i in 0..25_000 {
        text.push_str(&format!("RUN echo {i} \\\n  && pip install --no-cache-dir pkg{i}\nRUN <<EOF\nUSER root\nEOF\n"));
    }
    text.push_str("USER app\n");
    assert!(text.lines().count() > 100_000);
    write(dir.path(), "Dockerfile.prod", text.as_bytes());
    let start = Instant::now();
    let found = run(dir.path(), "DF", true);
    assert!(start.elapsed() < Duration::from_secs(30), "took {:?}", start.elapsed());
    assert_eq!(codes(&found), [("DF002", 1, 1)], "{:?}", &found[..found.len().min(5)]);
}

#[test]
fn deeply_nested_and_unterminated_input_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("FROM a\nRUN ");
    text.push_str(&"$(".repeat(20_000));
    text.push_str("\nCMD \"unterminated\nRUN <<A <<B\n");
    text.push_str(&"x \\\n".repeat(10_000));
    write(dir.path(), "Dockerfile.prod", text.as_bytes());
    let start = Instant::now();
    let _ = run(dir.path(), "DF", true);
    assert!(start.elapsed() < Duration::from_secs(30), "took {:?}", start.elapsed());
}

#[test]
fn nonroot_images_from_the_config_silence_df001() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile.prod", b"FROM registry.example.com/platform/django-base:2.3\nCOPY . /app\n");
    let df001 = |found: Vec<(String, usize, usize, String)>| found.into_iter().filter(|f| f.0 == "DF001").count();
    assert_eq!(df001(run(dir.path(), "DF001", false)), 1);
    write(dir.path(), "preflight.toml", b"nonroot-images = [\"registry.example.com/platform/*\"]\n");
    assert_eq!(df001(run(dir.path(), "DF001", false)), 0);
    // An explicit `USER root` still runs as root.
    write(dir.path(), "Dockerfile.prod", b"FROM registry.example.com/platform/django-base:2.3\nUSER root\n");
    assert_eq!(df001(run(dir.path(), "DF001", false)), 1);
}

#[test]
fn ambiguous_dockerfiles_say_they_are_treated_as_production() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", b"FROM python:3.12\nUSER root\n");
    let found = run(dir.path(), "DF001", true);
    assert_eq!(found.len(), 1);
    assert!(found[0].3.ends_with("(treated as production: no production variant found)"), "{}", found[0].3);
    // Beside a production variant the plain Dockerfile is development.
    write(dir.path(), "Dockerfile.prod", b"FROM python:3.12\nUSER app\n");
    assert!(run(dir.path(), "DF001", true).is_empty());
}

#[test]
fn inline_build_time_values_are_not_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile.prod",
        b"FROM python:3.12-slim-bookworm\n\
          RUN SECRET_KEY=dummy DATABASE_URL=sqlite:// python manage.py collectstatic --noinput\n\
          USER app\n\
          HEALTHCHECK CMD [\"python\", \"-c\", \"print()\"]\n\
          CMD [\"gunicorn\", \"config.wsgi\"]\n",
    );
    assert_eq!(run(dir.path(), "DF", true), []);
}

#[test]
fn a_name_shared_by_two_families_selects_both() {
    let codes: Vec<&str> = preflight::registry::matching("syntax-error").iter().map(|r| r.code).collect();
    assert_eq!(codes, ["DF011", "DC012"]);
}
