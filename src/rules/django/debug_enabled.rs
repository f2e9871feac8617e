//! DJ001 debug-enabled: `DEBUG` is truthy in production (Django's `security.W018`, which tests
//! `not settings.DEBUG`: truthiness, so `DEBUG = "False"` is on), whether the code writes it, an
//! env read falls back to a truthy code default, or a production env source sets it.

use super::{env_var_of, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Kind, StepKind, Value};

pub const RULE: Rule = Rule {
    code: "DJ001",
    name: "debug-enabled",
    family: Family::Django,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`DEBUG` is on in production, written so or by an env default (Django security.W018)",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(debug) = Setting::get(ctx, "DEBUG") else { return };
    let v = &debug.value;
    if v.truthy() != Some(true) {
        return;
    }
    let env_set = v.steps.to_vec().into_iter().rev().find_map(|s| match s.kind {
        StepKind::EnvSet { var } => Some((var, s.at)),
        _ => None,
    });
    // The text the production environment gives, where it is written (the env-file value).
    let env_text = env_set.as_ref().and_then(|(_, at)| text_at(ctx, (*at)?));
    let set_by_env = env_set.map(|(var, _)| var);
    let falsy_text = env_text.is_some_and(looks_false);
    // A false-looking literal default made true (`bool(os.getenv("DEBUG", "False"))`).
    let falsy_default = v.env_default.is_some() && !matches!(v.kind, Kind::Str(_)) && {
        let t = origin_text(ctx, v).unwrap_or_default();
        t.trim().starts_with(['"', '\'']) && looks_false(t)
    };
    let why = match (&v.kind, &v.env_default, &set_by_env) {
        (Kind::Str(_), _, None) => {
            " (a non-empty string is true in Python whatever it says; Django tests `not DEBUG`)".to_string()
        }
        (_, Some(var), _) if falsy_default => format!(
            " (no production source sets {var}, so the code default {} applies, and the code turns that text \
             into a true value: `bool()` of any non-empty string is True)",
            origin_text(ctx, v).unwrap_or_default().trim()
        ),
        (_, Some(var), _) => format!(" (no production source sets {var}, so the code default applies)"),
        (kind, None, Some(var)) if falsy_text => format!(
            " (the production environment sets {var}={}, but {})",
            env_text.unwrap_or_default(),
            if matches!(kind, Kind::Str(_)) {
                "the code keeps it as a string, and a non-empty string is true in Python"
            } else {
                "the code turns that text into a true value: `bool()` of any non-empty string is True"
            }
        ),
        (_, None, Some(var)) => format!(" ({var}={} in the production environment)", env_text.unwrap_or("?")),
        _ => String::new(),
    };
    let message = format!(
        "DEBUG is on in production: its value is {}{why}; Django then shows visitors full error pages with \
         settings, SQL and stack traces, and keeps every SQL query in memory (Django security.W018)",
        v.describe()
    );
    let Some(d) = debug.diagnostic(&RULE, v, message) else { return };
    let var = env_var_of(v);
    let help = match (&var, &set_by_env) {
        (Some(var), _) if falsy_text || falsy_default => format!(
            "parse the variable instead of taking its truthiness: `DEBUG = env.bool(\"{var}\", default=False)` \
             (django-environ) or `DEBUG = os.getenv(\"{var}\", \"\").lower() in (\"1\", \"true\")`"
        ),
        (Some(var), Some(_)) => format!(
            "set {var}=False in the production environment, or hardcode `DEBUG = False` in `{}`",
            debug.module()
        ),
        (Some(var), None) if is_literal_default(ctx, v) => format!(
            "default to off, so that only the production environment can turn it on: \
             `DEBUG = env.bool(\"{var}\", default=False)`"
        ),
        (Some(var), None) => format!(
            "make the code default select `DEBUG = False`, so that only the production environment ({var}) \
             can turn it on"
        ),
        (None, _) => "`DEBUG = False`".to_string(),
    };
    out.push(d.with_label("DEBUG is on").with_help(help));
}

/// The project text at the value's origin.
fn origin_text<'a>(ctx: &'a SettingsCtx<'_>, v: &Value) -> Option<&'a str> {
    text_at(ctx, v.origin?)
}

fn text_at<'a>(ctx: &'a SettingsCtx<'_>, loc: crate::settings::Loc) -> Option<&'a str> {
    let span = ctx.span(loc)?;
    ctx.project.files.get(span.file)?.source.text.get(span.range())
}

/// An env value that a reader would take for "off".
fn looks_false(text: &str) -> bool {
    let t = text.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    matches!(t.as_str(), "false" | "0" | "no" | "off" | "n" | "f")
}

/// Whether the value is the literal default of an env read (`True` in `env.bool("X", True)`),
/// rather than something computed from the read (`os.getenv("X", "dev") == "dev"`).
fn is_literal_default(ctx: &SettingsCtx<'_>, v: &Value) -> bool {
    origin_text(ctx, v).is_some_and(|t| {
        let t = t.trim();
        t.starts_with(['"', '\'']) || t.parse::<f64>().is_ok() || matches!(t, "True" | "False" | "None")
    })
}
