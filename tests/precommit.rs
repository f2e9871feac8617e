//! The pre-commit hook (`.pre-commit-hooks.yaml`) run by real pre-commit (PyPI, installed into
//! `target/precommit-venv`) in temporary git repositories.
//!
//! The published hook says `language: python`: pre-commit would build the `preflight-lint`
//! wheel from source with maturin, a release build of several minutes in pre-commit's own
//! uncached environment. So `try-repo` runs a copy of the manifest whose only change is
//! `language: system`, with this build's `preflight` on PATH: it tests the hook's id, entry,
//! `files` pattern and filename passing; `tests/packaging.rs` tests the wheel itself. The
//! published manifest itself (`language: python`) was run by hand with `pre-commit try-repo` on
//! the sample project: pre-commit built and installed the wheel in 367 s on a busy 2-core machine
//! (152 s on a second try-repo, which reinstalls), then reported the same 39 findings.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{copy_into, python_venv, repo, Run};

/// `python -m pre_commit` (a venv's scripts name the folder it was built in, before the rename).
fn pre_commit() -> Command {
    let mut cmd = Command::new(python_venv("precommit-venv", &["pre-commit>=3,<5"], "import pre_commit"));
    cmd.args(["-m", "pre_commit"]);
    cmd
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").args(args).current_dir(dir).output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A git repository in a temp folder holding `files` from `from`, all committed.
fn git_repo(fill: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fill(dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A"]);
    git(dir.path(), &["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init"]);
    dir
}

/// The directory holding this build's `preflight`.
fn bin_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_preflight")).parent().expect("bin dir").to_path_buf()
}

/// Runs pre-commit in `dir` with this build's `preflight` first on PATH and its own cache.
fn run_pre_commit(dir: &Path, args: &[&str]) -> Run {
    let path = std::env::join_paths(
        std::iter::once(bin_dir()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .expect("PATH");
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-cache");
    let out = pre_commit()
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", cache)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env_remove("NO_COLOR")
        .output()
        .expect("pre-commit runs");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn manifest() -> String {
    std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).expect("the hook manifest")
}

/// The sample project as a git repository.
fn project_repo() -> tempfile::TempDir {
    git_repo(|dir| copy_into(&repo().join("fixtures/projects/gaara-erp"), dir))
}

#[test]
fn the_manifest_declares_the_hook() {
    let m = manifest();
    for line in [
        "- id: preflight",
        "  entry: preflight check",
        "  language: python",
        "  pass_filenames: true",
        "  require_serial: true",
    ] {
        assert!(m.lines().any(|l| l == line), "`{line}` in .pre-commit-hooks.yaml:\n{m}");
    }
}

#[test]
fn try_repo_runs_the_hook_on_all_files() {
    let hook_repo = git_repo(|dir| {
        let m = manifest().replace("  language: python\n", "  language: system\n");
        std::fs::write(dir.join(".pre-commit-hooks.yaml"), m).expect("write manifest");
    });
    let project = project_repo();
    let hook = hook_repo.path().to_str().expect("UTF-8 path");
    let r = run_pre_commit(project.path(), &["try-repo", hook, "preflight", "--all-files", "--color", "never"]);
    assert_eq!(r.code, 1, "findings fail the hook:\n{}\n{}", r.stdout, r.stderr);
    for finding in [
        "ENV002(env-duplicate-key)",
        "[.envs/.production/.django:46:1]",
        "[docker-compose.production.yml:44:3]",
        "[gaara_erp/settings/production.py:56:23]",
        "[Dockerfile:",
    ] {
        assert!(r.stdout.contains(finding), "{finding} reported:\n{}", r.stdout);
    }
}

/// A staged change is checked in its project's context, and only its own findings fail it.
#[test]
fn a_staged_change_reports_only_its_findings() {
    let project = project_repo();
    let filter =
        manifest().lines().find_map(|l| l.strip_prefix("  files: ")).expect("a files pattern").replace('\'', "''");
    let config = format!(
        "repos:\n- repo: local\n  hooks:\n  - id: preflight\n    name: preflight\n    entry: {} check\n    language: system\n    files: '{filter}'\n    pass_filenames: true\n    require_serial: true\n",
        env!("CARGO_BIN_EXE_preflight")
    );
    std::fs::write(project.path().join(".pre-commit-config.yaml"), config).expect("write config");
    git(project.path(), &["add", ".pre-commit-config.yaml"]);

    // A harmless change to a development compose file: the project's other findings stay quiet.
    let compose = project.path().join("docker-compose.yml");
    let text = std::fs::read_to_string(&compose).expect("read");
    std::fs::write(&compose, format!("# local stack\n{text}")).expect("write");
    git(project.path(), &["add", "docker-compose.yml"]);
    let r = run_pre_commit(project.path(), &["run", "--color", "never"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("preflight") && r.stdout.contains("Passed"), "{}", r.stdout);

    // A duplicate key in the production env file: the new finding, and that file's old ones.
    let env = project.path().join(".envs/.production/.postgres");
    let text = std::fs::read_to_string(&env).expect("read");
    std::fs::write(&env, format!("{text}POSTGRES_DB=again\n")).expect("write");
    git(project.path(), &["add", ".envs/.production/.postgres"]);
    let r = run_pre_commit(project.path(), &["run", "--color", "never"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("[.envs/.production/.postgres:8:1]"), "{}", r.stdout);
    assert!(r.stdout.contains("ENV002(env-duplicate-key)"), "{}", r.stdout);
    assert!(r.stdout.contains("Found 2 problems"), "the new finding and ENV003:\n{}", r.stdout);
    assert!(!r.stdout.contains("[docker-compose.production.yml:"), "context files report nothing:\n{}", r.stdout);
}
