//! DJ012 csrf-cookie-insecure: `CSRF_COOKIE_SECURE is not True` while `CsrfViewMiddleware` is in
//! `MIDDLEWARE` and `CSRF_USE_SESSIONS` is falsy (Django's `security.W016`, exactly:
//! `CSRF_USE_SESSIONS` by truthiness, `CSRF_COOKIE_SECURE` by `is True`).

use super::csrf_middleware_missing::CSRF_MIDDLEWARE;
use super::{has_middleware, value_phrase, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ012",
    name: "csrf-cookie-insecure",
    family: Family::Django,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`CSRF_COOKIE_SECURE` is not True (Django security.W016)",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    // The token lives in the session, not in a cookie: nothing to secure.
    let Some(use_sessions) = Setting::known(ctx, "CSRF_USE_SESSIONS") else { return };
    if use_sessions.value.truthy() != Some(false) {
        return;
    }
    if has_middleware(ctx, CSRF_MIDDLEWARE) != Some(true) {
        return;
    }
    let Some(s) = Setting::known(ctx, "CSRF_COOKIE_SECURE") else { return };
    if s.value.is_true() != Some(false) {
        return;
    }
    let message = format!(
        "{}the CSRF cookie is also sent over plain HTTP, where anyone on the network can read the \
         token (Django security.W016)",
        value_phrase(&s, &s.value, true)
    );
    if let Some(d) = s.diagnostic(&RULE, &s.value, message) {
        out.push(d.with_label("not True").with_help("CSRF_COOKIE_SECURE = True"));
    }
}
