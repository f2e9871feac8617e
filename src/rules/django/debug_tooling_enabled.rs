//! DJ027 debug-tooling-enabled: development tooling in production: `debug_toolbar` or `silk` in
//! INSTALLED_APPS, a template engine with `OPTIONS["debug"]` truthy or `OPTIONS["autoescape"]`
//! falsy, or `DEBUG_PROPAGATE_EXCEPTIONS` truthy (Django reads all three by truthiness).

use super::Setting;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ027",
    name: "debug-tooling-enabled",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary:
        "Debug tooling in production: debug_toolbar/silk, template debug, autoescape off, DEBUG_PROPAGATE_EXCEPTIONS",
    check: Check::Settings(check),
};

/// Development apps: the app label, and what it exposes.
const DEV_APPS: &[(&str, &str)] = &[
    (
        "debug_toolbar",
        "django-debug-toolbar shows settings, SQL queries, headers and session data to every client it \
         counts as internal (INTERNAL_IPS, or its SHOW_TOOLBAR_CALLBACK), and slows every request",
    ),
    (
        "silk",
        "django-silk stores every request and response, bodies and headers (cookies, tokens) included, and \
         serves them from its own pages",
    ),
];

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(apps) = Setting::get(ctx, "INSTALLED_APPS") {
        for item in apps.value.as_seq().unwrap_or_default() {
            let Some(app) = item.as_str() else { continue };
            let Some((label, what)) = DEV_APPS.iter().find(|(l, _)| app == *l || app.starts_with(&format!("{l}.")))
            else {
                continue;
            };
            let message = format!("`{app}` is in production INSTALLED_APPS: {what}");
            let help = format!("install `{label}` only in the development settings (local.py)");
            out.extend(apps.diagnostic(&RULE, item, message).map(|d| d.with_label("development tool").with_help(help)));
        }
    }
    templates(ctx, out);
    if let Some(s) = Setting::get(ctx, "DEBUG_PROPAGATE_EXCEPTIONS") {
        if s.value.truthy() == Some(true) {
            let message = format!(
                "DEBUG_PROPAGATE_EXCEPTIONS is {}: Django lets exceptions escape to the server instead of \
                 answering 500, so its error logging and ADMINS mails are skipped and the server may show the \
                 traceback",
                s.value.describe()
            );
            out.extend(
                s.diagnostic(&RULE, &s.value, message).map(|d| d.with_help("DEBUG_PROPAGATE_EXCEPTIONS = False")),
            );
        }
    }
}

fn templates(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = Setting::get(ctx, "TEMPLATES") else { return };
    for (i, engine) in s.value.as_seq().unwrap_or_default().iter().enumerate() {
        let Some(options) = engine.get("OPTIONS") else { continue };
        if let Some(debug) = options.get("debug").filter(|v| v.truthy() == Some(true)) {
            let message = format!(
                "TEMPLATES[{i}][\"OPTIONS\"][\"debug\"] is {}: template errors carry the template's source and \
                 context into tracebacks and error reports, and rendering is slower",
                debug.describe()
            );
            let help = "delete the \"debug\" option: Django then follows DEBUG, which is off in production";
            out.extend(s.diagnostic(&RULE, debug, message).map(|d| d.with_label("template debug on").with_help(help)));
        }
        if let Some(esc) = options.get("autoescape").filter(|v| v.truthy() == Some(false)) {
            let message = format!(
                "TEMPLATES[{i}][\"OPTIONS\"][\"autoescape\"] is {}: every {{{{ variable }}}} is rendered without \
                 HTML escaping, so text a user wrote becomes markup and script (cross-site scripting)",
                esc.describe()
            );
            let help = "delete the \"autoescape\" option (the default is True) and mark trusted HTML with |safe";
            out.extend(s.diagnostic(&RULE, esc, message).map(|d| d.with_label("escaping off").with_help(help)));
        }
    }
}
