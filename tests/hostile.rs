//! Hostile input (issue 9): every case ends within the watchdog, with a diagnostic on the hostile
//! file, and the other files are still linted. Each test puts a normal file with a known finding
//! (`ok/.env.production`: a duplicate key, ENV002) beside the hostile one and runs the real
//! binary with `--output-format json`.

mod support;

use std::path::Path;

use serde_json::Value;
use support::{preflight, run_with_timeout, write, Run};

/// The normal file and the finding it must still get.
const GOOD: (&str, &str) = ("ok/.env.production", "A=1\nA=2\n");
const GOOD_CODE: &str = "ENV002";

/// A Django project whose production settings module is `config/settings/production.py`.
const MANAGE_PY: &str = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.production')\n";
const SETTINGS: &str = "config/settings/production.py";

/// The diagnostics of one run: `(filename, code, message)`.
struct Findings {
    run: Run,
    all: Vec<(String, String, String)>,
}

impl Findings {
    /// The findings on `path`, as `CODE: message` lines.
    fn on(&self, path: &str) -> Vec<String> {
        self.all.iter().filter(|(f, _, _)| f == path).map(|(_, c, m)| format!("{c}: {m}")).collect()
    }

    /// Asserts a finding of `code` on `path` whose message contains `needle`.
    fn assert_has(&self, path: &str, code: &str, needle: &str) {
        let found = self.all.iter().any(|(f, c, m)| f == path && c == code && m.contains(needle));
        assert!(found, "no {code} with {needle:?} on {path}; findings there: {:#?}", self.on(path));
    }
}

/// Lints `dir` (after adding the normal file) in JSON under the watchdog, with `args` after
/// `check --isolated --output-format json`; asserts the normal file's finding is reported.
fn lint(dir: &Path, args: &[&str]) -> Findings {
    lint_with(preflight(dir), dir, args)
}

/// [`lint`] with the command to run (`preflight`, or `preflight` as another user).
fn lint_with(mut cmd: std::process::Command, dir: &Path, args: &[&str]) -> Findings {
    write(dir, &[GOOD]);
    cmd.args(["check", "--isolated", "--output-format", "json"]).args(args);
    let run = run_with_timeout(cmd);
    assert!(matches!(run.code, 0 | 1), "exit code {}\n--- stderr\n{}", run.code, run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("JSON output: {e}\n{}", run.stderr));
    let all: Vec<(String, String, String)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            (s("filename"), s("code"), s("message"))
        })
        .collect();
    let findings = Findings { run, all };
    assert!(
        findings.on(GOOD.0).iter().any(|l| l.starts_with(GOOD_CODE)),
        "the normal file is still linted: {:#?}\n--- stderr\n{}",
        findings.all,
        findings.run.stderr
    );
    findings
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// A settings project whose production module is `settings` (plus `extra` files).
fn settings_project(dir: &Path, settings: &str, extra: &[(&str, &str)]) {
    write(dir, &[("manage.py", MANAGE_PY), ("config/__init__.py", ""), ("config/settings/__init__.py", "")]);
    write(dir, &[(SETTINGS, settings)]);
    write(dir, extra);
}

/// Writes `len` bytes to `path` without holding them in memory: `head`, then `fill` repeated.
fn write_big(path: &Path, head: &[u8], fill: u8, len: usize) {
    use std::io::Write;
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    f.write_all(head).expect("write");
    let chunk = vec![fill; 1 << 20];
    let mut left = len - head.len();
    while left > 0 {
        let n = left.min(chunk.len());
        f.write_all(&chunk[..n]).expect("write");
        left -= n;
    }
    f.flush().expect("flush");
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { geteuid() == 0 }
}

extern "C" {
    fn geteuid() -> u32;
}

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------

#[test]
fn a_yaml_alias_bomb_is_one_compose_error() {
    let t = tempdir();
    let mut bomb =
        String::from("x-a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(", ");
        bomb.push_str(&format!("x-{}: &{} [{refs}]\n", w[1], w[1]));
    }
    bomb.push_str("services:\n  web:\n    image: shop/web:1.0\n    command: *i\n");
    write(t.path(), &[("docker-compose.prod.yml", &bomb)]);
    let f = lint(t.path(), &[]);
    f.assert_has("docker-compose.prod.yml", "DC012", "alias expansion limit exceeded");
}

// ---------------------------------------------------------------------------------------------
// Size
// ---------------------------------------------------------------------------------------------

const HUNDRED_MB: usize = 100 * 1024 * 1024;

#[test]
fn a_100_mb_single_line_env_file_is_skipped() {
    let t = tempdir();
    write_big(&t.path().join("big/.env.production"), b"SECRET_KEY=", b'x', HUNDRED_MB);
    let f = lint(t.path(), &[]);
    f.assert_has("big/.env.production", "PF001", "over the 10 MB limit");
}

#[test]
fn a_100_mb_single_line_settings_module_is_skipped() {
    let t = tempdir();
    settings_project(t.path(), "", &[]);
    write_big(&t.path().join(SETTINGS), b"SECRET_KEY = '", b'x', HUNDRED_MB);
    let f = lint(t.path(), &[]);
    f.assert_has(SETTINGS, "PF001", "over the 10 MB limit");
}

// ---------------------------------------------------------------------------------------------
// Settings evaluation
// ---------------------------------------------------------------------------------------------

#[test]
fn fifty_thousand_nested_parentheses_do_not_overflow_the_stack() {
    let t = tempdir();
    let depth = 50_000;
    let settings = format!("DEBUG = {}True{}\nSECRET_KEY = 'x'\n", "(".repeat(depth), ")".repeat(depth));
    settings_project(t.path(), &settings, &[]);
    let f = lint(t.path(), &[]);
    f.assert_has(SETTINGS, "DJ031", "nested too deeply");
}

#[test]
fn a_settings_module_that_star_imports_itself_is_a_cycle() {
    let t = tempdir();
    settings_project(t.path(), "from .production import *\nDEBUG = True\n", &[]);
    let f = lint(t.path(), &[]);
    f.assert_has(SETTINGS, "DJ031", "cycle");
}

// ---------------------------------------------------------------------------------------------
// Bytes that are not text
// ---------------------------------------------------------------------------------------------

#[test]
fn nul_bytes_in_every_kind_are_pf001() {
    let t = tempdir();
    let files: [(&str, &[u8]); 3] =
        [("bin/.env.production", b"A=1\0\n"), ("bin/Dockerfile", b"FROM x\0\n"), ("bin/docker-compose.yml", b"\0")];
    for (path, bytes) in files {
        write_big(&t.path().join(path), bytes, 0, bytes.len());
    }
    let f = lint(t.path(), &[]);
    for (path, _) in files {
        f.assert_has(path, "PF001", "NUL byte");
    }
}

#[test]
fn invalid_utf8_in_a_settings_module_is_pf001() {
    let t = tempdir();
    settings_project(t.path(), "", &[]);
    std::fs::write(t.path().join(SETTINGS), b"DEBUG = True\nNAME = 'caf\xe9'\n").unwrap();
    std::fs::write(t.path().join("ok.Dockerfile"), b"FROM \xff\xfe\n").unwrap();
    let f = lint(t.path(), &[]);
    f.assert_has(SETTINGS, "PF001", "invalid UTF-8 at byte offset 24");
}

// ---------------------------------------------------------------------------------------------
// Special files
// ---------------------------------------------------------------------------------------------

#[test]
fn symlink_loops_end() {
    let t = tempdir();
    let d = t.path();
    std::fs::create_dir_all(d.join("loop")).unwrap();
    // A file that points at itself through another, and a folder that contains itself.
    std::os::unix::fs::symlink("b.env.production", d.join("loop/.env.production")).unwrap();
    std::os::unix::fs::symlink(".env.production", d.join("loop/b.env.production")).unwrap();
    std::os::unix::fs::symlink("..", d.join("loop/again")).unwrap();
    let f = lint(d, &[]);
    f.assert_has("loop/.env.production", "PF001", "cannot read this file");
    // Named on the command line, the folder loop is walked once.
    let f = lint(d, &["loop", "ok"]);
    f.assert_has("loop/.env.production", "PF001", "cannot read this file");
}

#[test]
fn a_symlink_to_dev_zero_named_env_is_never_read() {
    let t = tempdir();
    std::fs::create_dir_all(t.path().join("zero")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", t.path().join("zero/.env")).unwrap();
    let f = lint(t.path(), &[]);
    f.assert_has("zero/.env", "PF001", "not a regular file");
    let f = lint(t.path(), &["zero/.env", "ok"]);
    f.assert_has("zero/.env", "PF001", "not a regular file");
}

#[test]
fn a_fifo_named_dockerfile_is_never_opened() {
    let t = tempdir();
    std::fs::create_dir_all(t.path().join("pipe")).unwrap();
    let fifo = t.path().join("pipe/Dockerfile");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(status.success());
    let f = lint(t.path(), &[]);
    f.assert_has("pipe/Dockerfile", "PF001", "not a regular file");
}

/// `preflight` run as the unprivileged user `nobody` through `setpriv` (root reads any folder,
/// whatever its permissions); None when that cannot run (no `setpriv`, or a binary under a folder
/// `nobody` may not enter).
fn preflight_as_nobody(dir: &Path) -> Option<std::process::Command> {
    let as_nobody = || {
        let mut cmd = std::process::Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_preflight")]);
        cmd.current_dir(dir);
        cmd
    };
    let runs = as_nobody().arg("--version").output().is_ok_and(|o| o.status.success());
    runs.then(as_nobody)
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(mode)).expect("chmod");
}

#[test]
fn a_folder_without_read_permission_is_pf001() {
    let t = tempdir();
    write(t.path(), &[("locked/.env.production", "A=1\n"), GOOD]);
    set_mode(t.path(), 0o755);
    set_mode(&t.path().join("locked"), 0o000);
    let cmd = if is_root() { preflight_as_nobody(t.path()) } else { Some(preflight(t.path())) };
    match cmd {
        Some(cmd) => {
            lint_with(cmd, t.path(), &[]).assert_has("locked", "PF001", "cannot read this folder: permission denied")
        }
        None => eprintln!("note: running as root, and `setpriv` cannot run preflight as nobody: skipped"),
    }
    set_mode(&t.path().join("locked"), 0o755);
}

// ---------------------------------------------------------------------------------------------
// Many findings
// ---------------------------------------------------------------------------------------------

/// 100,000 duplicate keys in one file: 100,000 ENV002 findings, rendered by miette in linear time
/// (the watchdog bounds it; `scripts/bench-findings.sh` measures the scaling).
#[test]
fn a_hundred_thousand_findings_render_in_the_human_format() {
    let t = tempdir();
    let n = 100_000;
    let text = "A=1\n".repeat(n + 1);
    write(t.path(), &[("many/.env.production", &text)]);
    let f = lint(t.path(), &["--select", "ENV002"]);
    assert_eq!(f.on("many/.env.production").len(), n);
    write(t.path(), &[GOOD]);
    let mut cmd = preflight(t.path());
    cmd.args(["check", "--isolated", "--select", "ENV002", "--output-format", "human", "--color", "never"]);
    let run = run_with_timeout(cmd);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout.matches("preflight explain ENV002").count(), n + 1, "every finding rendered");
}
