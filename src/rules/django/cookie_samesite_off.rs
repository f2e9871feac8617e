//! DJ014 cookie-samesite-off: `SESSION_COOKIE_SAMESITE` or `CSRF_COOKIE_SAMESITE` is `None`,
//! `False`, `""` or `"None"` (any case, as Django accepts it). No Django check mirrors it; each
//! setting gets its own diagnostic.

use super::{value_phrase, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::Value;

pub const RULE: Rule = Rule {
    code: "DJ014",
    name: "cookie-samesite-off",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "The session or CSRF cookie is sent on cross-site requests (`SameSite` None or unset)",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    for (name, cookie) in [("SESSION_COOKIE_SAMESITE", "session"), ("CSRF_COOKIE_SAMESITE", "CSRF")] {
        let Some(s) = Setting::known(ctx, name) else { continue };
        let Some(what) = off(&s.value) else { continue };
        let message = format!(
            "{}{what}, so the browser sends the {cookie} cookie with requests that other sites \
             trigger (cross-site request forgery, cross-site leaks)",
            value_phrase(&s, &s.value, false)
        );
        if let Some(d) = s.diagnostic(&RULE, &s.value, message) {
            out.push(d.with_label("SameSite off").with_help(format!("{name} = \"Lax\" (or \"Strict\")")));
        }
    }
}

/// What the cookie gets, for a value that turns SameSite protection off.
fn off(v: &Value) -> Option<&'static str> {
    if v.is_none() == Some(true) || v.is_false() == Some(true) || v.as_str() == Some("") {
        // Django's `set_cookie` writes no attribute for a falsy value.
        return Some("the cookie has no SameSite attribute (browsers without a Lax default treat it as None)");
    }
    if v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("none")) {
        return Some("the cookie says `SameSite=None`");
    }
    None
}
