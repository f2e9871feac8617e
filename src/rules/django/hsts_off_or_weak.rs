//! DJ010 hsts-off-or-weak: with `SecurityMiddleware` in `MIDDLEWARE`, Django's three HSTS deploy
//! checks, each its own diagnostic: `SECURE_HSTS_SECONDS` falsy (`security.W004`); seconds set and
//! `SECURE_HSTS_INCLUDE_SUBDOMAINS is not True` (`security.W005`); seconds set and
//! `SECURE_HSTS_PRELOAD is not True` (`security.W021`). On top, Preflight's own minimum: seconds
//! set but below `hsts-min-seconds` (default 31536000, one year; 0 turns it off, and Django
//! agreement is measured with 0).

use super::security_middleware_missing::SECURITY_MIDDLEWARE;
use super::{has_middleware, value_phrase, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Kind, Value};

pub const RULE: Rule = Rule {
    code: "DJ010",
    name: "hsts-off-or-weak",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "HSTS off, without subdomains or preload, or shorter than the minimum (Django security.W004, W005, W021)",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    if has_middleware(ctx, SECURITY_MIDDLEWARE) != Some(true) {
        return;
    }
    let Some(seconds) = Setting::known(ctx, "SECURE_HSTS_SECONDS") else { return };
    // Django: `if not settings.SECURE_HSTS_SECONDS` (truthiness).
    match seconds.value.truthy() {
        Some(false) => {
            let message = format!(
                "{}no Strict-Transport-Security header is sent, so browsers keep trying plain HTTP \
                 and a network attacker can strip HTTPS (Django security.W004)",
                value_phrase(&seconds, &seconds.value, false)
            );
            if let Some(d) = seconds.diagnostic(&RULE, &seconds.value, message) {
                out.push(d.with_label("HSTS off").with_help(
                    "SECURE_HSTS_SECONDS = 31536000 (start with 3600 and raise it once HTTPS works everywhere)",
                ));
            }
            return;
        }
        Some(true) => {}
        None => return,
    }
    for (name, what, id) in [
        (
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "subdomains are not covered, so one served over HTTP can be used to attack this site",
            "W005",
        ),
        (
            "SECURE_HSTS_PRELOAD",
            "the site cannot be submitted to the browsers' preload list, so a first visit is unprotected",
            "W021",
        ),
    ] {
        let Some(s) = Setting::known(ctx, name) else { continue };
        if s.value.is_true() != Some(false) {
            continue;
        }
        let message = format!("{}HSTS is on but {what} (Django security.{id})", value_phrase(&s, &s.value, true));
        if let Some(d) = s.diagnostic(&RULE, &s.value, message) {
            out.push(d.with_label("not True").with_help(format!("{name} = True")));
        }
    }
    let min = min_seconds(ctx);
    let Some(secs) = as_seconds(&seconds.value) else { return };
    if min > 0 && secs < min as f64 {
        let message = format!(
            "{}HSTS lasts less than the {min} seconds this project requires (`hsts-min-seconds`): \
             browsers forget it between visits",
            value_phrase(&seconds, &seconds.value, false)
        );
        if let Some(d) = seconds.diagnostic(&RULE, &seconds.value, message) {
            out.push(d.with_label("too short").with_help(format!("SECURE_HSTS_SECONDS = {min}")));
        }
    }
}

/// The project's `hsts-min-seconds`: the config that applies to the settings module's file.
fn min_seconds(ctx: &SettingsCtx<'_>) -> u64 {
    let config = ctx
        .first_statement()
        .map(|span| ctx.project.configs[ctx.project.files[span.file].config].as_ref())
        .unwrap_or_else(|| ctx.project.config());
    config.thresholds.hsts_min_seconds
}

/// The number of seconds Django writes into `max-age=%s`: a number, or a string of one.
fn as_seconds(v: &Value) -> Option<f64> {
    match &v.kind {
        Kind::Bool(b) => Some(*b as i64 as f64),
        Kind::Int(i) => Some(*i as f64),
        Kind::Float(f) => Some(*f),
        Kind::Str(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}
