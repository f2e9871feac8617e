//! DEP010 app-server-workers-default: a production gunicorn or uvicorn command (compose
//! `command:`/`entrypoint:`, Dockerfile CMD/ENTRYPOINT of the stage that runs) sets no worker
//! count, so the server runs one worker process (checklist section 8). A worker count is
//! `-w`/`--workers`, `WEB_CONCURRENCY` in the environment the process starts with (both servers
//! read it), `-w`/`--workers` in `GUNICORN_CMD_ARGS`, or `workers =` in the gunicorn config file
//! the command loads (`-c`, or the default `gunicorn.conf.py`), read by the deployment model. A
//! config file named but not found in the tree may set it: silent. Production Procfile process
//! lines are judged too; a Procfile has no environment, so only the flags or a `-c` file count.

use super::commands::{procfile_commands, production_commands, Site};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::deployment::add_dockerfile_env;
use crate::project::{Parsed, Project};
use crate::registry::{Check, Family, Rule, Scope};
use crate::rules::docker::{basename, command_index, CmdWord};
use crate::settings::Environment;
use crate::source::FileId;

pub const RULE: Rule = Rule {
    code: "DEP010",
    name: "app-server-workers-default",
    family: Family::Deployment,
    severity: Severity::Info,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A production gunicorn/uvicorn command sets no worker count",
    check: Check::Project(check),
};

const HELP: &str = "set the worker count: `--workers 4` (gunicorn suggests 2-4 per CPU core), \
                    `WEB_CONCURRENCY` in the service environment, or `workers = ...` in the gunicorn \
                    config file";

const PROCFILE_HELP: &str = "set the worker count in the command: `--workers 4` (gunicorn suggests 2-4 per \
                             CPU core), or `workers = ...` in a gunicorn config file it loads with `-c`";

/// The `gunicorn`/`uvicorn` word of a command: run directly, as `python -m`, or through a
/// runner (`poetry run`, `uv run`, `ddtrace-run`, `newrelic-admin run-program`, `gosu user`).
fn server_word(words: &[CmdWord]) -> Option<usize> {
    let mut i = command_index(words)?;
    loop {
        let w = words.get(i)?.text.as_str();
        match basename(w) {
            "gunicorn" | "uvicorn" => return Some(i),
            p if p.starts_with("python") => {
                let m = (i + 1..words.len()).find(|&j| words[j].text == "-m")?;
                let j = m + 1;
                return matches!(words.get(j)?.text.as_str(), "gunicorn" | "uvicorn").then_some(j);
            }
            "poetry" | "pipenv" | "uv" | "pdm" | "hatch" | "rye" => {
                if words.get(i + 1)?.text != "run" {
                    return None;
                }
                i += 2;
            }
            "newrelic-admin" => {
                if words.get(i + 1)?.text != "run-program" {
                    return None;
                }
                i += 2;
            }
            "ddtrace-run" | "opentelemetry-instrument" | "dumb-init" | "tini" | "exec" => i += 1,
            "gosu" | "su-exec" => i += 2,
            _ => return None,
        }
        while words.get(i).is_some_and(|w| w.text.starts_with('-')) {
            i += 1;
        }
    }
}

/// Whether the arguments set a worker count (`-w 4`, `-w4`, `--workers=3`).
fn sets_workers<S: AsRef<str>>(args: &[S], gunicorn: bool) -> bool {
    args.iter().any(|a| {
        let a = a.as_ref();
        a == "--workers"
            || a.starts_with("--workers=")
            || (gunicorn && a.strip_prefix("-w").is_some_and(|r| r.bytes().all(|b| b.is_ascii_digit())))
    })
}

/// The config file a gunicorn command names (`-c x`, `-cx`, `--config x`, `--config=x`).
fn config_arg(args: &[String]) -> Option<&str> {
    for (i, a) in args.iter().enumerate() {
        if a == "-c" || a == "--config" {
            return args.get(i + 1).map(String::as_str);
        }
        if let Some(v) = a.strip_prefix("--config=") {
            return Some(v);
        }
        if let Some(v) = a.strip_prefix("-c").filter(|v| !v.is_empty()) {
            return Some(v);
        }
    }
    None
}

/// Whether an environment sets the worker count.
fn env_sets_workers(env: &Environment) -> bool {
    if env.get("WEB_CONCURRENCY").is_some() {
        return true;
    }
    env.get("GUNICORN_CMD_ARGS").is_some_and(|v| match &v.value {
        crate::settings::EnvValue::Set(s) => sets_workers(&s.split_whitespace().collect::<Vec<_>>(), true),
        _ => true,
    })
}

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    let dep = &project.deployment;
    let mut found_all = production_commands(project, &server_word);
    found_all.extend(procfile_commands(project, &server_word));
    for found in found_all {
        let program = basename(&found.words[found.index]).to_string();
        let gunicorn = program == "gunicorn";
        let args = &found.words[found.index + 1..];
        if sets_workers(args, gunicorn) {
            continue;
        }
        // `WEB_CONCURRENCY=4 gunicorn ...`.
        if found.words[..found.index].iter().any(|w| w.starts_with("WEB_CONCURRENCY=")) {
            continue;
        }
        // The environment the process starts with, and the files its config may be read from.
        let mut files: Vec<FileId> = vec![found.span.file];
        let (env_ok, subject) = match found.site {
            Site::Service { link, key } => {
                let l = &dep.services[link];
                files.extend(l.dockerfile);
                (env_sets_workers(&l.env), format!("service `{}` (its `{key}:`)", l.name))
            }
            Site::Image { file, stage, keyword } => {
                let links: Vec<_> = dep.built_from(file).filter(|l| l.stage == Some(stage)).collect();
                let ok = if links.is_empty() {
                    let mut env = Environment::new();
                    if let Parsed::Dockerfile(m) = &project.files[file].parsed {
                        add_dockerfile_env(&mut env, m, stage, &project.files[file]);
                    }
                    env_sets_workers(&env)
                } else {
                    links.iter().all(|l| env_sets_workers(&l.env))
                };
                (ok, format!("the image's {keyword}"))
            }
            // A Procfile has no environment of its own: only the command or its `-c` file count.
            Site::Procfile { file, line } => {
                let f = &project.files[file];
                let name = match &f.parsed {
                    Parsed::Procfile(lines) => lines.get(line).and_then(|(n, _)| f.source.text.get(n.clone())),
                    _ => None,
                };
                (false, format!("the Procfile's `{}:` process", name.unwrap_or("?")))
            }
        };
        if env_ok {
            continue;
        }
        let mut config_note = String::new();
        if gunicorn {
            let named = config_arg(args);
            let written = named.unwrap_or("gunicorn.conf.py");
            let config = files.iter().find_map(|&f| dep.gunicorn_config(f, written));
            match (named, config) {
                (_, Some(c)) if c.sets_workers => continue,
                // Named but not in the tree: it may set the count.
                (Some(_), None) => continue,
                (_, Some(c)) => {
                    let shown = crate::check::display_relative(&c.path).display().to_string();
                    config_note = format!(" (its config file `{shown}` sets no `workers`)");
                }
                _ => {}
            }
        }
        let what = if gunicorn { "one worker process" } else { "a single process" };
        out.push(
            Diagnostic::new(
                &RULE,
                found.span,
                format!(
                    "{subject} starts {program} with no worker count{config_note}: it runs {what} by \
                     default (deployment checklist, section 8)"
                ),
            )
            .with_label(format!("{program} with default workers"))
            .with_help(if matches!(found.site, Site::Procfile { .. }) { PROCFILE_HELP } else { HELP }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<CmdWord> {
        s.split(' ').map(|t| CmdWord { text: t.to_string(), span: 0..0 }).collect()
    }

    #[test]
    fn finds_servers_and_worker_counts() {
        assert_eq!(server_word(&words("gunicorn config.wsgi")), Some(0));
        assert_eq!(server_word(&words("exec /usr/local/bin/gunicorn config.wsgi")), Some(1));
        assert_eq!(server_word(&words("python -m uvicorn config.asgi:application")), Some(2));
        assert_eq!(server_word(&words("poetry run gunicorn x")), Some(2));
        assert_eq!(server_word(&words("newrelic-admin run-program gunicorn x")), Some(2));
        assert_eq!(server_word(&words("echo gunicorn")), None);
        assert_eq!(server_word(&words("python manage.py migrate")), None);
        assert!(sets_workers(&["-w", "4"], true));
        assert!(sets_workers(&["-w4"], true));
        assert!(sets_workers(&["--workers=3"], false));
        assert!(!sets_workers(&["-w", "4"], false));
        assert!(!sets_workers(&["--worker-class", "gevent"], true));
        let a = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(config_arg(&a("-c gunicorn.py x")), Some("gunicorn.py"));
        assert_eq!(config_arg(&a("--config=python:conf.gunicorn x")), Some("python:conf.gunicorn"));
        assert_eq!(config_arg(&a("x --bind :8000")), None);
    }
}
