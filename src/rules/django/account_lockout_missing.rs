//! DJ021 account-lockout-missing: production has no working django-axes: the app is not
//! installed, or it is without `AxesMiddleware` (axes.W002) or an Axes authentication backend
//! (axes.W003), or it is switched off (`AXES_ENABLED`, `AXES_LOCK_OUT_AT_FAILURE` falsy, as
//! django-axes reads them) or given the dummy handler, which records nothing.

use super::{middleware_missing, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ021",
    name: "account-lockout-missing",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "No working account lockout: django-axes missing, incomplete (axes.W002/W003) or switched off",
    check: Check::Settings(check),
};

const AXES_MIDDLEWARE: &str = "axes.middleware.AxesMiddleware";
const AXES_BACKEND: &str = "axes.backends.AxesStandaloneBackend";
const DUMMY_HANDLER: &str = "axes.handlers.dummy.AxesDummyHandler";
const SETUP: &str = "add \"axes\" to INSTALLED_APPS, \"axes.middleware.AxesMiddleware\" last in MIDDLEWARE and \
                     \"axes.backends.AxesStandaloneBackend\" first in AUTHENTICATION_BACKENDS";

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(apps) = Setting::get(ctx, "INSTALLED_APPS") else { return };
    // Without `django.contrib.auth` there is no password login to lock.
    if apps.value.contains_str("django.contrib.auth") != Some(true) {
        return;
    }
    match apps.value.contains_str("axes") {
        Some(false) => {
            let message = "no account lockout: django-axes is not in INSTALLED_APPS, so nothing limits how many \
                           passwords an attacker may try against a login";
            out.extend(apps.diagnostic(&RULE, &apps.value, message).map(|d| d.with_help(SETUP)));
            return;
        }
        None => return,
        Some(true) => {}
    }
    let message = format!(
        "`{AXES_MIDDLEWARE}` is not in MIDDLEWARE (axes.W002): django-axes is installed, but locked-out \
         requests do not get its lockout response"
    );
    out.extend(
        middleware_missing(ctx, &RULE, AXES_MIDDLEWARE, message)
            .map(|d| d.with_help(format!("add \"{AXES_MIDDLEWARE}\" as the last entry of MIDDLEWARE"))),
    );
    out.extend(backend_missing(ctx));
    for (name, what) in [
        ("AXES_ENABLED", "django-axes is switched off, so failed logins are neither counted nor locked out"),
        ("AXES_LOCK_OUT_AT_FAILURE", "django-axes counts failed logins but never locks anyone out"),
    ] {
        let Some(s) = Setting::get(ctx, name) else { continue };
        if s.value.truthy() == Some(false) {
            let message = format!("{name} is {}: {what}", s.value.describe());
            out.extend(s.diagnostic(&RULE, &s.value, message).map(|d| d.with_help(format!("{name} = True"))));
        }
    }
    if let Some(s) = Setting::get(ctx, "AXES_HANDLER") {
        if s.value.as_str() == Some(DUMMY_HANDLER) {
            let message = "AXES_HANDLER is the dummy handler: it records no failed login, so nobody is ever locked out";
            out.extend(s.diagnostic(&RULE, &s.value, message).map(|d| {
                d.with_help("AXES_HANDLER = \"axes.handlers.database.AxesDatabaseHandler\" (django-axes' default)")
            }));
        }
    }
}

/// axes.W003: no `AxesStandaloneBackend` (or a subclass: `AxesBackend`, or a class named
/// `*Axes*`, taken to be one) in `AUTHENTICATION_BACKENDS`.
fn backend_missing(ctx: &SettingsCtx<'_>) -> Option<Diagnostic> {
    let s = Setting::get(ctx, "AUTHENTICATION_BACKENDS")?;
    let items = s.value.as_seq()?;
    let mut names = Vec::new();
    for item in items {
        names.push(item.as_str()?);
    }
    let axes = |n: &&str| n.starts_with("axes.backends.") || n.rsplit('.').next().is_some_and(|c| c.contains("Axes"));
    if names.iter().any(axes) {
        return None;
    }
    let message = "no django-axes backend in AUTHENTICATION_BACKENDS (axes.W003), so authenticate() never \
                   refuses a locked-out user and the guessing goes on";
    let d = s.diagnostic(&RULE, &s.value, message)?;
    Some(d.with_help(format!("put \"{AXES_BACKEND}\" first in AUTHENTICATION_BACKENDS")))
}
