//! DJ013 session-cookie-httponly-off: `SESSION_COOKIE_HTTPONLY is not True` while sessions are in
//! use. Django's `check_session_cookie_httponly` exactly: `security.W013` (sessions app),
//! `security.W014` (SessionMiddleware), `security.W015` (both). One diagnostic, naming the
//! Django ID that applies.

use super::session_cookie_insecure::sessions_in_use;
use super::{value_phrase, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ013",
    name: "session-cookie-httponly-off",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`SESSION_COOKIE_HTTPONLY` is not True while sessions are in use (Django security.W013, W014, W015)",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = Setting::known(ctx, "SESSION_COOKIE_HTTPONLY") else { return };
    if s.value.is_true() != Some(false) {
        return;
    }
    let Some((why, id)) = sessions_in_use(ctx, ["W013", "W014", "W015"]) else { return };
    let message = format!(
        "{}{why}, and JavaScript can read the session cookie, so one cross-site scripting flaw \
         hands over the session (Django {id})",
        value_phrase(&s, &s.value, true)
    );
    if let Some(d) = s.diagnostic(&RULE, &s.value, message) {
        out.push(d.with_label("not True").with_help("SESSION_COOKIE_HTTPONLY = True"));
    }
}
