//! DJ030 email-backend-development: production `EMAIL_BACKEND` is one of Django's development
//! backends (console, dummy, filebased, locmem), which never deliver mail. RULES.md names
//! `mail.E001` as its mirror, but Django 5.2 and 6.0 define no such check: there is nothing to
//! agree with, and this is Preflight's own rule.

use super::Setting;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ030",
    name: "email-backend-development",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "Production EMAIL_BACKEND is console, dummy, filebased or locmem: no mail is sent",
    check: Check::Settings(check),
};

/// Development backends: module under `django.core.mail.backends`, and where the mail goes.
const DEV_BACKENDS: &[(&str, &str)] = &[
    ("console", "prints every email, reset links included, to the server's standard output"),
    ("dummy", "throws every email away"),
    ("filebased", "writes every email to a file under EMAIL_FILE_PATH"),
    ("locmem", "keeps every email in memory (django.core.mail.outbox, for tests)"),
];

/// The development backend an `EMAIL_BACKEND` path names (`console`, `dummy`, `filebased`,
/// `locmem`), if it names one. Shared with DJ036.
pub fn development_backend(path: &str) -> Option<&'static str> {
    let module = path.strip_prefix("django.core.mail.backends.")?.split('.').next()?;
    DEV_BACKENDS.iter().find(|(m, _)| *m == module).map(|(m, _)| *m)
}

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = Setting::get(ctx, "EMAIL_BACKEND") else { return };
    let Some(path) = s.value.as_str() else { return };
    let Some(module) = path.strip_prefix("django.core.mail.backends.").and_then(|r| r.split('.').next()) else {
        return;
    };
    let Some((_, what)) = DEV_BACKENDS.iter().find(|(m, _)| *m == module) else { return };
    let message = format!(
        "EMAIL_BACKEND is the {module} backend, which {what} instead of sending it: password resets, \
         account emails and error mails to ADMINS never arrive"
    );
    let help = "EMAIL_BACKEND = \"django.core.mail.backends.smtp.EmailBackend\" with EMAIL_HOST and credentials \
                from the environment (or your provider's backend, such as django-anymail's)";
    out.extend(s.diagnostic(&RULE, &s.value, message).map(|d| d.with_label("development backend").with_help(help)));
}
