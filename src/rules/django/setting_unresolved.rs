//! DJ031 setting-unresolved: a security-relevant setting ([`super::SECURITY_SETTINGS`]) whose
//! production value cannot be determined statically, once per setting, at the expression that
//! makes it unknown, saying why. The other DJ rules skip such values (never a pass, never a
//! failure); this note says they did.
//!
//! Kept quiet on purpose:
//! - a setting neither assigned nor a Django setting (a third-party setting left unset) is not
//!   unresolved: the library's own default applies;
//! - a `OneOf` (an `if` that could not be decided) counts only when its alternatives differ;
//! - only the parts of a value that some rule reads count ([`reads`]): every item of a list
//!   (rules look for a middleware, an app, a host), but of a dict only the entries rules read
//!   (`SIMPLE_JWT`'s lifetimes and rotation flags, `REST_FRAMEWORK`'s permission and throttle
//!   entries, `LOGGING`'s loggers and handler classes, `TEMPLATES[*]["OPTIONS"]["debug"/
//!   "autoescape"]`...); a dict setting not in the table counts only when the dict itself is
//!   unknown;
//! - secrets (`SECRET_KEY`, its fallbacks, JWT signing keys, secret-named entries) are expected
//!   to come from outside the code: an unknown secret is the normal case and is not reported
//!   (DJ002/DJ020 still know it is not written in the code). Only an undecided `if` between a
//!   secret written somewhere and another value is.

use super::{Setting, SECURITY_SETTINGS};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Kind, StepKind, Value};

pub const RULE: Rule = Rule {
    code: "DJ031",
    name: "setting-unresolved",
    family: Family::Django,
    severity: Severity::Info,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A security setting's production value cannot be determined statically (says which and why)",
    check: Check::Settings(check),
};

/// Which parts of a setting the rules read.
enum Reads {
    /// The value, the items of its lists and the entries of its dicts, all the way down.
    Deep,
    /// The value and the items of its lists, but not the entries of its dicts (the default).
    Lists,
    /// The value itself only (rules look at its emptiness).
    Shallow,
    /// The value itself, and these paths inside it (`*` is every item or entry, a number an
    /// index, anything else a dict key), each with the rules that read it; what a path reaches
    /// is read deeply.
    Paths(&'static [(&'static [&'static str], &'static str)]),
    /// A secret: reported only for an undecided `if` between a determined value and another.
    Secret,
}

/// What the rules read of each setting, and which rules those are.
fn reads(name: &str) -> (Reads, &'static str) {
    match name {
        "DEBUG" => (Reads::Deep, "DJ001"),
        "SECRET_KEY" | "SECRET_KEY_FALLBACKS" => (Reads::Secret, "DJ002, DJ003"),
        "ALLOWED_HOSTS" => (Reads::Lists, "DJ004, DJ005"),
        "MIDDLEWARE" => (Reads::Lists, "the middleware rules (DJ006-DJ017, DJ021)"),
        "INSTALLED_APPS" => (Reads::Lists, "the rules that depend on installed apps"),
        "X_FRAME_OPTIONS" => (Reads::Deep, "DJ008"),
        "SECURE_SSL_REDIRECT" => (Reads::Deep, "DJ009"),
        "SECURE_HSTS_SECONDS" | "SECURE_HSTS_INCLUDE_SUBDOMAINS" | "SECURE_HSTS_PRELOAD" => (Reads::Deep, "DJ010"),
        "SESSION_COOKIE_SECURE" => (Reads::Deep, "DJ011"),
        "CSRF_COOKIE_SECURE" | "CSRF_USE_SESSIONS" => (Reads::Deep, "DJ012"),
        "SESSION_COOKIE_HTTPONLY" => (Reads::Deep, "DJ013"),
        "SESSION_COOKIE_SAMESITE" | "CSRF_COOKIE_SAMESITE" => (Reads::Deep, "DJ014"),
        "SECURE_CONTENT_TYPE_NOSNIFF" | "SECURE_REFERRER_POLICY" | "SECURE_CROSS_ORIGIN_OPENER_POLICY" => {
            (Reads::Deep, "DJ015")
        }
        "SECURE_CSP"
        | "SECURE_CSP_REPORT_ONLY"
        | "CONTENT_SECURITY_POLICY"
        | "CONTENT_SECURITY_POLICY_REPORT_ONLY"
        | "CSP_DEFAULT_SRC"
        | "CSP_SCRIPT_SRC"
        | "CSP_REPORT_ONLY" => (Reads::Deep, "DJ016, DJ017"),
        "SIMPLE_JWT" => (
            Reads::Paths(&[
                (&["ACCESS_TOKEN_LIFETIME"], "DJ018"),
                (&["SLIDING_TOKEN_LIFETIME"], "DJ018"),
                (&["AUTH_TOKEN_CLASSES"], "DJ018"),
                (&["ROTATE_REFRESH_TOKENS"], "DJ019"),
                (&["BLACKLIST_AFTER_ROTATION"], "DJ019"),
            ]),
            "DJ018, DJ019",
        ),
        "JWT_AUTH" => (Reads::Paths(&[(&["JWT_EXPIRATION_DELTA"], "DJ018")]), "DJ018, DJ020"),
        "JWT_SECRET_KEY" => (Reads::Secret, "DJ020"),
        "AUTHENTICATION_BACKENDS" => (Reads::Lists, "DJ021"),
        "AXES_ENABLED" | "AXES_LOCK_OUT_AT_FAILURE" | "AXES_HANDLER" => (Reads::Deep, "DJ021"),
        "AXES_FAILURE_LIMIT" | "AXES_COOLOFF_TIME" => (Reads::Deep, "DJ022"),
        "REST_FRAMEWORK" => (
            Reads::Paths(&[
                (&["DEFAULT_PERMISSION_CLASSES"], "DJ028"),
                (&["DEFAULT_THROTTLE_CLASSES"], "DJ023"),
                (&["DEFAULT_THROTTLE_RATES"], "DJ023"),
            ]),
            "DJ023, DJ028",
        ),
        "LOGGING" => (
            Reads::Paths(&[(&["root"], "DJ024"), (&["loggers"], "DJ024"), (&["handlers", "*", "class"], "DJ037")]),
            "DJ024, DJ037",
        ),
        "CORS_ALLOW_ALL_ORIGINS" | "CORS_ORIGIN_ALLOW_ALL" | "CORS_ALLOW_CREDENTIALS" => (Reads::Deep, "DJ025"),
        "AUTH_PASSWORD_VALIDATORS" => (Reads::Shallow, "DJ026"),
        "PASSWORD_HASHERS" => (Reads::Paths(&[(&["0"], "DJ026")]), "DJ026"),
        "TEMPLATES" => (
            Reads::Paths(&[(&["*", "OPTIONS", "debug"], "DJ027"), (&["*", "OPTIONS", "autoescape"], "DJ027")]),
            "DJ027",
        ),
        "DEBUG_PROPAGATE_EXCEPTIONS" => (Reads::Deep, "DJ027"),
        "EMAIL_BACKEND" => (Reads::Deep, "DJ030, DJ036"),
        "ADMINS" => (Reads::Shallow, "DJ036"),
        _ => (Reads::Lists, "the rules that read it"),
    }
}

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    for &name in SECURITY_SETTINGS {
        let Some(setting) = Setting::get(ctx, name) else { continue };
        let (reads, rules) = reads(name);
        let mut path = name.to_string();
        let Some((part, rules)) = find(&setting.value, &reads, &mut path, rules) else { continue };
        let reason = part.unknown_reason().unwrap_or("its value is not known");
        let message = format!("{path} cannot be determined statically: {reason}; {rules} did not judge it");
        let Some(d) = setting.diagnostic(&RULE, part, message) else { continue };
        let help = match unset_env_var(part) {
            Some(var) => format!(
                "set {var} in a production env file (or give the read a safe default) so that Preflight can \
                 check {name}"
            ),
            None => format!(
                "check {name} by hand (`python manage.py check --deploy` under the production environment), or \
                 write it so that its production value can be read without running the code"
            ),
        };
        out.push(d.with_label("value not known statically").with_help(help));
    }
    incomplete_evaluation(ctx, out);
}

/// What stopped part of the settings from being evaluated (an import cycle, a project module or
/// `include()` file that does not exist, code that raises on the production path): the settings
/// assigned past that point are not judged, so it is said once, where it happens.
fn incomplete_evaluation(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    use crate::settings::ErrorKind;
    for err in &ctx.eval().errors {
        let what = match err.kind {
            ErrorKind::ImportCycle => "an import cycle",
            ErrorKind::ModuleNotFound => "a module that is not in the tree",
            ErrorKind::IncludeNotFound => "an include() of a missing file",
            ErrorKind::Raises => "code that raises",
            ErrorKind::Syntax | ErrorKind::Unreadable => continue,
        };
        let Some(span) = err.at.and_then(|loc| ctx.span(loc)).or_else(|| ctx.first_statement()) else { continue };
        out.push(
            Diagnostic::new(
                &RULE,
                span,
                format!(
                    "`{}` cannot be fully evaluated: {}; the settings assigned past it are not judged",
                    ctx.eval().module,
                    err.message
                ),
            )
            .with_label(what)
            .with_help("fix the import so that Django can load the module; `python manage.py check --deploy` fails the same way"),
        );
    }
}

/// The first part of `v` that the rules read and that cannot be determined, with the rules that
/// read it; `path` grows to name it (`SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]`, `MIDDLEWARE[3]`).
fn find<'v>(v: &'v Value, reads: &Reads, path: &mut String, rules: &'static str) -> Option<(&'v Value, &'static str)> {
    let found = match reads {
        Reads::Secret => secret_undecided(v).then_some(v),
        Reads::Shallow => undetermined(v).then_some(v),
        Reads::Deep => walk(v, true, path),
        Reads::Lists => walk(v, false, path),
        Reads::Paths(paths) => {
            if undetermined(v) {
                return Some((v, rules));
            }
            let base = path.clone();
            for (p, path_rules) in paths.iter() {
                *path = base.clone();
                if let Some(found) = follow(decided(v), p, path) {
                    return Some((found, path_rules));
                }
            }
            *path = base;
            secret_entries(decided(v), path)
        }
    };
    found.map(|f| (f, rules))
}

/// Along `segments` inside `v`, then everything below.
fn follow<'v>(v: &'v Value, segments: &[&str], path: &mut String) -> Option<&'v Value> {
    if undetermined(v) {
        return Some(v);
    }
    let v = decided(v);
    let Some((seg, rest)) = segments.split_first() else { return walk(v, true, path) };
    let base = path.clone();
    if *seg == "*" {
        let children: Vec<(String, &Value)> = match (&v.kind, v.as_seq()) {
            (_, Some(items)) => items.iter().enumerate().map(|(i, x)| (format!("[{i}]"), x)).collect(),
            (Kind::Dict(d), _) => d.iter().map(|(k, x)| (key_label(k), x)).collect(),
            _ => Vec::new(),
        };
        for (label, child) in children {
            *path = format!("{base}{label}");
            if let Some(found) = follow(child, rest, path) {
                return Some(found);
            }
        }
        *path = base;
        return None;
    }
    let child = match (v.as_seq(), seg.parse::<usize>()) {
        (Some(items), Ok(i)) => items.get(i),
        _ => v.get(seg),
    }?;
    *path = match seg.parse::<usize>() {
        Ok(i) if v.as_seq().is_some() => format!("{base}[{i}]"),
        _ => format!("{base}[\"{seg}\"]"),
    };
    let found = follow(child, rest, path);
    if found.is_none() {
        *path = base;
    }
    found
}

/// `v`, its list items, and (when `dicts`) its dict entries, depth first; secret-named entries are
/// judged as secrets.
fn walk<'v>(v: &'v Value, dicts: bool, path: &mut String) -> Option<&'v Value> {
    if undetermined(v) {
        return Some(v);
    }
    let v = decided(v);
    let base = path.clone();
    if let Some(items) = v.as_seq() {
        for (i, item) in items.iter().enumerate() {
            *path = format!("{base}[{i}]");
            if let Some(found) = walk(item, dicts, path) {
                return Some(found);
            }
        }
    } else if let (true, Some(d)) = (dicts, v.as_dict()) {
        for (k, item) in d.iter() {
            *path = format!("{base}{}", key_label(k));
            let found = if k.as_str().is_some_and(secret_named) {
                secret_undecided(item).then_some(item)
            } else {
                walk(item, dicts, path)
            };
            if found.is_some() {
                return found;
            }
        }
    } else if let Some(found) = secret_entries(v, path) {
        return Some(found);
    }
    *path = base;
    None
}

/// The secret-named entries of a dict (`SIMPLE_JWT["SIGNING_KEY"]`), judged as secrets.
fn secret_entries<'v>(v: &'v Value, path: &mut String) -> Option<&'v Value> {
    let d = v.as_dict()?;
    for (k, item) in d.iter() {
        if k.as_str().is_some_and(secret_named) && secret_undecided(item) {
            *path = format!("{path}{}", key_label(k));
            return Some(item);
        }
    }
    None
}

/// `["KEY"]` for a string key, `[repr]` for another.
fn key_label(k: &Value) -> String {
    match k.as_str() {
        Some(s) => format!("[\"{s}\"]"),
        None => format!("[{}]", k.describe()),
    }
}

fn secret_named(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    ["SECRET", "PASSWORD", "SIGNING_KEY", "PRIVATE_KEY", "API_KEY"].iter().any(|s| k.contains(s))
}

/// Unknown, or one of several values that differ.
fn undetermined(v: &Value) -> bool {
    match &v.kind {
        Kind::Unknown(_) => true,
        Kind::OneOf(o) => {
            let Some((first, rest)) = o.alternatives.split_first() else { return false };
            rest.iter().any(|a| first.py_eq(a) != Some(true))
        }
        _ => false,
    }
}

/// For a `OneOf` whose alternatives agree, the first of them; else `v`.
fn decided(v: &Value) -> &Value {
    match &v.kind {
        Kind::OneOf(o) if !undetermined(v) => o.alternatives.first().unwrap_or(v),
        _ => v,
    }
}

/// A secret that an undecided `if` picks between a value written somewhere and another value.
fn secret_undecided(v: &Value) -> bool {
    matches!(&v.kind, Kind::OneOf(o) if o.alternatives.iter().any(Value::is_determined)) && undetermined(v)
}

/// The env var whose absence from every production source makes `v` unknown, if any.
fn unset_env_var(v: &Value) -> Option<String> {
    let steps = v.steps.to_vec();
    let mut set = Vec::new();
    let mut last = None;
    for s in &steps {
        match &s.kind {
            StepKind::EnvSet { var } => set.push(var.clone()),
            StepKind::EnvUnset { var } => last = Some(var.clone()),
            _ => {}
        }
    }
    last.filter(|var| !set.contains(var))
}
