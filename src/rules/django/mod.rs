//! DJ: rules over the production settings module, evaluated (see `crate::settings`).
//!
//! Rule bodies stay small: [`Setting`] gives a setting's effective value (as assigned, else
//! Django's default) and [`Setting::diagnostic`] builds a diagnostic that points where the value
//! comes from (the literal, the env-read default, the env-file value; the last assignment; or the
//! module's first statement for a setting never assigned), with every step of its history as a
//! related label. A value that cannot be determined is never judged: rules skip it and DJ031
//! (setting-unresolved) says so, once per setting in [`SECURITY_SETTINGS`].

use crate::diagnostic::{Diagnostic, Related};
use crate::project::SettingsCtx;
use crate::registry::Rule;
use crate::settings::{StepKind, Value};
use crate::source::Span;

/// The settings DJ rules judge. DJ031 reports each of these whose production value cannot be
/// determined; a rule reading a setting not listed here must add it.
pub const SECURITY_SETTINGS: &[&str] = &[
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "ALLOWED_HOSTS",
    "MIDDLEWARE",
    "INSTALLED_APPS",
    "X_FRAME_OPTIONS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_USE_SESSIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CSP",
    "SECURE_CSP_REPORT_ONLY",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    "SIMPLE_JWT",
    "JWT_AUTH",
    "AUTHENTICATION_BACKENDS",
    "AXES_ENABLED",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "AXES_LOCK_OUT_AT_FAILURE",
    "AXES_HANDLER",
    "REST_FRAMEWORK",
    "LOGGING",
    "CORS_ALLOW_ALL_ORIGINS",
    "CORS_ORIGIN_ALLOW_ALL",
    "CORS_ALLOW_CREDENTIALS",
    "AUTH_PASSWORD_VALIDATORS",
    "PASSWORD_HASHERS",
    "TEMPLATES",
    "DEBUG_PROPAGATE_EXCEPTIONS",
    "EMAIL_BACKEND",
];

/// A setting's effective production value.
pub struct Setting<'c, 'a> {
    ctx: &'c SettingsCtx<'a>,
    pub name: &'static str,
    pub value: Value,
    /// False when the module never assigns it (the value is Django's default).
    pub assigned: bool,
}

impl<'c, 'a> Setting<'c, 'a> {
    /// The effective value (assigned, else Django's default); None for a setting neither assigned
    /// nor known to Django (a third-party setting left unset).
    pub fn get(ctx: &'c SettingsCtx<'a>, name: &'static str) -> Option<Self> {
        let eval = ctx.eval();
        let value = eval.get(name)?;
        Some(Setting { ctx, name, value, assigned: eval.is_assigned(name) })
    }

    /// Like [`Setting::get`], but only a value whose kind is known: None when it cannot be
    /// determined (DJ031 reports that) or when it is not set at all.
    pub fn known(ctx: &'c SettingsCtx<'a>, name: &'static str) -> Option<Self> {
        Self::get(ctx, name).filter(|s| s.value.is_determined())
    }

    /// Where a finding about `value` (this setting or a part of it) points: its origin when it lies
    /// in a project file, else the setting's last assignment, else the module's first statement.
    pub fn span_of(&self, value: &Value) -> Option<Span> {
        value
            .origin
            .and_then(|loc| self.ctx.span(loc))
            .or_else(|| self.ctx.eval().last_assignment(self.name).and_then(|loc| self.ctx.span(loc)))
            .or_else(|| self.ctx.first_statement())
    }

    /// The history of `value` as related labels (inherited through a star import, read from an
    /// env var, set in an env file...), skipping the primary location.
    pub fn provenance(&self, value: &Value, primary: Span) -> Vec<Related> {
        let mut out: Vec<Related> = Vec::new();
        for step in value.steps.to_vec() {
            if matches!(step.kind, StepKind::DjangoDefault) {
                continue;
            }
            let Some(span) = step.at.and_then(|loc| self.ctx.span(loc)) else { continue };
            if span == primary || out.iter().any(|r| r.span == span) {
                continue;
            }
            out.push(Related { span, message: step.message });
        }
        out
    }

    /// A diagnostic about `value` (the setting's value or a part of it), pointing at its origin
    /// with its history. A setting never assigned gets "X is never set; Django's default is Y"
    /// before `message`'s own words, and sits on the module's first statement.
    pub fn diagnostic(&self, rule: &Rule, value: &Value, message: impl Into<String>) -> Option<Diagnostic> {
        let primary = if self.assigned { self.span_of(value)? } else { self.ctx.first_statement()? };
        let message = message.into();
        let message = if self.assigned {
            message
        } else {
            format!("{} is never set in `{}` (Django's default is {}): {message}", self.name, self.ctx.eval().module, value.describe())
        };
        let mut d = Diagnostic::new(rule, primary, message);
        d.related = self.provenance(value, primary);
        Some(d)
    }

    /// The dotted module production loads.
    pub fn module(&self) -> &str {
        &self.ctx.eval().module
    }
}

/// Whether `MIDDLEWARE` holds `path` (None when it cannot be known).
pub fn has_middleware(ctx: &SettingsCtx<'_>, path: &str) -> Option<bool> {
    Setting::get(ctx, "MIDDLEWARE")?.value.contains_str(path)
}

/// Whether `INSTALLED_APPS` holds `app` (None when it cannot be known).
pub fn has_app(ctx: &SettingsCtx<'_>, app: &str) -> Option<bool> {
    Setting::get(ctx, "INSTALLED_APPS")?.value.contains_str(app)
}
