//! DJ011 session-cookie-insecure: `SESSION_COOKIE_SECURE is not True` while sessions are in use.
//! Django's `check_session_cookie_secure` exactly: `security.W010` for the sessions app in
//! `INSTALLED_APPS` (the literal `"django.contrib.sessions"`), `security.W011` for
//! `SessionMiddleware` in `MIDDLEWARE`, `security.W012` instead of both. One diagnostic, naming
//! the Django ID that applies.

use super::{has_app, has_middleware, value_phrase, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ011",
    name: "session-cookie-insecure",
    family: Family::Django,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`SESSION_COOKIE_SECURE` is not True while sessions are in use (Django security.W010, W011, W012)",
    check: Check::Settings(check),
};

pub const SESSIONS_APP: &str = "django.contrib.sessions";
pub const SESSION_MIDDLEWARE: &str = "django.contrib.sessions.middleware.SessionMiddleware";

/// How sessions are in use, as Django's session cookie checks see it, and the Django ID that
/// applies among `[app only, middleware only, both]`; None when sessions are not in use or that
/// cannot be known.
pub fn sessions_in_use(ctx: &SettingsCtx<'_>, ids: [&str; 3]) -> Option<(&'static str, String)> {
    let app = has_app(ctx, SESSIONS_APP);
    let mw = has_middleware(ctx, SESSION_MIDDLEWARE);
    let [app_id, mw_id, both_id] = ids;
    Some(match (app, mw) {
        (Some(true), Some(true)) => (
            "`django.contrib.sessions` is installed and SessionMiddleware is in MIDDLEWARE",
            format!("security.{both_id}"),
        ),
        (Some(true), Some(false)) => ("`django.contrib.sessions` is installed", format!("security.{app_id}")),
        (Some(false), Some(true)) => ("SessionMiddleware is in MIDDLEWARE", format!("security.{mw_id}")),
        (Some(true), None) => (
            "`django.contrib.sessions` is installed",
            format!("security.{app_id}, or security.{both_id} if MIDDLEWARE holds SessionMiddleware"),
        ),
        (None, Some(true)) => (
            "SessionMiddleware is in MIDDLEWARE",
            format!("security.{mw_id}, or security.{both_id} if INSTALLED_APPS holds the sessions app"),
        ),
        _ => return None,
    })
}

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = Setting::known(ctx, "SESSION_COOKIE_SECURE") else { return };
    if s.value.is_true() != Some(false) {
        return;
    }
    let Some((why, id)) = sessions_in_use(ctx, ["W010", "W011", "W012"]) else { return };
    let message = format!(
        "{}{why}, and the session cookie is also sent over plain HTTP, where anyone on the network \
         can steal it and take over the session (Django {id})",
        value_phrase(&s, &s.value, true)
    );
    if let Some(d) = s.diagnostic(&RULE, &s.value, message) {
        out.push(d.with_label("not True").with_help("SESSION_COOKIE_SECURE = True"));
    }
}
