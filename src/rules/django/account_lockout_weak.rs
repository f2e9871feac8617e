//! DJ022 account-lockout-weak: django-axes is installed, but lets more failed logins through than
//! `thresholds.lockout-attempts` (`AXES_FAILURE_LIMIT`, default 3), or unlocks sooner than
//! `thresholds.lockout-window` (`AXES_COOLOFF_TIME`). django-axes reads an int or float cool-off as
//! HOURS: an int N ≥ 2 fires whatever the window ("15 means 15 hours — did you mean minutes?").
//! No cool-off (None, django-axes' default) locks accounts for good: an info note.

use super::{has_app, human_duration, never_set, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Kind, Value};

pub const RULE: Rule = Rule {
    code: "DJ022",
    name: "account-lockout-weak",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "django-axes allows too many failed logins, or unlocks before the configured window",
    check: Check::Settings(check),
};

/// django-axes' default `AXES_FAILURE_LIMIT`.
const AXES_DEFAULT_LIMIT: i64 = 3;

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    if has_app(ctx, "axes") != Some(true) {
        return;
    }
    let t = &ctx.project.config().thresholds;
    out.extend(failure_limit(ctx, t.lockout_attempts));
    out.extend(cool_off(ctx, t.lockout_window_secs as f64));
}

fn failure_limit(ctx: &SettingsCtx<'_>, max: u64) -> Option<Diagnostic> {
    let max = i64::try_from(max).unwrap_or(i64::MAX);
    let help = format!("AXES_FAILURE_LIMIT = {max}");
    let Some(s) = Setting::get(ctx, "AXES_FAILURE_LIMIT") else {
        if AXES_DEFAULT_LIMIT <= max {
            return None;
        }
        let message = format!(
            "django-axes' default allows {AXES_DEFAULT_LIMIT} failed logins, more than the {max} allowed \
             (thresholds.lockout-attempts)"
        );
        return Some(never_set(ctx, &RULE, "AXES_FAILURE_LIMIT", message)?.with_help(help));
    };
    // A callable or its dotted path decides per request: not judged.
    let Kind::Int(n) = s.value.kind else { return None };
    if n <= max {
        return None;
    }
    let message = format!(
        "AXES_FAILURE_LIMIT is {n}, more than the {max} failed logins allowed (thresholds.lockout-attempts): \
         an attacker gets {n} guesses before the lockout"
    );
    Some(s.diagnostic(&RULE, &s.value, message)?.with_help(help))
}

fn cool_off(ctx: &SettingsCtx<'_>, window: f64) -> Option<Diagnostic> {
    let window_text = human_duration(window);
    let help = if window as u64 % 60 == 0 {
        format!("AXES_COOLOFF_TIME = timedelta(minutes={})", window as u64 / 60)
    } else {
        format!("AXES_COOLOFF_TIME = timedelta(seconds={})", window as u64)
    };
    let permanent = "a locked-out account stays locked until an administrator resets it (`manage.py axes_reset`), \
                     so anyone who knows a username can lock its owner out; a cool-off lets the lock expire";
    let Some(s) = Setting::get(ctx, "AXES_COOLOFF_TIME") else {
        let message = format!("django-axes' default (None) means {permanent}");
        let d = never_set(ctx, &RULE, "AXES_COOLOFF_TIME", message)?;
        return Some(Diagnostic { severity: Severity::Info, ..d.with_help(help) });
    };
    let secs = match &s.value.kind {
        Kind::None => {
            let d = s.diagnostic(&RULE, &s.value, format!("AXES_COOLOFF_TIME is None, which means {permanent}"))?;
            return Some(Diagnostic { severity: Severity::Info, ..d.with_help(help) });
        }
        Kind::Int(n) if *n >= 2 => {
            let message = format!(
                "AXES_COOLOFF_TIME is {n}, and django-axes reads a number as hours: {n} means {n} hours — did \
                 you mean minutes? Locked-out users (and anyone an attacker locks out) wait {}",
                human_duration(*n as f64 * 3600.0)
            );
            return Some(s.diagnostic(&RULE, &s.value, message)?.with_label(format!("{n} hours")).with_help(help));
        }
        Kind::Int(_) | Kind::Bool(_) => s.value.as_int()? as f64 * 3600.0,
        Kind::Float(f) => f * 3600.0,
        Kind::Timedelta(_) => s.value.as_timedelta_seconds()?,
        _ => return None,
    };
    if secs >= window {
        return None;
    }
    let shown = describe_cool_off(&s.value, secs);
    let message = format!(
        "AXES_COOLOFF_TIME is {shown}, shorter than the {window_text} lockout window \
         (thresholds.lockout-window): a locked-out attacker gets a fresh round of guesses every {}",
        human_duration(secs)
    );
    Some(s.diagnostic(&RULE, &s.value, message)?.with_help(help))
}

/// `0.1 (hours: 6 minutes)`, `timedelta: 5 minutes`.
fn describe_cool_off(v: &Value, secs: f64) -> String {
    match v.kind {
        Kind::Timedelta(_) => human_duration(secs),
        _ => format!("{} (hours, so {})", v.describe(), human_duration(secs)),
    }
}
