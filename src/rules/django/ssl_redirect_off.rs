//! DJ009 ssl-redirect-off: `SecurityMiddleware` is in `MIDDLEWARE` and `SECURE_SSL_REDIRECT is not
//! True` (Django's `security.W008`, exactly: the string "True" or 1 does not count).

use super::security_middleware_missing::SECURITY_MIDDLEWARE;
use super::{has_middleware, value_phrase, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ009",
    name: "ssl-redirect-off",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`SECURE_SSL_REDIRECT` is not True (Django security.W008)",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    // Without SecurityMiddleware the setting does nothing: DJ007 says so.
    if has_middleware(ctx, SECURITY_MIDDLEWARE) != Some(true) {
        return;
    }
    let Some(s) = Setting::known(ctx, "SECURE_SSL_REDIRECT") else { return };
    if s.value.is_true() != Some(false) {
        return;
    }
    let message = format!(
        "{}plain-HTTP requests are served as they come instead of being redirected to HTTPS \
         (Django security.W008)",
        value_phrase(&s, &s.value, true)
    );
    if let Some(d) = s.diagnostic(&RULE, &s.value, message) {
        out.push(
            d.with_label("not True")
                .with_help("SECURE_SSL_REDIRECT = True (or redirect at the proxy and silence this rule with a reason)"),
        );
    }
}
