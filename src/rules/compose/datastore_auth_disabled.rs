//! DC013 datastore-auth-disabled: a database or cache service runs without authentication:
//! - `POSTGRES_HOST_AUTH_METHOD=trust` (the official postgres image then accepts any password, or
//!   none, from every host);
//! - `MYSQL_ALLOW_EMPTY_PASSWORD`, `MARIADB_ALLOW_EMPTY_ROOT_PASSWORD` or Bitnami's
//!   `ALLOW_EMPTY_PASSWORD` set to yes/true/1/on;
//! - a service of the official redis (or valkey) image whose command and entrypoint pass no
//!   `--requirepass` or `--aclfile`, with no `REDIS_PASSWORD`/`REDIS_ARGS` in its environment and
//!   no config file (a `.conf` argument or a volume mounted on a `.conf` file or redis' config
//!   folder), which may set `requirepass` itself.
//!
//! Variables are read from `environment:` and from the service's `env_file:`s found in the
//! project. A value Preflight cannot know (`${VAR}` that nothing sets) is not judged.

use super::with_origin;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::compose::Service;
use crate::project::{ComposeCtx, Parsed};
use crate::registry::{Check, Family, Rule, Scope};
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: "DC013",
    name: "datastore-auth-disabled",
    family: Family::Compose,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A database/cache service runs without authentication (trust auth, empty password, redis without one)",
    check: Check::Compose(check),
};

/// One environment variable of the service: its value (None when unknown) and where it is set.
struct Var {
    key: String,
    value: Option<String>,
    span: Span,
    via: Vec<crate::parse::compose::yaml::Via>,
}

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    let vars = variables(ctx);
    let mut reported = false;
    for v in &vars {
        let Some(value) = v.value.as_deref().map(str::trim) else { continue };
        let message = match v.key.as_str() {
            "POSTGRES_HOST_AUTH_METHOD" if value.eq_ignore_ascii_case("trust") => format!(
                "service `{}` sets POSTGRES_HOST_AUTH_METHOD=trust: PostgreSQL accepts every connection from every \
                 host without checking a password, so anything that reaches the port is the superuser",
                s.name
            ),
            "MYSQL_ALLOW_EMPTY_PASSWORD" | "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" | "ALLOW_EMPTY_PASSWORD"
                if is_yes(value) =>
            {
                format!(
                    "service `{}` sets {}={value}: the database's root (or default) user has an empty password, so \
                     anything that reaches the port logs in",
                    s.name, v.key
                )
            }
            _ => continue,
        };
        reported = true;
        let d = Diagnostic::new(&RULE, v.span, message)
            .with_label("authentication off")
            .with_help("set a password from a secret (POSTGRES_PASSWORD / MYSQL_ROOT_PASSWORD, or their _FILE variants with Compose secrets) and delete this variable");
        out.push(with_origin(d, s, &v.via));
    }
    if reported {
        return;
    }
    if let Some(d) = redis_without_password(s, &vars) {
        out.push(d);
    }
}

fn is_yes(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "yes" | "true" | "1" | "on" | "y")
}

/// The image's repository name without registry, namespace or tag (`redis` for
/// `docker.io/library/redis:7-alpine`), and whether it has a namespace.
fn image_name(image: &str) -> (&str, bool) {
    let no_digest = image.split('@').next().unwrap_or_default();
    // Drop a registry host (`docker.io/`, `registry.example.com:5000/`), then Docker Hub's `library/`.
    let path = match no_digest.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => rest,
        _ => no_digest,
    };
    let path = path.strip_prefix("library/").unwrap_or(path);
    let last = path.rsplit('/').next().unwrap_or_default();
    let name = last.split(':').next().unwrap_or_default();
    (name, path.contains('/'))
}

fn redis_without_password(s: &Service, vars: &[Var]) -> Option<Diagnostic> {
    let image = s.image.as_ref()?;
    let (name, namespaced) = image_name(image.known()?);
    // Bitnami and other vendors' redis images refuse to start without a password or their own
    // ALLOW_EMPTY_PASSWORD (judged above): only the official images start open.
    if !matches!(name, "redis" | "valkey") || namespaced {
        return None;
    }
    if vars.iter().any(|v| matches!(v.key.as_str(), "REDIS_PASSWORD" | "REDIS_ARGS" | "VALKEY_EXTRA_FLAGS")) {
        return None;
    }
    let mut words: Vec<String> = Vec::new();
    for cmd in [&s.command, &s.entrypoint].into_iter().flatten() {
        if let Some(shell) = &cmd.shell {
            words.extend(shell.text.split_whitespace().map(str::to_string));
        }
        words.extend(cmd.exec.iter().flat_map(|t| t.text.split_whitespace().map(str::to_string).collect::<Vec<_>>()));
    }
    let auth = words.iter().any(|w| {
        let w = w.trim_matches(['"', '\'']);
        w.starts_with("--requirepass") || w.starts_with("--aclfile") || w.ends_with(".conf")
    });
    if auth {
        return None;
    }
    let config_mounted = s.volumes.iter().any(|v| {
        v.target.as_deref().is_some_and(|t| t.ends_with(".conf") || t.trim_end_matches('/') == "/usr/local/etc/redis")
    });
    if config_mounted {
        return None;
    }
    let message = format!(
        "service `{}` runs {name} with no password: its command passes no --requirepass or --aclfile and no config \
         file is given, so anything that reaches it on the network reads and writes the cache, sessions and task \
         queue (and can use CONFIG SET to write files)",
        s.name
    );
    let d = Diagnostic::new(&RULE, image.span, message).with_label("no authentication").with_help(
        "start it with a password from the environment: command: [\"redis-server\", \"--requirepass\", \
             \"${REDIS_PASSWORD:?}\"], and put the password in the app's REDIS_URL (redis://:password@redis:6379/0)",
    );
    Some(with_origin(d, s, &image.via))
}

/// The service's variables: its `env_file`s (in order) and then `environment:`.
fn variables(ctx: &ComposeCtx<'_>) -> Vec<Var> {
    let s = ctx.service;
    let mut out = Vec::new();
    for r in &s.env_file {
        let Some(rel) = r.path.known() else { continue };
        let Some(base) = ctx.project.files.get(r.path.span.file).and_then(|f| f.source.path.parent()) else {
            continue;
        };
        let Some(id) = ctx.project.file_at(&base.join(rel)) else { continue };
        if let Parsed::Env(env) = &ctx.project.file(id).parsed {
            for e in &env.entries {
                let (value, range) = match &e.value {
                    Some(v) => (
                        (v.refs.is_empty()).then(|| v.value.clone()),
                        if v.span.is_empty() { e.key_span.clone() } else { v.span.clone() },
                    ),
                    None => (None, e.key_span.clone()),
                };
                let span = Span::new(id, range);
                out.push(Var { key: e.key.clone(), value, span, via: Vec::new() });
            }
        }
    }
    for e in &s.environment {
        let value = e.value.as_ref().and_then(|t| t.known().map(str::to_string));
        let span = e.value.as_ref().map_or(e.key_span, |t| t.span);
        out.push(Var { key: e.key.clone(), value, span, via: e.via.clone() });
    }
    // Later sources win: keep the last of each key.
    let mut seen = std::collections::HashSet::new();
    let mut last: Vec<Var> = out.into_iter().rev().filter(|v| seen.insert(v.key.clone())).collect();
    last.reverse();
    last
}

#[cfg(test)]
mod tests {
    use super::image_name;

    #[test]
    fn image_names() {
        assert_eq!(image_name("redis:7-alpine"), ("redis", false));
        assert_eq!(image_name("docker.io/library/redis:7"), ("redis", false));
        assert_eq!(image_name("bitnami/redis:7.2"), ("redis", true));
        assert_eq!(image_name("redis@sha256:abc"), ("redis", false));
        assert_eq!(image_name("docker.io/redis:7.2"), ("redis", false));
        assert_eq!(image_name("ghcr.io/acme/redis:7"), ("redis", true));
    }
}
