//! Property tests (issue 9): laws the parsers and the pipeline keep for any input.
//! - An env map rendered as dotenv text (each value single- or double-quoted with the escapes
//!   python-dotenv decodes) parses back to the same map, without errors.
//! - The Dockerfile, Compose and env parsers never panic, on arbitrary text and on text built from
//!   each format's own tokens (which reaches deeper than random bytes).
//! - A check run on many threads reports exactly what a single-threaded run reports, in order.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Env files: render, then parse
// ---------------------------------------------------------------------------------------------

/// `value` single-quoted: python-dotenv decodes `\\` and `\'` there, nothing else.
fn single_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// `value` double-quoted, with the escapes python-dotenv decodes.
fn double_quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

fn render(entries: &BTreeMap<String, (String, bool)>) -> String {
    entries
        .iter()
        .map(|(k, (v, double))| format!("{k}={}\n", if *double { double_quoted(v) } else { single_quoted(v) }))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn env_render_then_parse_round_trips(
        entries in prop::collection::btree_map("[A-Za-z_][A-Za-z0-9_]{0,12}", (any::<String>(), any::<bool>()), 0..12)
    ) {
        let text = render(&entries);
        let parsed = preflight::parse::dotenv::parse(&text);
        prop_assert!(parsed.errors.is_empty(), "{:?} in {text:?}", parsed.errors);
        let got: BTreeMap<String, String> = parsed
            .entries
            .iter()
            .map(|e| (e.key.clone(), e.value.as_ref().map(|v| v.value.clone()).unwrap_or_default()))
            .collect();
        let want: BTreeMap<String, String> = entries.into_iter().map(|(k, (v, _))| (k, v)).collect();
        prop_assert_eq!(got, want);
    }
}

// ---------------------------------------------------------------------------------------------
// Parsers never panic
// ---------------------------------------------------------------------------------------------

/// Text made of `tokens` (and a little noise), so the parser's deeper states are reached.
fn text_of(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    let token = prop_oneof![4 => prop::sample::select(tokens).prop_map(str::to_string), 1 => "\\PC{0,4}"];
    prop::collection::vec(token, 0..64).prop_map(|parts| parts.concat())
}

const DOCKERFILE_TOKENS: &[&str] = &[
    "FROM ",
    "python:3.12 ",
    "AS build\n",
    "RUN ",
    "CMD ",
    "ENTRYPOINT ",
    "ENV ",
    "ARG ",
    "USER ",
    "COPY ",
    "ADD ",
    "HEALTHCHECK ",
    "--from=build ",
    "--chown=",
    "[\"",
    "\", \"",
    "\"]",
    "\\\n",
    "<<EOF\n",
    "<<-'EOF'\n",
    "EOF\n",
    "${A:-b}",
    "$A",
    "'",
    "\"",
    " && ",
    " | ",
    "# syntax=docker/dockerfile:1\n",
    "# escape=`\n",
    "`\n",
    "=",
    "\n",
    " ",
    "\t",
    "\r\n",
    "pip install ",
    "curl https://x | sh",
    "gunicorn ",
    "manage.py runserver",
];

const COMPOSE_TOKENS: &[&str] = &[
    "services:\n",
    "  web:\n",
    "    image: ",
    "    build: .\n",
    "    extends: ",
    "{file: a.yml, service: web}",
    "    environment:\n",
    "      - A=1\n",
    "      A: ${A:-1}\n",
    "include:\n",
    "  - b.yml\n",
    "x-a: &a ",
    "*a",
    "<<: *a\n",
    "<<: [*a, *b]\n",
    "&b ",
    "!reset ",
    "!override ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "- ",
    "\n",
    "  ",
    "    ",
    "'",
    "\"",
    "|\n",
    ">-\n",
    "---\n",
    "...\n",
    "? ",
    "#",
    "$$",
    "${",
    "}",
    "privileged: true\n",
    "ports: [\"0.0.0.0:5432:5432\"]\n",
    "user: root\n",
    "healthcheck:\n",
    "env_file: .env\n",
];

const ENV_TOKENS: &[&str] = &[
    "A", "KEY", "=", "export ", "'", "\"", "\\", "\\'", "\\\"", "#", " # c", "${A}", "${A:-x}", "$A", "$$", "\n",
    "\r\n", "\r", " ", "\t", "\u{feff}", "\u{a0}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn dockerfile_parse_never_panics(text in prop_oneof![any::<String>(), text_of(DOCKERFILE_TOKENS)]) {
        let root = Path::new("/nonexistent-preflight-proptest");
        let _ = preflight::parse::dockerfile::DockerfileModel::load(&text, &root.join("Dockerfile"), root);
    }

    #[test]
    fn compose_parse_never_panics(text in prop_oneof![any::<String>(), text_of(COMPOSE_TOKENS)]) {
        let file = preflight::parse::compose::parse(&text, 0);
        let _ = preflight::parse::compose::redactions(&file, &text);
    }

    #[test]
    fn env_parse_never_panics_and_spans_are_in_the_text(text in prop_oneof![any::<String>(), text_of(ENV_TOKENS)]) {
        let env = preflight::parse::dotenv::parse(&text);
        for e in &env.entries {
            prop_assert!(text.get(e.stmt.clone()).is_some() && text.get(e.key_span.clone()).is_some());
        }
        for e in &env.errors {
            prop_assert!(text.get(e.span.clone()).is_some());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parallel runs report what a single-threaded run reports
// ---------------------------------------------------------------------------------------------

/// A generated tree: `(path, text)` for a few projects with env files, Dockerfiles and compose
/// files carrying findings.
fn project_tree() -> impl Strategy<Value = Vec<(String, String)>> {
    let env = prop::collection::vec(("[A-C]", "[a-z0-9 ]{0,6}", any::<bool>()), 0..6).prop_map(|lines| {
        lines
            .into_iter()
            .map(|(k, v, broken)| if broken { format!("{k} {v}\n") } else { format!("{k}={v}\n") })
            .collect()
    });
    let dockerfile = prop::sample::subsequence(
        vec![
            "FROM python:3.12\n",
            "USER root\n",
            "ADD . /app\n",
            "RUN pip install django\n",
            "CMD python manage.py runserver\n",
        ],
        0..5,
    )
    .prop_map(|lines| lines.concat());
    let compose = prop::sample::subsequence(
        vec!["    privileged: true\n", "    ports: [\"5432:5432\"]\n", "    network_mode: host\n", "    user: root\n"],
        0..4,
    )
    .prop_map(|lines| format!("services:\n  web:\n    image: shop/web\n{}", lines.concat()));
    const ENVS: &[&str] = &["production", "staging", "local", "prod", "example"];
    prop::collection::vec((prop::sample::select(ENVS), env, dockerfile, compose), 1..6).prop_map(|projects| {
        let mut files = Vec::new();
        for (i, (environment, env, dockerfile, compose)) in projects.into_iter().enumerate() {
            files.push((format!("p{i}/.env.{environment}"), env));
            files.push((format!("p{i}/Dockerfile"), dockerfile));
            files.push((format!("p{i}/docker-compose.{environment}.yml"), compose));
        }
        files
    })
}

/// The JSON report of a check of `dir` on a pool of `threads` threads.
fn json_on(threads: usize, dir: &Path) -> String {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    let opts = preflight::Options { paths: vec![dir.to_path_buf()], isolated: true, ..Default::default() };
    pool.install(|| preflight::report::json::render(&preflight::check(&opts).expect("check runs")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn parallel_output_equals_a_single_threaded_run(files in project_tree()) {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in &files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("folders");
            std::fs::write(p, text).expect("write");
        }
        prop_assert_eq!(json_on(1, dir.path()), json_on(4, dir.path()));
    }
}
