//! Helpers shared by the end-to-end tests (`tests/cli.rs`, `tests/formats.rs`): running the real
//! binary, building input trees, and a Python venv with `jsonschema` for SARIF validation.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use assert_cmd::cargo::CommandCargoExt;

/// The repository root (where `Cargo.toml` is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `preflight` from this build, run in `dir`, with an environment that cannot change its output
/// (no colour variables, no thread count) unless a test sets them.
pub fn preflight(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("preflight").expect("the preflight binary is built");
    cmd.current_dir(dir);
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "RAYON_NUM_THREADS", "TERM"] {
        cmd.env_remove(var);
    }
    cmd
}

/// The result of a run, with its output as text.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `preflight ARGS` in `dir` and captures everything.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    run_cmd(preflight(dir).args(args))
}

pub fn run_cmd(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("preflight runs");
    Run {
        code: out.status.code().expect("preflight exited (no signal)"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs a command that must finish within `WATCHDOG` (a FIFO, a bomb or a loop must never hang a
/// run): past it the process is killed and the test fails. Output is drained while it runs, so a
/// large report cannot block on a full pipe.
pub fn run_with_timeout(mut cmd: Command) -> Run {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn preflight");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            String::from_utf8(buf).expect("output is UTF-8")
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let deadline = std::time::Instant::now() + WATCHDOG;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("preflight did not finish within {} s", WATCHDOG.as_secs());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Run {
        code: status.code().expect("preflight exited (no signal)"),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// How long [`run_with_timeout`] waits.
pub const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(30);

/// A temporary folder holding `files` (`(relative path, contents)`); parents are created.
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), files);
    dir
}

/// Writes `files` below `root`, creating parent folders.
pub fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("create folders");
        std::fs::write(&p, text).expect("write file");
    }
}

/// The `file:line:col: CODE` heads of concise output, sorted as printed.
pub fn heads(concise: &str) -> Vec<String> {
    concise
        .lines()
        .filter(|l| !l.starts_with("Found ") && !l.starts_with("All checks passed"))
        .filter_map(|l| {
            let mut parts = l.splitn(4, ' ');
            let loc = parts.next()?;
            let code = parts.next()?;
            Some(format!("{loc} {code}"))
        })
        .collect()
}

/// The codes in concise output, in order.
pub fn codes(concise: &str) -> Vec<String> {
    heads(concise).iter().map(|h| h.rsplit(' ').next().unwrap_or_default().to_string()).collect()
}

/// True when a rule with this code is registered (other rules arrive while tests are written:
/// a test that needs one says so and skips until it exists).
pub fn registered(code: &str) -> bool {
    preflight::registry::find(code).is_some()
}

/// A Python interpreter in a venv under `target/test-venv` with `jsonschema` (and the format
/// checkers it uses for `uri`/`uri-reference`) installed.
pub fn python_with_jsonschema() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            python_venv("test-venv", &["jsonschema[format-nongpl]>=4.18,<5"], "import jsonschema, rfc3986_validator")
        })
        .clone()
}

/// A Python interpreter in a venv `target/<name>` with `packages` installed: created on first use
/// with `python3 -m venv` + `pip install`, the only network access of the test suite (PyPI).
/// `check` is Python code that succeeds once the packages are importable.
///
/// Safe when several test binaries or threads ask at once: the venv is built in a private
/// folder and renamed into place; a loser of the race throws its copy away.
pub fn python_venv(name: &str, packages: &[&str], check: &str) -> PathBuf {
    // CARGO_TARGET_TMPDIR is `<target>/tmp`.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").to_path_buf();
    let venv = target.join(name);
    let ready = |python: &Path| {
        python.is_file() && Command::new(python).args(["-c", check]).output().is_ok_and(|o| o.status.success())
    };
    if ready(&venv_python(&venv)) {
        return venv_python(&venv);
    }
    // Private to this process and call (two threads of one test binary may ask at once).
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let staging = target.join(format!("{name}.tmp-{}-{call}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let status = Command::new(&python).args(["-m", "venv"]).arg(&staging).status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "`{python} -m venv {}` failed: this test needs Python 3 with venv",
        staging.display()
    );
    let pip = Command::new(venv_python(&staging))
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input"])
        .args(packages)
        .status();
    assert!(pip.is_ok_and(|s| s.success()), "pip install {packages:?} into {} failed", staging.display());
    // A venv's scripts name its own path: rename keeps `bin/python` (a symlink to the base
    // interpreter) working, and `python -m pip`/`-c` never read the scripts' shebangs.
    if std::fs::rename(&staging, &venv).is_err() {
        // Another process won, or a broken venv is in the way.
        if !ready(&venv_python(&venv)) {
            let _ = std::fs::remove_dir_all(&venv);
            if std::fs::rename(&staging, &venv).is_err() {
                // Someone else is mid-rename: use ours where it is.
                return venv_python(&staging);
            }
        }
        let _ = std::fs::remove_dir_all(&staging);
    }
    let python = venv_python(&venv);
    assert!(ready(&python), "{packages:?} not importable from {}", python.display());
    python
}

fn venv_python(venv: &Path) -> PathBuf {
    venv.join("bin").join("python")
}

/// Validates `instance` (a JSON document) against the JSON schema at `schema`, with format
/// checks; returns the error messages (empty when valid).
pub fn schema_errors(schema: &Path, instance: &str) -> Vec<String> {
    let python = python_with_jsonschema();
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = dir.path().join("instance.json");
    std::fs::write(&doc, instance).expect("write instance");
    let script = r#"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
doc = json.load(open(sys.argv[2], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
# Every format jsonschema knows, not only draft-04's: SARIF's `uri-reference` is checked too.
validator = cls(schema, format_checker=jsonschema.FormatChecker())
errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    print("/".join(str(p) for p in e.absolute_path) + ": " + e.message)
print("validator:", cls.__name__, file=sys.stderr)
"#;
    let out = Command::new(&python).arg("-c").arg(script).arg(schema).arg(&doc).output().expect("python runs");
    assert!(out.status.success(), "the validator failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

/// A temporary copy of the folder `from` (hidden files included).
pub fn copy_tree(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_into(from, dir.path());
    dir
}

/// Copies the folder `from` into `to` recursively.
pub fn copy_into(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder").map(|e| e.expect("entry")) {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().expect("file type").is_dir() {
            copy_into(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).expect("copy file");
        }
    }
}
