//! End-to-end tests of the `preflight` command line (the CLI contract of issue 2): exit codes,
//! usage errors, rule selection, config files and their errors, discovery, environments,
//! suppressions, bad input, determinism, `rules`, `explain`, `--version` and colour.
//!
//! Every test runs the real binary. Trees with special files (FIFOs, `.gitignore`, huge or
//! binary files) are built in temporary folders; readable static inputs live in `fixtures/cli/`.
//! Rules are being added while these tests are written: a test names the rules it expects with
//! `--select`, or checks only what holds whatever else is registered.

mod support;

use std::path::Path;

use support::{codes, heads, preflight, registered, run, run_cmd, run_with_timeout, tree, write, Run};

/// A duplicate key (ENV002, warning) and a line that does not parse (ENV001, error).
const DUP_AND_BROKEN: &str = "A=1\nA=2\nbroken line\n";

fn assert_code(r: &Run, code: i32) {
    assert_eq!(r.code, code, "exit code\n--- stdout\n{}\n--- stderr\n{}", r.stdout, r.stderr);
}

/// Asserts a usage error: exit 2, nothing on stdout, exactly one line on stderr.
fn assert_one_line_error(r: &Run) {
    assert_code(r, 2);
    assert!(r.stdout.is_empty(), "stdout should be empty: {}", r.stdout);
    assert_eq!(r.stderr.trim_end().lines().count(), 1, "one line on stderr, got:\n{}", r.stderr);
    assert!(r.stderr.starts_with("error:"), "{}", r.stderr);
}

fn concise(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--output-format", "concise"];
    args.extend_from_slice(extra);
    run(dir, &args)
}

// ---------------------------------------------------------------------------------------------
// Exit codes
// ---------------------------------------------------------------------------------------------

#[test]
fn exit_codes_follow_fail_on_and_exit_zero() {
    let t = tree(&[(".env.production", DUP_AND_BROKEN)]);
    let d = t.path();
    // Only a warning.
    assert_code(&concise(d, &["--isolated", "--select", "ENV002"]), 1);
    assert_code(&concise(d, &["--isolated", "--select", "ENV002", "--fail-on", "warning"]), 1);
    assert_code(&concise(d, &["--isolated", "--select", "ENV002", "--fail-on", "error"]), 0);
    assert_code(&concise(d, &["--isolated", "--select", "ENV002", "--fail-on", "info"]), 1);
    // An error.
    assert_code(&concise(d, &["--isolated", "--select", "ENV001", "--fail-on", "error"]), 1);
    // --exit-zero still prints the findings.
    let r = concise(d, &["--isolated", "--select", "ENV001,ENV002", "--exit-zero"]);
    assert_code(&r, 0);
    assert_eq!(codes(&r.stdout), ["ENV002", "ENV001"]);
    // Nothing found.
    let clean = tree(&[(".env.production", "A=1\n")]);
    let r = run(clean.path(), &["check", "--isolated", "--select", "ENV001,ENV002"]);
    assert_code(&r, 0);
    assert!(r.stdout.contains("All checks passed (1 files)"), "{}", r.stdout);
}

#[test]
fn info_findings_fail_only_with_fail_on_info() {
    let t = tree(&[
        (".env.production", "A=1\nA=2\n"),
        ("preflight.toml", "select = [\"ENV002\"]\n\n[severity]\nENV002 = \"info\"\n"),
    ]);
    let r = concise(t.path(), &[]);
    assert_code(&r, 0);
    assert!(r.stdout.contains(".env.production:2:1: ENV002 [info] "), "{}", r.stdout);
    assert_code(&concise(t.path(), &["--fail-on", "info"]), 1);
}

#[test]
fn config_fail_on_is_the_default_threshold_and_the_flag_wins() {
    let t =
        tree(&[(".env.production", "A=1\nA=2\n"), ("preflight.toml", "select = [\"ENV002\"]\nfail-on = \"error\"\n")]);
    assert_code(&concise(t.path(), &[]), 0);
    assert_code(&concise(t.path(), &["--fail-on", "warning"]), 1);
    assert_code(&concise(t.path(), &["--isolated", "--select", "ENV002"]), 1);
}

// ---------------------------------------------------------------------------------------------
// Usage errors: exit 2 with one line on stderr
// ---------------------------------------------------------------------------------------------

#[test]
fn a_path_that_does_not_exist_is_a_one_line_error() {
    let t = tree(&[(".env.production", "A=1\n")]);
    let r = run(t.path(), &["check", "no/such/place"]);
    assert_one_line_error(&r);
    assert!(r.stderr.contains("no/such/place"), "{}", r.stderr);
    // Also beside a path that exists.
    let r = run(t.path(), &["check", ".env.production", "missing.env"]);
    assert_one_line_error(&r);
    assert!(r.stderr.contains("missing.env"), "{}", r.stderr);
}

#[test]
fn bad_flags_are_one_line_errors() {
    let t = tree(&[(".env.production", "A=1\n")]);
    for args in [
        &["check", "--no-such-flag"][..],
        &["check", "--output-format", "yaml"],
        &["check", "--fail-on", "fatal"],
        &["check", "--color", "sometimes"],
        &["check", "--output-format"],
        &["rules", "--format", "html"],
        &["frobnicate"],
    ] {
        let r = run(t.path(), args);
        assert_one_line_error(&r);
    }
    let r = run(t.path(), &["check", "--no-such-flag"]);
    assert!(r.stderr.contains("--no-such-flag"), "{}", r.stderr);
    let r = run(t.path(), &["check", "--output-format", "yaml"]);
    assert!(r.stderr.contains("yaml") && r.stderr.contains("sarif"), "names the choices: {}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// Selection: codes, names, prefixes; ruff layering
// ---------------------------------------------------------------------------------------------

#[test]
fn select_accepts_codes_names_and_prefixes() {
    let t = tree(&[(".env.production", DUP_AND_BROKEN)]);
    let d = t.path();
    let sel = |extra: &[&str]| {
        let mut args = vec!["--isolated"];
        args.extend_from_slice(extra);
        codes(&concise(d, &args).stdout)
    };
    assert_eq!(sel(&["--select", "ENV001"]), ["ENV001"]);
    assert_eq!(sel(&["--select", "env001"]), ["ENV001"], "codes are case-insensitive");
    assert_eq!(sel(&["--select", "env-duplicate-key"]), ["ENV002"]);
    assert_eq!(sel(&["--select", "ENV001,env-duplicate-key"]), ["ENV002", "ENV001"]);
    assert_eq!(sel(&["--select", "ENV001", "--select", "ENV002"]), ["ENV002", "ENV001"]);
    for prefix in ["ENV", "ENV0", "ENV00"] {
        let found = sel(&["--select", prefix]);
        assert!(found.contains(&"ENV001".to_string()) && found.contains(&"ENV002".to_string()), "{prefix}: {found:?}");
        assert!(found.iter().all(|c| c.starts_with(prefix)), "{prefix}: {found:?}");
    }
    assert_eq!(sel(&["--select", "ENV002", "--extend-select", "ENV001"]), ["ENV002", "ENV001"]);
    assert_eq!(sel(&["--select", "ENV0", "--ignore", "env-syntax-error"]), ["ENV002"]);
    assert_eq!(sel(&["--select", "ENV00", "--ignore", "ENV00"]), Vec::<String>::new());
    // The default set has both; --ignore removes from it.
    let found = sel(&["--ignore", "ENV001"]);
    assert!(found.contains(&"ENV002".to_string()) && !found.contains(&"ENV001".to_string()), "{found:?}");
    // PF selects only PF rules: nothing here.
    assert_eq!(sel(&["--select", "PF"]), Vec::<String>::new());
}

#[test]
fn style_rules_are_off_until_selected_with_env1() {
    // A lower-case key: ENV102 (lowercase-key), one of the off-by-default ENV1xx rules.
    let t = tree(&[(".env.production", "lower=1\n")]);
    let default = codes(&concise(t.path(), &["--isolated"]).stdout);
    assert!(default.iter().all(|c| !c.starts_with("ENV1")), "ENV1xx are off by default: {default:?}");
    let env1 = codes(&concise(t.path(), &["--isolated", "--select", "ENV1"]).stdout);
    assert!(env1.iter().all(|c| c.starts_with("ENV1")), "{env1:?}");
    if registered("ENV102") {
        assert!(env1.contains(&"ENV102".to_string()), "{env1:?}");
    }
}

#[test]
fn unknown_codes_are_usage_errors() {
    let t = tree(&[(".env.production", "A=1\n")]);
    for args in [
        &["check", "--select", "NOPE"][..],
        &["check", "--select", "ENV001,BOGUS1"],
        &["check", "--extend-select", "env-no-such-rule"],
        &["check", "--ignore", "XYZ123"],
    ] {
        let r = run(t.path(), args);
        assert_one_line_error(&r);
    }
    let r = run(t.path(), &["check", "--ignore", "XYZ123"]);
    assert!(r.stderr.contains("XYZ123"), "{}", r.stderr);
}

#[test]
fn cli_selection_layers_over_config_like_ruff() {
    let t = tree(&[(".env.production", DUP_AND_BROKEN), ("preflight.toml", "select = [\"ENV001\"]\n")]);
    let d = t.path();
    assert_eq!(codes(&concise(d, &[]).stdout), ["ENV001"], "config select");
    assert_eq!(codes(&concise(d, &["--select", "ENV002"]).stdout), ["ENV002"], "CLI select replaces config select");
    assert_eq!(codes(&concise(d, &["--extend-select", "ENV002"]).stdout), ["ENV002", "ENV001"]);
    assert_eq!(codes(&concise(d, &["--ignore", "ENV001"]).stdout), Vec::<String>::new());

    // Config ignores, the command line adds it back.
    write(d, &[("preflight.toml", "ignore = [\"env-duplicate-key\"]\n")]);
    let found = codes(&concise(d, &[]).stdout);
    assert!(!found.contains(&"ENV002".to_string()), "{found:?}");
    let found = codes(&concise(d, &["--extend-select", "ENV002"]).stdout);
    assert!(found.contains(&"ENV002".to_string()), "{found:?}");

    // Config extend-select adds an off-by-default rule.
    write(d, &[("preflight.toml", "select = [\"ENV002\"]\nextend-select = [\"ENV001\"]\n")]);
    assert_eq!(codes(&concise(d, &[]).stdout), ["ENV002", "ENV001"]);
}

// ---------------------------------------------------------------------------------------------
// Config files: --config, --isolated, upward search, pyproject.toml
// ---------------------------------------------------------------------------------------------

#[test]
fn config_is_found_upward_from_the_linted_path() {
    let t = tree(&[("preflight.toml", "select = [\"ENV002\"]\n"), ("services/web/.env.production", DUP_AND_BROKEN)]);
    // From inside the tree, from the root, and from outside it.
    assert_eq!(codes(&concise(&t.path().join("services/web"), &["."]).stdout), ["ENV002"]);
    assert_eq!(codes(&concise(t.path(), &["services/web"]).stdout), ["ENV002"]);
    let outside = tempfile::tempdir().unwrap();
    let target = t.path().join("services/web/.env.production");
    let r = concise(outside.path(), &[target.to_str().unwrap()]);
    assert_eq!(codes(&r.stdout), ["ENV002"], "{}", r.stdout);
}

#[test]
fn dot_preflight_toml_and_pyproject_are_config_files() {
    let t = tree(&[("a/.preflight.toml", "select = [\"ENV001\"]\n"), ("a/.env.production", DUP_AND_BROKEN)]);
    assert_eq!(codes(&concise(t.path(), &["a"]).stdout), ["ENV001"]);

    let t = tree(&[
        ("pyproject.toml", "[project]\nname = \"shop\"\n\n[tool.preflight]\nselect = [\"ENV002\"]\n"),
        (".env.production", DUP_AND_BROKEN),
    ]);
    assert_eq!(codes(&concise(t.path(), &[]).stdout), ["ENV002"]);
}

#[test]
fn a_pyproject_without_tool_preflight_does_not_stop_the_search() {
    let t = tree(&[
        ("preflight.toml", "select = [\"ENV001\"]\n"),
        ("app/pyproject.toml", "[project]\nname = \"app\"\n\n[tool.ruff]\nline-length = 100\n"),
        ("app/.env.production", DUP_AND_BROKEN),
    ]);
    assert_eq!(codes(&concise(t.path(), &["app"]).stdout), ["ENV001"]);
}

#[test]
fn config_flag_and_isolated() {
    let t = tree(&[
        ("preflight.toml", "select = [\"ENV001\"]\n"),
        ("elsewhere/strict.toml", "select = [\"ENV002\"]\n"),
        (".env.production", DUP_AND_BROKEN),
    ]);
    let d = t.path();
    assert_eq!(codes(&concise(d, &[]).stdout), ["ENV001"]);
    assert_eq!(codes(&concise(d, &["--config", "elsewhere/strict.toml"]).stdout), ["ENV002"]);
    // --isolated: the defaults, whatever config files say.
    let found = codes(&concise(d, &["--isolated"]).stdout);
    assert!(found.contains(&"ENV001".to_string()) && found.contains(&"ENV002".to_string()), "{found:?}");
    // A --config that does not exist is an error.
    let r = concise(d, &["--config", "nope.toml"]);
    assert_code(&r, 2);
    assert!(r.stderr.contains("nope.toml"), "{}", r.stderr);
}

/// A config mistake: exit 2, and stderr names the file and shows the offending line.
fn assert_config_error(file: &str, text: &str, must_show: &[&str]) {
    let t = tree(&[(file, text), (".env.production", "A=1\n")]);
    let r = run(t.path(), &["check", "."]);
    assert_code(&r, 2);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.contains(file), "names {file}:\n{}", r.stderr);
    for s in must_show {
        assert!(r.stderr.contains(s), "stderr should show {s:?}:\n{}", r.stderr);
    }
    // miette points at a line: `[preflight.toml:LINE:COL]`.
    assert!(r.stderr.contains(&format!("{file}:")), "a position in {file}:\n{}", r.stderr);
}

#[test]
fn config_errors_point_into_the_file() {
    assert_config_error(
        "preflight.toml",
        "# ours\nselect = [\"ENV001\"]\nbogus-key = 1\n",
        &["bogus-key = 1", "bogus-key"],
    );
    assert_config_error(
        "preflight.toml",
        "extend-exclude = [\"build/[oops\"]\n",
        &["extend-exclude = [\"build/[oops\"]", "invalid glob"],
    );
    assert_config_error("preflight.toml", "select = [\"ENV001\", \"NOPE7\"]\n", &["NOPE7", "unknown rule"]);
    assert_config_error(
        "preflight.toml",
        "[thresholds]\njwt-access-max = \"15 minutes\"\n",
        &["jwt-access-max = \"15 minutes\"", "invalid duration `15 minutes`", "15m"],
    );
    assert_config_error("preflight.toml", "[severity]\nENV001 = \"loud\"\n", &["ENV001 = \"loud\"", "loud"]);
    assert_config_error("preflight.toml", "[severity]\nNOPE9 = \"error\"\n", &["NOPE9 = \"error\"", "NOPE9"]);
    assert_config_error(
        "preflight.toml",
        "[per-file-ignores]\n\"x[\" = [\"ENV001\"]\n",
        &["\"x[\" = [\"ENV001\"]", "invalid glob"],
    );
    assert_config_error("preflight.toml", "fail-on = \"always\"\n", &["fail-on = \"always\"", "always"]);
    assert_config_error("preflight.toml", "select = [\"ENV001\"\n", &["select"]);
    assert_config_error(".preflight.toml", "[environments]\nstaging = [\"x\"]\n", &["staging = [\"x\"]"]);
    assert_config_error(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.preflight]\nselct = [\"ENV001\"]\n",
        &["selct = [\"ENV001\"]", "selct"],
    );
}

#[test]
fn per_file_ignores_apply_to_matching_files_only() {
    let t = tree(&[
        ("preflight.toml", "select = [\"ENV0\"]\n\n[per-file-ignores]\n\"legacy/**\" = [\"ENV002\"]\n\"*.staging\" = [\"env-syntax-error\"]\n"),
        ("legacy/.env.production", DUP_AND_BROKEN),
        ("app/.env.production", DUP_AND_BROKEN),
        (".env.staging", DUP_AND_BROKEN),
    ]);
    let r = concise(t.path(), &[]);
    let h = heads(&r.stdout);
    assert_eq!(
        h,
        [
            ".env.staging:2:1: ENV002",
            "app/.env.production:2:1: ENV002",
            "app/.env.production:3:8: ENV001",
            "legacy/.env.production:3:8: ENV001",
        ],
        "{}",
        r.stdout
    );
}

#[test]
fn severity_overrides_change_level_and_exit_code() {
    let t = tree(&[
        ("preflight.toml", "select = [\"ENV001\"]\n\n[severity]\nenv-syntax-error = \"warning\"\n"),
        (".env.production", "A=1\nbroken line\n"),
    ]);
    let r = concise(t.path(), &["--fail-on", "error"]);
    assert!(r.stdout.contains("ENV001 [warning]"), "{}", r.stdout);
    assert_code(&r, 0);
    let json = run(t.path(), &["check", "--output-format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    assert_eq!(v["summary"]["warnings"], 1);
    assert_eq!(v["summary"]["errors"], 0);
}

#[test]
fn environments_in_config_override_classification() {
    let t = tree(&[
        ("preflight.toml", "[environments]\nproduction = [\"deploy/**\"]\ndevelopment = [\"ops/.env.live\"]\n"),
        ("deploy/local.env", "SECRET_KEY=changeme\n"),
        ("ops/.env.live", "A=1\n"),
    ]);
    let r = run(t.path(), &["check", "--show-files", "--output-format", "concise", "--exit-zero"]);
    assert!(
        r.stdout.contains("deploy/local.env\tenv-file\tproduction\tproduction: matches `deploy/**` in [environments]"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("ops/.env.live\tenv-file\tdevelopment\tdevelopment: matches"), "{}", r.stdout);
    let isolated = run(t.path(), &["check", "--isolated", "--show-files", "--exit-zero"]);
    assert!(isolated.stdout.contains("deploy/local.env\tenv-file\tdevelopment\t"), "{}", isolated.stdout);
    // A production-only rule sees the file only when config makes it production.
    if registered("ENV003") {
        assert!(codes(&r.stdout).contains(&"ENV003".to_string()), "{}", r.stdout);
        let iso = concise(t.path(), &["--isolated"]);
        assert!(!codes(&iso.stdout).contains(&"ENV003".to_string()), "{}", iso.stdout);
    }
}

#[test]
fn exclude_and_extend_exclude() {
    let files = [
        ("app/.env.production", "A=1\n"),
        ("legacy/.env.production", "A=1\n"),
        ("node_modules/pkg/.env.production", "A=1\n"),
    ];
    let seen = |config: &str| {
        let t = tree(&files);
        write(t.path(), &[("preflight.toml", config)]);
        let r = run(t.path(), &["check", "--show-files", "--exit-zero", "-q"]);
        assert_code(&r, 0);
        let mut paths: Vec<String> =
            r.stdout.lines().filter_map(|l| l.split('\t').next()).map(str::to_string).collect();
        paths.sort();
        paths
    };
    assert_eq!(seen(""), ["app/.env.production", "legacy/.env.production"]);
    assert_eq!(seen("extend-exclude = [\"legacy\"]\n"), ["app/.env.production"]);
    assert_eq!(seen("extend-exclude = [\"legacy/**\"]\n"), ["app/.env.production"]);
    // `exclude` replaces the defaults (ruff semantics): node_modules is walked again.
    assert_eq!(seen("exclude = [\"app\"]\n"), ["legacy/.env.production", "node_modules/pkg/.env.production"]);
}

// ---------------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------------

#[test]
fn discovery_honours_ignore_files_without_git_and_skips_vendor_folders() {
    let t = tree(&[
        ("app/.env.production", "A=1\n"),
        (".gitignore", "ignored-by-git/\n*.secret.env\n"),
        (".ignore", "ignored-by-ignore/\n"),
        ("ignored-by-git/.env.production", "A=1\n"),
        ("ignored-by-ignore/.env.production", "A=1\n"),
        ("app/prod.secret.env", "A=1\n"),
        ("sub/.gitignore", ".env.staging\n"),
        ("sub/.env.staging", "A=1\n"),
        ("sub/.env.production", "A=1\n"),
        (".git/.env.production", "A=1\n"),
        ("node_modules/lib/.env.production", "A=1\n"),
        (".venv/lib/.env.production", "A=1\n"),
        ("custom-venv/pyvenv.cfg", "home = /usr/bin\n"),
        ("custom-venv/lib/.env.production", "A=1\n"),
    ]);
    assert!(!t.path().join(".git/HEAD").exists(), "no git repository here");
    let r = run(t.path(), &["check", "--isolated", "--show-files", "-q"]);
    let paths: Vec<&str> = r.stdout.lines().filter_map(|l| l.split('\t').next()).collect();
    assert_eq!(paths, ["app/.env.production", "sub/.env.production"], "{}", r.stdout);
}

#[test]
fn an_explicitly_passed_ignored_file_is_still_linted() {
    let t = tree(&[
        (".gitignore", ".env.production\n"),
        (".env.production", "A=1\nA=2\n"),
        ("node_modules/.env.production", "B=1\nB=2\n"),
    ]);
    let r = concise(t.path(), &["--isolated", "--select", "ENV002"]);
    assert_eq!(codes(&r.stdout), Vec::<String>::new(), "the walk skips it: {}", r.stdout);
    let r = concise(t.path(), &["--isolated", "--select", "ENV002", ".env.production", "node_modules/.env.production"]);
    assert_eq!(heads(&r.stdout), [".env.production:2:1: ENV002", "node_modules/.env.production:2:1: ENV002"]);
    assert_code(&r, 1);
}

#[test]
fn show_files_prints_kind_environment_and_reason() {
    let t = tree(&[
        ("web/.env", "A=1\n"),
        ("web/.env.production", "A=1\n"),
        ("worker/.env", "A=1\n"),
        ("web/.env.example", "A=\n"),
        ("web/.env.local", "A=1\n"),
    ]);
    let r = run(t.path(), &["check", "--isolated", "--show-files", "-q", "--exit-zero"]);
    let rows: Vec<Vec<&str>> = r.stdout.lines().map(|l| l.split('\t').collect()).collect();
    let row = |p: &str| rows.iter().find(|r| r[0] == p).unwrap_or_else(|| panic!("{p} not listed:\n{}", r.stdout));
    for r in &rows {
        assert_eq!(r.len(), 4, "path, kind, environment, reason: {r:?}");
        assert_eq!(r[1], "env-file");
    }
    assert_eq!(row("web/.env")[2], "development");
    assert!(row("web/.env")[3].contains(".env.production"), "names the variant: {:?}", row("web/.env"));
    assert_eq!(row("worker/.env")[2], "production");
    assert!(row("worker/.env")[3].contains("treated as production"), "{:?}", row("worker/.env"));
    assert_eq!(row("web/.env.production")[2], "production");
    assert!(row("web/.env.production")[3].contains("production"), "{:?}", row("web/.env.production"));
    assert_eq!(row("web/.env.example")[2], "template");
    assert!(row("web/.env.example")[3].contains("example"));
    assert_eq!(row("web/.env.local")[2], "development");
    assert!(row("web/.env.local")[3].contains("local"));
}

#[test]
fn diagnostics_on_an_ambiguous_production_file_say_so() {
    if !registered("ENV003") {
        eprintln!("skipped: needs a production-only rule (ENV003), not registered yet");
        return;
    }
    let t = tree(&[
        ("alone/.env", "SECRET_KEY=changeme\n"),
        ("pair/.env", "SECRET_KEY=changeme\n"),
        ("pair/.env.production", "SECRET_KEY=x\n"),
    ]);
    let r = concise(t.path(), &["--isolated", "--select", "ENV003"]);
    let lines: Vec<&str> = r.stdout.lines().filter(|l| l.contains(" ENV003 ")).collect();
    assert!(lines.iter().any(|l| l.starts_with("alone/.env:")), "{}", r.stdout);
    assert!(!lines.iter().any(|l| l.starts_with("pair/.env:")), "pair/.env is development: {}", r.stdout);
    for l in lines.iter().filter(|l| l.starts_with("alone/.env:")) {
        assert!(l.contains("treated as production: no production variant found"), "{l}");
    }
}

// ---------------------------------------------------------------------------------------------
// Suppressions
// ---------------------------------------------------------------------------------------------

#[test]
fn suppression_comments_on_the_line_and_the_line_before() {
    let t = tree(&[(
        ".env.production",
        "A=1\n\
         A=2 # preflight: ignore[ENV002] the later one is intended\n\
         B=1\n\
         # preflight: ignore[env-duplicate-key]\n\
         B=2\n\
         C=1\n\
         C=2\n",
    )]);
    let r = concise(t.path(), &["--isolated", "--select", "ENV002,PF003"]);
    assert_eq!(heads(&r.stdout), [".env.production:7:1: ENV002"], "{}", r.stdout);
}

#[test]
fn file_level_suppressions() {
    let t = tree(&[
        (".env.production", "A=1\nA=2\nbroken line\n# preflight: ignore-file[ENV002]\n"),
        (".env.staging", "# preflight: ignore-file[env-syntax-error, ENV002]\nA=1\nA=2\nbroken line\n"),
    ]);
    let r = concise(t.path(), &["--isolated", "--select", "ENV001,ENV002,PF003"]);
    assert_eq!(heads(&r.stdout), [".env.production:3:8: ENV001"], "{}", r.stdout);
}

#[test]
fn unused_and_unknown_suppressions_are_pf003() {
    let t = tree(&[(
        ".env.production",
        "A=1 # preflight: ignore[ENV002]\nB=1 # preflight: ignore[NOPE42]\n# preflight: ignore-file[env-syntax-error]\n",
    )]);
    let r = concise(t.path(), &["--isolated", "--select", "ENV001,ENV002,PF003"]);
    let lines: Vec<&str> = r.stdout.lines().filter(|l| l.contains(" PF003 ")).collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(
        lines[0].starts_with(".env.production:1:5: PF003 [warning]") && lines[0].contains("`ENV002`"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(".env.production:2:5: PF003")
            && lines[1].contains("NOPE42")
            && lines[1].contains("no such rule"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(".env.production:3:1: PF003") && lines[2].contains("env-syntax-error"),
        "{}",
        lines[2]
    );
    assert_code(&r, 1);
    // PF003 is a rule like the others: --ignore turns it off.
    let r = concise(t.path(), &["--isolated", "--select", "ENV001,ENV002", "--ignore", "PF003"]);
    assert_code(&r, 0);
}

// ---------------------------------------------------------------------------------------------
// --statistics, --quiet
// ---------------------------------------------------------------------------------------------

#[test]
fn statistics_count_per_code() {
    let t = tree(&[(".env.production", "A=1\nA=2\nA=3\nbroken line\n"), (".env.staging", "B=1\nB=2\n")]);
    let r = concise(t.path(), &["--isolated", "--select", "ENV001,ENV002", "--statistics"]);
    let stats: Vec<Vec<&str>> =
        r.stdout.lines().filter(|l| l.contains('\t')).map(|l| l.split('\t').collect()).collect();
    assert_eq!(stats.len(), 2, "{}", r.stdout);
    assert_eq!(stats[0][0].trim(), "1");
    assert_eq!(&stats[0][1..], ["ENV001", "env-syntax-error", "[error]"]);
    assert_eq!(stats[1][0].trim(), "3");
    assert_eq!(&stats[1][1..], ["ENV002", "env-duplicate-key", "[warning]"]);
    assert!(r.stdout.contains("Found 4 problems (1 errors, 3 warnings, 0 infos) in 2 files."), "{}", r.stdout);
}

#[test]
fn quiet_prints_diagnostics_only() {
    let t = tree(&[(".env.production", "A=1\nA=2\n")]);
    let r = concise(t.path(), &["--isolated", "--select", "ENV002", "-q"]);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    let r = concise(t.path(), &["--isolated", "--select", "ENV001", "--quiet"]);
    assert_eq!(r.stdout, "");
}

// ---------------------------------------------------------------------------------------------
// Bad input: PF001, and the other files are still linted
// ---------------------------------------------------------------------------------------------

/// Lints `dir` (which holds a good `ok/.env.production` with a duplicate) and returns the
/// concise lines.
fn lint_beside_good_file(dir: &Path) -> Run {
    write(dir, &[("ok/.env.production", "A=1\nA=2\n")]);
    let mut cmd = preflight(dir);
    cmd.args(["check", "--isolated", "--select", "ENV002,PF001", "--output-format", "concise"]);
    let r = run_with_timeout(cmd);
    assert!(r.stdout.contains("ok/.env.production:2:1: ENV002"), "the other file is still linted:\n{}", r.stdout);
    r
}

fn pf001_line<'a>(r: &'a Run, path: &str) -> &'a str {
    r.stdout
        .lines()
        .find(|l| l.starts_with(&format!("{path}:1:1: PF001 [error] ")))
        .unwrap_or_else(|| panic!("no PF001 on {path}:\n{}", r.stdout))
}

#[test]
fn invalid_utf8_gives_the_byte_offset() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("bad")).unwrap();
    std::fs::write(t.path().join("bad/.env.production"), b"A=1\nB=caf\xe9\n").unwrap();
    let r = lint_beside_good_file(t.path());
    let line = pf001_line(&r, "bad/.env.production");
    assert!(line.contains("invalid UTF-8") && line.contains("byte offset 9"), "{line}");
    assert_code(&r, 1);
}

#[test]
fn nul_bytes_are_pf001() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("bin")).unwrap();
    std::fs::write(t.path().join("bin/.env.production"), b"A=1\nB=\0\0\n").unwrap();
    let r = lint_beside_good_file(t.path());
    let line = pf001_line(&r, "bin/.env.production");
    assert!(line.contains("NUL") && line.contains("byte offset 6"), "{line}");
}

#[test]
fn files_over_the_size_cap_are_skipped_with_pf001() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("big")).unwrap();
    let f = std::fs::File::create(t.path().join("big/.env.production")).unwrap();
    // Sparse: 10 MB + 1 byte without writing them.
    f.set_len(10 * 1024 * 1024 + 1).unwrap();
    let r = lint_beside_good_file(t.path());
    let line = pf001_line(&r, "big/.env.production");
    assert!(line.contains("10 MB"), "{line}");
}

#[test]
fn a_file_exactly_at_the_cap_is_read() {
    let t = tempfile::tempdir().unwrap();
    let mut text = "A=1\nA=2\n".to_string();
    text.push_str(&"#".repeat(10 * 1024 * 1024 - text.len()));
    std::fs::write(t.path().join(".env.production"), &text).unwrap();
    let r = concise(t.path(), &["--isolated", "--select", "ENV002,PF001"]);
    assert_eq!(codes(&r.stdout), ["ENV002"], "{}", r.stdout);
}

#[test]
fn unreadable_files_are_pf001() {
    let t = tempfile::tempdir().unwrap();
    // A dangling symlink cannot be read even by root.
    std::fs::create_dir(t.path().join("dangling")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/preflight-test-target", t.path().join("dangling/.env.production"))
        .unwrap();
    // Permissions stop everyone but root.
    std::fs::create_dir(t.path().join("locked")).unwrap();
    let locked = t.path().join("locked/.env.production");
    std::fs::write(&locked, "A=1\n").unwrap();
    let perms = std::os::unix::fs::PermissionsExt::from_mode(0o000);
    std::fs::set_permissions(&locked, perms).unwrap();
    let root = std::fs::read(&locked).is_ok();

    let r = lint_beside_good_file(t.path());
    let line = pf001_line(&r, "dangling/.env.production");
    assert!(line.contains("cannot read"), "{line}");
    if !root {
        let line = pf001_line(&r, "locked/.env.production");
        assert!(line.contains("permission denied"), "{line}");
    }
    assert_code(&r, 1);
}

#[test]
fn a_fifo_never_hangs_the_run() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("pipe")).unwrap();
    let fifo = t.path().join("pipe/.env.production");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(status.success());
    // Walked: listed, never opened.
    let r = lint_beside_good_file(t.path());
    assert!(pf001_line(&r, "pipe/.env.production").contains("not a regular file"), "{}", r.stdout);
    // Named on the command line: PF001, and the other file is still linted.
    let mut cmd = preflight(t.path());
    cmd.args([
        "check",
        "--isolated",
        "--select",
        "ENV002,PF001",
        "--output-format",
        "concise",
        "pipe/.env.production",
        "ok/.env.production",
    ]);
    let r = run_with_timeout(cmd);
    let line = pf001_line(&r, "pipe/.env.production");
    assert!(line.contains("not a regular file"), "{line}");
    assert!(r.stdout.contains("ok/.env.production:2:1: ENV002"), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------------------------

#[test]
fn json_is_identical_with_one_and_four_threads() {
    let t = tempfile::tempdir().unwrap();
    let envs = ["production", "staging", "local", "test", "prod", "live", "example", "dev", "qa", "release"];
    let mut n = 0;
    for svc in 0..5 {
        for (i, env) in envs.iter().enumerate() {
            let text = format!(
                "# service {svc}\nKEY_{i}=1\nSHARED=a\nbroken line {svc}\nSHARED=b\nKEY_{i}=2 # preflight: ignore[ENV001]\n"
            );
            write(t.path(), &[(&format!("svc{svc}/.env.{env}"), &text)]);
            n += 1;
        }
    }
    write(t.path(), &[("svc0/.env", "X=1\nX=2\n"), ("lone/.env", "Y=1\nY=2\n")]);
    assert!(n + 2 >= 50);
    let json = |threads: &str| {
        let r = run_cmd(preflight(t.path()).env("RAYON_NUM_THREADS", threads).args([
            "check",
            "--isolated",
            "--extend-select",
            "ENV",
            "--output-format",
            "json",
        ]));
        assert_code(&r, 1);
        r.stdout
    };
    let one = json("1");
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert!(v["diagnostics"].as_array().unwrap().len() > 100, "a run with many findings");
    assert_eq!(v["summary"]["files"], 52);
    for _ in 0..2 {
        assert!(one == json("4"), "JSON differs between 1 and 4 threads");
    }
    // Sorted by path, line, column, code.
    let keys: Vec<(String, u64, u64, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["filename"].as_str().unwrap().to_string(),
                d["location"]["row"].as_u64().unwrap(),
                d["location"]["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

/// Runs a check of `dir` in JSON and in the human format (no colour), with `RAYON_NUM_THREADS=1`
/// and with the default thread count, twice each: every run of a format prints the same bytes.
fn assert_output_is_deterministic(dir: &Path) {
    for format in ["json", "human"] {
        let run = |threads: Option<&str>| {
            let mut cmd = preflight(dir);
            if let Some(n) = threads {
                cmd.env("RAYON_NUM_THREADS", n);
            }
            let r = run_cmd(cmd.args(["check", "--isolated", "--output-format", format, "--color", "never"]));
            assert_code(&r, 1);
            r.stdout
        };
        let first = run(Some("1"));
        assert!(first.len() > 1000, "a run with findings:\n{first}");
        for threads in [Some("1"), None, None] {
            assert!(first == run(threads), "{format} output differs between runs (threads: {threads:?})");
        }
    }
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    assert_output_is_deterministic(&support::repo().join("fixtures/projects/gaara-erp"));
    // A larger tree: ten projects, each with settings, env files, a Dockerfile and compose files.
    let t = tempfile::tempdir().unwrap();
    let gaara = support::repo().join("fixtures/projects/gaara-erp");
    for i in 0..10 {
        copy_tree(&gaara, &t.path().join(format!("p{i:02}")));
        write(t.path(), &[(&format!("p{i:02}/.envs/.production/.extra"), &format!("K{i}=1\nK{i}=2\nbroken {i}\n"))]);
    }
    assert_output_is_deterministic(t.path());
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// rules, explain, --version
// ---------------------------------------------------------------------------------------------

#[test]
fn rules_in_every_format() {
    let d = support::repo();
    let text = run(&d, &["rules"]);
    assert_code(&text, 0);
    assert_eq!(text.stdout, run(&d, &["rules", "--format", "text"]).stdout);
    let line = text.stdout.lines().find(|l| l.starts_with("ENV002 ")).expect("ENV002 listed");
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols, ["ENV002", "env-duplicate-key", "ENV", "warning", "on"]);
    assert_eq!(text.stdout.lines().count(), preflight::registry::all().count());

    let json = run(&d, &["rules", "--format", "json"]);
    assert_code(&json, 0);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(rows.len(), preflight::registry::all().count());
    let env001 = rows.iter().find(|r| r["code"] == "ENV001").expect("ENV001");
    assert_eq!(env001["name"], "env-syntax-error");
    assert_eq!(env001["family"], "ENV");
    assert_eq!(env001["severity"], "error");
    assert_eq!(env001["enabled_by_default"], true);
    for r in &rows {
        for key in ["code", "name", "family", "severity", "enabled_by_default", "summary"] {
            assert!(!r[key].is_null(), "{key} missing in {r}");
        }
        if r["code"].as_str().unwrap().starts_with("ENV1") {
            assert_eq!(r["enabled_by_default"], false, "ENV1xx are off by default: {r}");
        }
    }

    let md = run(&d, &["rules", "--format", "markdown"]);
    assert_code(&md, 0);
    assert!(md.stdout.starts_with("| Code | Name |"), "{}", md.stdout);
    assert!(md
        .stdout
        .contains("| [ENV002](rules/ENV002-env-duplicate-key.md) | env-duplicate-key | ENV | warning | on |"));
}

#[test]
fn explain_by_code_or_name() {
    let d = support::repo();
    let by_code = run(&d, &["explain", "ENV002"]);
    assert_code(&by_code, 0);
    assert!(
        by_code.stdout.contains("code: ENV002") && by_code.stdout.contains("## What it does"),
        "{}",
        by_code.stdout
    );
    let by_name = run(&d, &["explain", "env-duplicate-key"]);
    assert_eq!(by_code.stdout, by_name.stdout);
    assert_eq!(by_code.stdout, run(&d, &["explain", "env002"]).stdout);
    for unknown in ["ENV999X", "no-such-rule", "ENV"] {
        let r = run(&d, &["explain", unknown]);
        assert_one_line_error(&r);
        assert!(r.stderr.contains(unknown), "{}", r.stderr);
    }
}

#[test]
fn version() {
    let r = run(&support::repo(), &["--version"]);
    assert_code(&r, 0);
    assert_eq!(r.stdout.trim_end(), format!("preflight {}", env!("CARGO_PKG_VERSION")));
}

// ---------------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------------

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let t = tree(&[(".env.production", DUP_AND_BROKEN)]);
    let human = |env: Option<(&str, &str)>, extra: &[&str]| {
        let mut cmd = preflight(t.path());
        cmd.args(["check", "--isolated", "--select", "ENV001,ENV002"]).args(extra);
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let r = run_cmd(&mut cmd);
        assert_code(&r, 1);
        assert!(r.stdout.contains("ENV002"), "{}", r.stdout);
        r.stdout
    };
    // Piped (not a terminal): plain.
    let piped = human(None, &[]);
    assert!(!piped.contains('\x1b'), "no ANSI escapes when piped:\n{piped}");
    let no_color = human(Some(("NO_COLOR", "1")), &[]);
    assert!(!no_color.contains('\x1b'), "no ANSI escapes with NO_COLOR");
    let never = human(None, &["--color=never"]);
    assert!(!never.contains('\x1b'));
    let always = human(None, &["--color", "always"]);
    assert!(always.contains("\x1b["), "--color always colours:\n{always}");
    // The same text once the escapes are gone (links aside, which colour mode adds).
    assert!(piped.contains("`preflight explain ENV002` tells more"), "{piped}");
}

/// A named file is linted in its project's context (the root holding `manage.py`): the settings
/// it belongs to are evaluated under the production env files, and only findings in it, or about
/// it from another file (a related location in it), are reported.
#[test]
fn a_named_file_is_linted_in_its_project_context() {
    let t = support::copy_tree(&support::repo().join("fixtures/projects/gaara-erp"));
    let r = concise(t.path().join("gaara_erp").as_path(), &["--isolated", "settings/production.py"]);
    assert_code(&r, 1);
    let heads = heads(&r.stdout);
    assert!(heads.contains(&"settings/production.py:56:23: DJ010".to_string()), "{}", r.stdout);
    // SECURE_SSL_REDIRECT=False comes from the env file; production.py reads it.
    assert!(heads.iter().any(|h| h.ends_with("/.envs/.production/.django:13:28: DJ009")), "{}", r.stdout);
    assert!(heads.iter().all(|h| h.starts_with("settings/") || h.contains("DJ0")), "{}", r.stdout);
    assert!(!r.stdout.contains("docker-compose.production.yml"), "{}", r.stdout);
    // Evaluated once, as the module production loads (not on its own as `settings.production`).
    let mut unique = heads.clone();
    unique.dedup();
    assert_eq!(unique, heads, "{}", r.stdout);
}

#[test]
fn single_file_rules_on_a_named_file_read_no_project_context() {
    // `--select ENV1` (dotenv-linter's checks) judges each file alone: the project around a named
    // file is not walked, so the run costs what the file costs.
    let t = support::copy_tree(&support::repo().join("fixtures/projects/gaara-erp"));
    let r = concise(t.path(), &["--isolated", "--select", "ENV002,ENV1", "--show-files", ".envs/.production/.django"]);
    let seen: Vec<&str> = r.stdout.lines().filter(|l| l.contains('\t')).collect();
    assert_eq!(seen.len(), 1, "{}", r.stdout);
    assert!(r.stdout.contains("ENV002"), "{}", r.stdout);
    // A cross-file rule brings the project back.
    let r =
        concise(t.path(), &["--isolated", "--select", "ENV002,ENV004", "--show-files", ".envs/.production/.django"]);
    let seen = r.stdout.lines().filter(|l| l.contains('\t')).count();
    assert!(seen > 1, "{}", r.stdout);
}
