//! DJ003 secret-key-weak: the effective production `SECRET_KEY` (or an entry of
//! `SECRET_KEY_FALLBACKS`) fails Django's own test, `_check_secret_key` in
//! `django/core/checks/security/base.py`: at least 50 characters, at least 5 distinct ones, and
//! not the `django-insecure-` prefix of keys `startproject` generates (security.W009 for the key,
//! W025 for each fallback). An empty key (Django's default `""`, or `None`) fails it too: Django
//! raises ImproperlyConfigured reading it, and the check reports W009. The key is judged wherever
//! it is written: in the code, or in a production env file (the diagnostic then points there).

use super::{env_var_of, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Kind, Value};
use crate::source::mask_secret;

pub const RULE: Rule = Rule {
    code: "DJ003",
    name: "secret-key-weak",
    family: Family::Django,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`SECRET_KEY` (or a fallback) is short, repetitive or `django-insecure-` (Django security.W009, W025)",
    check: Check::Settings(check),
};

const MIN_LENGTH: usize = 50;
const MIN_UNIQUE: usize = 5;
const INSECURE_PREFIX: &str = "django-insecure-";

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(key) = Setting::known(ctx, "SECRET_KEY") {
        // Django reads SECRET_KEY through `LazySettings`, which raises on any false value.
        let weak = if key.value.truthy() == Some(false) { Some(Weakness::Empty) } else { weakness(&key.value) };
        if let Some(weak) = weak {
            report(&key, &key.value, "SECRET_KEY", "W009", weak, out);
        }
    }
    if let Some(fallbacks) = Setting::known(ctx, "SECRET_KEY_FALLBACKS") {
        let v = &fallbacks.value;
        if let Kind::Str(s) = &v.kind {
            // Django iterates a string character by character: every "key" is one character.
            if !s.is_empty() {
                let why =
                    format!("is a string, so Django takes each of its {} characters for a key", s.chars().count());
                report(&fallbacks, v, "SECRET_KEY_FALLBACKS", "W025", Weakness::Weak(why), out);
            }
            return;
        }
        for (i, item) in v.as_seq().unwrap_or_default().iter().enumerate() {
            if let Some(weak) = weakness(item) {
                report(&fallbacks, item, &format!("SECRET_KEY_FALLBACKS[{i}]"), "W025", weak, out);
            }
        }
    }
}

/// Why `key` fails Django's test.
enum Weakness {
    Empty,
    Weak(String),
}

/// Django's `_check_secret_key` on a string (None when it passes, or for a value that is not a
/// string: Django's test would raise on it).
fn weakness(key: &Value) -> Option<Weakness> {
    let s = match &key.kind {
        Kind::Str(s) if s.is_empty() => return Some(Weakness::Empty),
        Kind::Str(s) => s,
        _ => return None,
    };
    let mut why = Vec::new();
    let len = s.chars().count();
    if len < MIN_LENGTH {
        why.push(format!("has {len} characters (Django asks for at least {MIN_LENGTH})"));
    }
    let mut chars: Vec<char> = s.chars().collect();
    chars.sort_unstable();
    chars.dedup();
    if chars.len() < MIN_UNIQUE {
        why.push(format!("has only {} distinct characters (at least {MIN_UNIQUE})", chars.len()));
    }
    if s.starts_with(INSECURE_PREFIX) {
        why.push(format!("starts with `{INSECURE_PREFIX}`, the mark of a development key `startproject` generated"));
    }
    if why.is_empty() {
        return None;
    }
    Some(Weakness::Weak(format!("(`{}`) {}", mask_secret(s), why.join(", "))))
}

fn report(setting: &Setting<'_, '_>, key: &Value, what: &str, id: &str, weak: Weakness, out: &mut Vec<Diagnostic>) {
    let label = if matches!(weak, Weakness::Empty) { "empty key" } else { "weak key" };
    let message = match weak {
        Weakness::Weak(why) => format!(
            "{what} is weak: it {why}; a guessable key lets anyone forge sessions, password-reset links and \
             everything else Django signs (Django security.{id})"
        ),
        Weakness::Empty => {
            let why = match &key.env_default {
                Some(var) => format!(", since no production source sets {var} and the code default applies"),
                None => String::new(),
            };
            let subject = if setting.assigned {
                format!("{what} is empty ({}{why})", key.describe())
            } else {
                "the key is empty".into()
            };
            format!(
                "{subject}: Django raises ImproperlyConfigured the first time anything reads it to sign \
                 (sessions, password-reset links, messages) (Django security.{id})"
            )
        }
    };
    let Some(d) = setting.diagnostic(&RULE, key, message) else { return };
    let generate = "`python -c \"import secrets; print(secrets.token_urlsafe(50))\"`";
    let help = match env_var_of(key) {
        Some(var) => format!("set {var} in the production environment to a new random key of at least 50 characters ({generate})"),
        None => format!("generate a new random key of at least 50 characters ({generate}) and read it from the production environment"),
    };
    out.push(d.with_label(label).with_help(help));
}
