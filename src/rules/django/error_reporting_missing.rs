//! DJ036 error-reporting-missing: production has no error tracking and no error mail, so an
//! unhandled exception is seen by nobody (checklist sections 12–13).
//!
//! Error tracking counts as present when any of these holds:
//! - a module the evaluation read (the production module, what it imports or includes) calls
//!   `sentry_sdk.init(` (or `init(` imported from `sentry_sdk`). This is a text search over the
//!   modules' source, outside comments, not an evaluation: a call under `if SENTRY_DSN:` counts
//!   (the DSN is the deployment's business), and so does one in a function the settings define;
//! - raven's `RAVEN_CONFIG`, pyrollbar's `ROLLBAR`, `BUGSNAG` or `HONEYBADGER` is assigned (and
//!   not known to be empty or false).
//!
//! Error mail counts when `ADMINS` is known to be non-empty and `EMAIL_BACKEND` is known not to
//! be a development backend (console, dummy, filebased, locmem; DJ030's list); with `ADMINS`
//! empty the backend does not matter. A value that cannot be determined is not judged: the rule
//! stays silent (DJ031 speaks of it).

use super::Setting;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::SourceKind;

pub const RULE: Rule = Rule {
    code: "DJ036",
    name: "error-reporting-missing",
    family: Family::Django,
    severity: Severity::Info,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "Production has no error tracking and no ADMINS with a working EMAIL_BACKEND: errors go nowhere",
    check: Check::Settings(check),
};

/// Settings read by error-tracking integrations (raven, pyrollbar, bugsnag, honeybadger).
const TRACKER_SETTINGS: &[&str] = &["RAVEN_CONFIG", "ROLLBAR", "BUGSNAG", "HONEYBADGER"];

/// Whether a Python source calls `sentry_sdk.init(` outside comments (or `init(` imported from
/// `sentry_sdk`).
fn calls_sentry_init(text: &str) -> bool {
    use std::sync::OnceLock;
    static RE: OnceLock<(regex::Regex, regex::Regex, regex::Regex)> = OnceLock::new();
    let (dotted, import, bare) = RE.get_or_init(|| {
        (
            regex::Regex::new(r"\bsentry_sdk\s*\.\s*init\s*\(").expect("valid regex"),
            regex::Regex::new(r"^\s*from\s+sentry_sdk\s+import\s+.*\binit\b").expect("valid regex"),
            regex::Regex::new(r"(?:^|[^.\w])init\s*\(").expect("valid regex"),
        )
    });
    let code = |l: &&str| !l.trim_start().starts_with('#');
    let lines: Vec<&str> = text.lines().filter(code).collect();
    lines.iter().any(|l| dotted.is_match(l))
        || (lines.iter().any(|l| import.is_match(l)) && lines.iter().any(|l| bare.is_match(l)))
}

/// Whether production is taken to have error tracking.
fn has_tracking(ctx: &SettingsCtx<'_>) -> bool {
    let eval = ctx.eval();
    for src in &eval.sources {
        if !matches!(src.kind, SourceKind::Python { .. }) {
            continue;
        }
        if src.text.as_deref().is_some_and(calls_sentry_init) {
            return true;
        }
    }
    for name in TRACKER_SETTINGS {
        let Some(v) = eval.assigned(name) else { continue };
        if v.truthy() != Some(false) {
            return true;
        }
    }
    false
}

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    if has_tracking(ctx) {
        return;
    }
    let Some(admins) = Setting::get(ctx, "ADMINS") else { return };
    let Some(has_admins) = admins.value.truthy() else { return };
    let mail = if !has_admins {
        if admins.assigned {
            "ADMINS is empty, so no error mail is sent".to_string()
        } else {
            "ADMINS is never set (Django's default is []), so no error mail is sent".to_string()
        }
    } else {
        // Mail to ADMINS goes out unless the backend is a development one (an unknown backend is
        // not judged).
        let Some(backend) = Setting::get(ctx, "EMAIL_BACKEND") else { return };
        let Some(path) = backend.value.as_str() else { return };
        let Some(kind) = super::email_backend_development::development_backend(path) else { return };
        format!("ADMINS is set, but EMAIL_BACKEND is the {kind} backend, so error mails never leave the server")
    };
    let module = &ctx.eval().module;
    let dsn = if ctx.eval().is_assigned("SENTRY_DSN") {
        "; SENTRY_DSN is set, but nothing calls sentry_sdk.init with it"
    } else {
        ""
    };
    let message = format!(
        "`{module}` sets up no error tracking (no sentry_sdk.init, Rollbar, Bugsnag or Honeybadger settings{dsn}) \
         and {mail}: unhandled exceptions in production reach nobody"
    );
    let help = "initialise an error tracker in the production settings (`sentry_sdk.init(dsn=env(\"SENTRY_DSN\"), \
                integrations=[DjangoIntegration()])`), or set ADMINS and an EMAIL_BACKEND that delivers mail \
                (smtp or your provider's), so that Django's AdminEmailHandler mails every server error";
    let Some(primary) = ctx.first_statement() else { return };
    out.push(Diagnostic::new(&RULE, primary, message).with_label("no error reporting").with_help(help));
}

#[cfg(test)]
mod tests {
    use super::calls_sentry_init;

    #[test]
    fn sentry_init_calls() {
        assert!(calls_sentry_init("import sentry_sdk\nif DSN:\n    sentry_sdk.init(dsn=DSN)\n"));
        assert!(calls_sentry_init("from sentry_sdk import init\ninit(dsn=DSN)\n"));
        assert!(!calls_sentry_init("import sentry_sdk\n# sentry_sdk.init(dsn=DSN)\n"));
        assert!(!calls_sentry_init("from sentry_sdk import init\n"));
        assert!(!calls_sentry_init("SENTRY_DSN = env('SENTRY_DSN')\n"));
    }
}
