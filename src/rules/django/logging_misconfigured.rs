//! DJ024 logging-misconfigured: production has no `LOGGING`, the root or `django` logger's
//! effective level is below `thresholds.log-level-min` (INFO by default), or a logger's level is
//! not a level name Python knows (upper-case only: `WARN` is valid, `info` makes `dictConfig`
//! raise). Reads logger levels, not handler levels. Unset levels follow Python and Django: the root
//! logger keeps WARNING, `django` keeps the INFO of Django's `DEFAULT_LOGGING`, and a logger set
//! to NOTSET takes the root logger's level.

use super::{library_name, Setting};
use crate::config::LOG_LEVELS;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Dict, Kind, Value};

pub const RULE: Rule = Rule {
    code: "DJ024",
    name: "logging-misconfigured",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "No production LOGGING, root/`django` logger level below the minimum, or an invalid level name",
    check: Check::Settings(check),
};

/// Python's default root level, and Django's `django` logger level (`DEFAULT_LOGGING`).
const WARNING: u32 = 30;
const INFO: u32 = 20;

/// A logger's configured level: unset, a known number, unknown, or invalid.
enum Level {
    Unset,
    Known(u32),
    Unknown,
    Invalid,
}

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = Setting::get(ctx, "LOGGING") else { return };
    let Some(config) = s.value.as_dict() else { return };
    if config.is_empty() {
        let message = "production has no logging configuration and runs on Django's defaults, which print \
                       nothing when DEBUG is off and only mail errors to ADMINS";
        out.extend(s.diagnostic(&RULE, &s.value, message).map(|d| {
            d.with_help("set LOGGING = {\"version\": 1, \"disable_existing_loggers\": False, \"handlers\": {\"console\": {\"class\": \"logging.StreamHandler\"}}, \"root\": {\"handlers\": [\"console\"], \"level\": \"INFO\"}}")
        }));
        return;
    }
    // Invalid level names, in every logger.
    let mut invalid = false;
    for (name, level) in logger_levels(config) {
        if let Level::Invalid = level_of(level) {
            invalid = true;
            let message = format!(
                "the level of the `{name}` logger, {}, is not a logging level: Python knows only the upper-case \
                 names (DEBUG, INFO, WARNING or WARN, ERROR, CRITICAL, NOTSET), so dictConfig raises ValueError \
                 and Django does not start",
                level.describe()
            );
            let help = match level.as_str().map(str::to_uppercase) {
                Some(up) if LOG_LEVELS.iter().any(|(n, _)| *n == up) => format!("write \"level\": \"{up}\""),
                _ => "write one of DEBUG, INFO, WARNING, ERROR, CRITICAL".to_string(),
            };
            out.extend(s.diagnostic(&RULE, level, message).map(|d| d.with_help(help)));
        }
    }
    if invalid {
        return;
    }
    let wanted = &ctx.project.config().thresholds.log_level_min;
    let Some(&(_, min)) = LOG_LEVELS.iter().find(|(n, _)| n == wanted) else { return };
    let root_value = root_level(config);
    let root = match root_value.map(level_of).unwrap_or(Level::Unset) {
        Level::Unset => WARNING,
        Level::Known(n) => n,
        Level::Unknown | Level::Invalid => return,
    };
    let django_value = logger(config, "django").and_then(|l| l.get("level"));
    let django = match django_value.map(level_of).unwrap_or(Level::Unset) {
        Level::Unset => Some(INFO),
        // NOTSET defers to the root logger, judged above.
        Level::Known(0) => None,
        Level::Known(n) => Some(n),
        Level::Unknown | Level::Invalid => None,
    };
    let levels = [
        ("root", Some(root), root_value, "Python's default for the root logger"),
        ("`django`", django, django_value, "Django's default for the `django` logger"),
    ];
    for (who, level, value, default) in levels {
        let Some(level) = level.filter(|l| *l < min) else { continue };
        let shown = name_of(level);
        let message = format!(
            "the {who} logger's level is {shown}{}, below the minimum {wanted} (thresholds.log-level-min): \
             production keeps {shown} messages, which bury the ones that matter and can carry request data, \
             SQL and secrets into the logs",
            if value.is_none() { format!(" ({default})") } else { String::new() }
        );
        let help = format!("set the {who} logger's \"level\" to \"{wanted}\" or higher");
        out.extend(s.diagnostic(&RULE, value.unwrap_or(&s.value), message).map(|d| d.with_help(help)));
    }
}

fn logger<'d>(config: &'d Dict, name: &str) -> Option<&'d Value> {
    config.get_str("loggers")?.get(name)
}

/// The root logger's level: `LOGGING["root"]`, or the `""` logger.
fn root_level(config: &Dict) -> Option<&Value> {
    config.get_str("root").and_then(|r| r.get("level")).or_else(|| logger(config, "").and_then(|l| l.get("level")))
}

/// Every logger's level value, with its name (`root` for the root logger).
fn logger_levels(config: &Dict) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    if let Some(level) = config.get_str("root").and_then(|r| r.get("level")) {
        out.push(("root".to_string(), level));
    }
    if let Some(loggers) = config.get_str("loggers").and_then(Value::as_dict) {
        for (name, l) in loggers.iter() {
            if let (Some(name), Some(level)) = (name.as_str(), l.get("level")) {
                out.push((if name.is_empty() { "root".into() } else { name.to_string() }, level));
            }
        }
    }
    out
}

/// Python's `logging._checkLevel`: an int, or an exact upper-case name.
fn level_of(v: &Value) -> Level {
    match &v.kind {
        Kind::Int(n) => u32::try_from(*n).map_or(Level::Unknown, Level::Known),
        Kind::Str(s) => LOG_LEVELS.iter().find(|(n, _)| **n == **s).map_or(Level::Invalid, |(_, l)| Level::Known(*l)),
        Kind::None => Level::Unset,
        _ => match library_name(v).and_then(|n| n.strip_prefix("logging.")) {
            Some(name) => LOG_LEVELS.iter().find(|(n, _)| *n == name).map_or(Level::Unknown, |(_, l)| Level::Known(*l)),
            None => Level::Unknown,
        },
    }
}

fn name_of(level: u32) -> String {
    LOG_LEVELS.iter().find(|(_, l)| *l == level).map_or_else(|| format!("level {level}"), |(n, _)| n.to_string())
}
