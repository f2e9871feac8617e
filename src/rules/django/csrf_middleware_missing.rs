//! DJ006 csrf-middleware-missing: `django.middleware.csrf.CsrfViewMiddleware` is not in
//! `MIDDLEWARE` (Django's `security.W003`: `CsrfViewMiddleware not in settings.MIDDLEWARE`).

use super::middleware_missing;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ006",
    name: "csrf-middleware-missing",
    family: Family::Django,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`CsrfViewMiddleware` is not in the production `MIDDLEWARE` (Django security.W003)",
    check: Check::Settings(check),
};

pub const CSRF_MIDDLEWARE: &str = "django.middleware.csrf.CsrfViewMiddleware";

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let message = format!(
        "`{CSRF_MIDDLEWARE}` is not in MIDDLEWARE: no view gets cross-site request forgery protection \
         unless it is decorated one by one (Django security.W003)"
    );
    if let Some(d) = middleware_missing(ctx, &RULE, CSRF_MIDDLEWARE, message) {
        out.push(d.with_help(format!(
            "add \"{CSRF_MIDDLEWARE}\" to MIDDLEWARE, after SessionMiddleware and CommonMiddleware"
        )));
    }
}
