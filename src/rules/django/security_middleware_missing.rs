//! DJ007 security-middleware-missing: `django.middleware.security.SecurityMiddleware` is not in
//! `MIDDLEWARE` (Django's `security.W001`). Without it the `SECURE_*` settings do nothing, and
//! Django skips the checks that DJ009, DJ010 and DJ015 mirror.

use super::middleware_missing;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ007",
    name: "security-middleware-missing",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`SecurityMiddleware` is not in the production `MIDDLEWARE` (Django security.W001)",
    check: Check::Settings(check),
};

pub const SECURITY_MIDDLEWARE: &str = "django.middleware.security.SecurityMiddleware";

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let message = format!(
        "`{SECURITY_MIDDLEWARE}` is not in MIDDLEWARE: SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, \
         SECURE_CONTENT_TYPE_NOSNIFF, SECURE_REFERRER_POLICY and SECURE_CROSS_ORIGIN_OPENER_POLICY \
         have no effect (Django security.W001)"
    );
    if let Some(d) = middleware_missing(ctx, &RULE, SECURITY_MIDDLEWARE, message) {
        out.push(d.with_help(format!("add \"{SECURITY_MIDDLEWARE}\" to MIDDLEWARE, first in the list")));
    }
}
