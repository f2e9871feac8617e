//! DJ: rules over the production settings module, evaluated (see `crate::settings`).
//!
//! Rule bodies stay small: [`Setting`] gives a setting's effective value (as assigned, else
//! Django's default) and [`Setting::diagnostic`] builds a diagnostic that points where the value
//! comes from (the literal, the env-read default, the env-file value; the last assignment; or the
//! module's first statement for a setting never assigned), with every step of its history as a
//! related label. A value that cannot be determined is never judged: rules skip it and DJ031
//! (setting-unresolved) says so, once per setting in [`SECURITY_SETTINGS`].

pub mod account_lockout_missing;
pub mod account_lockout_weak;
pub mod allowed_hosts_empty;
pub mod allowed_hosts_wildcard;
pub mod async_unsafe_allowed;
pub mod backing_service_tls_off;
pub mod cache_not_shared;
pub mod clickjacking_protection_off;
pub mod cookie_samesite_off;
pub mod cors_allow_all_with_credentials;
pub mod csp_missing;
pub mod csp_unsafe;
pub mod csrf_cookie_insecure;
pub mod csrf_middleware_missing;
pub mod csrf_trusted_origin_insecure;
pub mod debug_enabled;
pub mod debug_tooling_enabled;
pub mod drf_permissive_defaults;
pub mod email_backend_development;
pub mod error_reporting_missing;
pub mod hsts_off_or_weak;
pub mod jwt_access_token_too_long;
pub mod jwt_refresh_rotation_off;
pub mod jwt_signing_key_hardcoded;
pub mod known_settings;
pub mod log_file_unrotated;
pub mod logging_misconfigured;
pub mod password_validation_weak;
pub mod rate_limiting_missing;
pub mod secret_key_hardcoded;
pub mod secret_key_weak;
pub mod security_header_misconfigured;
pub mod security_middleware_missing;
pub mod session_cookie_httponly_off;
pub mod session_cookie_insecure;
pub mod setting_name_unknown;
pub mod setting_unresolved;
pub mod ssl_redirect_off;

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
    "CSP_DEFAULT_SRC",
    "CSP_SCRIPT_SRC",
    "CSP_REPORT_ONLY",
    "SIMPLE_JWT",
    "JWT_AUTH",
    "JWT_SECRET_KEY",
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
    "ADMINS",
    "CACHES",
    "SESSION_ENGINE",
    "SESSION_CACHE_ALIAS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASES",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_BROKER_USE_SSL",
    "CELERY_REDIS_BACKEND_USE_SSL",
    "EMAIL_HOST",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
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
        // The Compose `env_file` entries that feed an env file a step lies in.
        let steps = value.steps.to_vec();
        for loc in steps.iter().filter_map(|s| s.at).chain(value.origin) {
            for r in self.ctx.model.feeds_at(loc) {
                if r.span != primary && !out.iter().any(|o| o.span == r.span) {
                    out.push(r);
                }
            }
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
            format!(
                "{} is never set in `{}` (Django's default is {}): {message}",
                self.name,
                self.ctx.eval().module,
                value.describe()
            )
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

/// A missing middleware (DJ006, DJ007, DJ008; shared by the Django mirror rules): when
/// `MIDDLEWARE` is known not to hold `path`, a diagnostic at the final `MIDDLEWARE` assignment,
/// else the module's first statement (RULES.md, "Locations of absences"), with the history of
/// `MIDDLEWARE` as related labels. None when `path` is there or `MIDDLEWARE` cannot be known.
pub fn middleware_missing(
    ctx: &SettingsCtx<'_>,
    rule: &Rule,
    path: &str,
    message: impl Into<String>,
) -> Option<Diagnostic> {
    let mw = Setting::get(ctx, "MIDDLEWARE")?;
    if mw.value.contains_str(path) != Some(false) {
        return None;
    }
    let eval = ctx.eval();
    let at = eval.last_assignment("MIDDLEWARE").and_then(|loc| ctx.span(loc));
    let primary = at.or_else(|| ctx.first_statement())?;
    let message = message.into();
    let message = if mw.assigned {
        message
    } else {
        format!("MIDDLEWARE is never set in `{}` (Django's default is []): {message}", eval.module)
    };
    let label =
        if at.is_some() { format!("MIDDLEWARE, as finally set, lacks `{path}`") } else { "no MIDDLEWARE".into() };
    let mut d = Diagnostic::new(rule, primary, message).with_label(label);
    d.related = mw.provenance(&mw.value, primary);
    Some(d)
}

/// `"NAME is <value>"` for an assigned setting (with a note when a non-bool stands where Django
/// checks `is True`), or "" for one never set, whose message [`Setting::diagnostic`] prefixes
/// with the default. Shared by the Django mirror rules DJ009–DJ015.
pub fn value_phrase(setting: &Setting<'_, '_>, value: &Value, django_checks_is_true: bool) -> String {
    if !setting.assigned {
        return String::new();
    }
    let mut s = format!("{} is {}", setting.name, value.describe());
    let mut notes = Vec::new();
    if django_checks_is_true && !matches!(value.kind, crate::settings::Kind::Bool(_)) {
        notes.push(format!("a {}: Django checks `is True`, so only the bool True counts", value.type_name()));
    }
    if let Some(var) = &value.env_default {
        notes.push(format!("no production source sets {var}, so the code default applies"));
    }
    if !notes.is_empty() {
        s.push_str(&format!(" ({})", notes.join("; ")));
    }
    s.push_str(": ");
    s
}

/// Whether `value` is a key written in the settings code: a non-empty string whose origin is a
/// Python source (a literal, the literal default of an env read no production source sets, an
/// `or` fallback) and to which no production environment source contributed. Shared by DJ002
/// and DJ020.
pub fn written_in_code(ctx: &SettingsCtx<'_>, value: &Value) -> bool {
    let eval = ctx.eval();
    let in_python = |loc: crate::settings::Loc| {
        matches!(
            eval.sources.get(loc.file.0 as usize).map(|s| &s.kind),
            Some(crate::settings::SourceKind::Python { .. })
        )
    };
    if value.as_str().is_none_or(str::is_empty) || !value.origin.is_some_and(in_python) {
        return false;
    }
    // A value set by an env source (an env file, or a source with no location) is not the code's.
    !value.steps.to_vec().iter().any(|s| {
        matches!(s.kind, StepKind::EnvSet { .. } | StepKind::EnvUnknown { .. }) && !s.at.is_some_and(in_python)
    })
}

/// The environment variable `value` was last read from, if any (for help texts). Shared by
/// DJ001, DJ002, DJ005 and DJ020.
pub fn env_var_of(value: &Value) -> Option<String> {
    value.steps.to_vec().into_iter().rev().find_map(|s| match s.kind {
        StepKind::EnvRead { var } => Some(var),
        _ => None,
    })
}

// Helpers of DJ016–DJ030 (CSP, django-axes, DRF, simplejwt, durations).

/// A diagnostic at the module's first statement about a third-party setting that is never set
/// (it has no Django default, so [`Setting::get`] gives nothing to point at). DJ016, DJ019, DJ022,
/// DJ023, DJ028.
pub fn never_set(ctx: &SettingsCtx<'_>, rule: &Rule, name: &str, message: impl Into<String>) -> Option<Diagnostic> {
    let primary = ctx.first_statement()?;
    Some(Diagnostic::new(rule, primary, format!("{name} is never set in `{}`: {}", ctx.eval().module, message.into())))
}

/// The dotted name of a library object the evaluator keeps opaque (`csp.constants.SELF`,
/// `logging.DEBUG`, `django.utils.csp.CSP.UNSAFE_INLINE`). DJ016, DJ017, DJ024.
pub fn library_name(v: &Value) -> Option<&str> {
    use crate::settings::eval::Object;
    match &v.kind {
        crate::settings::Kind::Object(o) => match &**o {
            Object::External(name) => Some(name),
            Object::Module { name, ns: None, .. } => Some(name),
            _ => None,
        },
        _ => None,
    }
}

/// `2 hours`, `15 minutes`, `1 day 6 hours`, `90 seconds` (DJ018, DJ022).
pub fn human_duration(secs: f64) -> String {
    let total = secs.round().max(0.0) as u64;
    if total == 0 {
        return "0 seconds".into();
    }
    let units = [("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)];
    let mut rest = total;
    let mut parts = Vec::new();
    for (name, size) in units {
        let n = rest / size;
        rest %= size;
        if n > 0 {
            parts.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
        }
    }
    parts.join(" ")
}

/// DRF's settings when DRF is in use (`rest_framework` in INSTALLED_APPS): `Some(None)` when
/// `REST_FRAMEWORK` is never set (DRF's defaults apply), `Some(Some(_))` when it is set to a
/// known dict. None when DRF is not in use, or when either setting cannot be determined.
/// DJ023, DJ028.
pub fn drf_settings<'c, 'a>(ctx: &'c SettingsCtx<'a>) -> Option<Option<Setting<'c, 'a>>> {
    if has_app(ctx, "rest_framework")? {
        match Setting::get(ctx, "REST_FRAMEWORK") {
            None => Some(None),
            Some(s) if s.value.as_dict().is_some() => Some(Some(s)),
            Some(_) => None,
        }
    } else {
        None
    }
}

/// simplejwt's settings when djangorestframework-simplejwt is in use (`SIMPLE_JWT` set, its app
/// installed, or `JWTAuthentication` among DRF's authentication classes): `Some(None)` when
/// `SIMPLE_JWT` is never set, `Some(Some(_))` when it is a known dict. None when simplejwt is not
/// in use or `SIMPLE_JWT` cannot be determined. DJ018, DJ019.
pub fn simple_jwt<'c, 'a>(ctx: &'c SettingsCtx<'a>) -> Option<Option<Setting<'c, 'a>>> {
    if let Some(s) = Setting::get(ctx, "SIMPLE_JWT") {
        return s.value.as_dict().is_some().then_some(Some(s));
    }
    let app = has_app(ctx, "rest_framework_simplejwt") == Some(true);
    let auth = Setting::get(ctx, "REST_FRAMEWORK").is_some_and(|s| {
        s.value.get("DEFAULT_AUTHENTICATION_CLASSES").and_then(|v| v.as_seq()).is_some_and(|items| {
            items.iter().any(|i| i.as_str().is_some_and(|p| p.starts_with("rest_framework_simplejwt.authentication.")))
        })
    });
    (app || auth).then_some(None)
}

/// simplejwt's `AUTH_TOKEN_CLASSES` (default: `AccessToken` only), as dotted paths; None when
/// it cannot be determined. DJ018, DJ019.
pub fn jwt_token_classes(jwt: Option<&Setting<'_, '_>>) -> Option<Vec<String>> {
    match jwt.and_then(|s| s.value.get("AUTH_TOKEN_CLASSES")) {
        None => Some(vec!["rest_framework_simplejwt.tokens.AccessToken".into()]),
        Some(v) => match (&v.kind, v.as_seq()) {
            (crate::settings::Kind::Str(s), _) => Some(vec![s.to_string()]),
            (_, Some(items)) => items.iter().map(|i| i.as_str().map(str::to_string)).collect(),
            _ => None,
        },
    }
}

/// How many of [`CSP3_SETTINGS`] name a directive (`CSP_CHILD_SRC` ... `CSP_REPORT_TO`).
pub const CSP3_DIRECTIVES: usize = 30;

/// Django 6's CSP middleware.
pub const DJANGO_CSP_MIDDLEWARE: &str = "django.middleware.csp.ContentSecurityPolicyMiddleware";
/// django-csp's middlewares (3.x and 4.x share the path).
pub const CSP_MIDDLEWARES: &[&str] =
    &["csp.middleware.CSPMiddleware", "csp.contrib.rate_limiting.RateLimitedCSPMiddleware"];

/// django-csp 3's settings, which django-csp 4 ignores (its `csp.E001` lists them), in the
/// order its check names them; the directive settings come first.
pub const CSP3_SETTINGS: &[&str] = &[
    "CSP_CHILD_SRC",
    "CSP_CONNECT_SRC",
    "CSP_DEFAULT_SRC",
    "CSP_SCRIPT_SRC",
    "CSP_SCRIPT_SRC_ATTR",
    "CSP_SCRIPT_SRC_ELEM",
    "CSP_OBJECT_SRC",
    "CSP_STYLE_SRC",
    "CSP_STYLE_SRC_ATTR",
    "CSP_STYLE_SRC_ELEM",
    "CSP_FONT_SRC",
    "CSP_FRAME_SRC",
    "CSP_IMG_SRC",
    "CSP_MANIFEST_SRC",
    "CSP_MEDIA_SRC",
    "CSP_PREFETCH_SRC",
    "CSP_WORKER_SRC",
    "CSP_BASE_URI",
    "CSP_PLUGIN_TYPES",
    "CSP_SANDBOX",
    "CSP_FORM_ACTION",
    "CSP_FRAME_ANCESTORS",
    "CSP_NAVIGATE_TO",
    "CSP_REQUIRE_SRI_FOR",
    "CSP_REQUIRE_TRUSTED_TYPES_FOR",
    "CSP_TRUSTED_TYPES",
    "CSP_UPGRADE_INSECURE_REQUESTS",
    "CSP_BLOCK_ALL_MIXED_CONTENT",
    "CSP_REPORT_URI",
    "CSP_REPORT_TO",
    "CSP_REPORT_ONLY",
    "CSP_EXCLUDE_URL_PREFIXES",
    "CSP_REPORT_PERCENTAGE",
    "CSP_INCLUDE_NONCE_IN",
];

/// One directive of a CSP policy, and the setting it is written in.
pub struct CspDirective {
    pub name: String,
    pub value: Value,
    pub owner: &'static str,
}

/// A Content-Security-Policy that production responses carry.
pub struct CspPolicy {
    /// "Django", "django-csp 4" or "django-csp 3".
    pub source: &'static str,
    /// The setting that holds the policy (`SECURE_CSP`, `CONTENT_SECURITY_POLICY`, ...).
    pub owner: &'static str,
    pub report_only: bool,
    pub directives: Vec<CspDirective>,
}

/// Why the project is taken to run django-csp 4, if it is: its dict settings are assigned, a
/// value comes from `csp.constants` (new in 4.0), or a dependency file next to the project
/// requires django-csp 4 or later ([`csp_pinned_major`]).
pub fn csp_v4_evidence(ctx: &SettingsCtx<'_>) -> Option<String> {
    fn from_constants(v: &Value, depth: usize) -> Option<&str> {
        if depth > 8 {
            return None;
        }
        if let Some(name) = library_name(v).filter(|n| n.starts_with("csp.constants")) {
            return Some(name);
        }
        match (v.as_seq(), v.as_dict()) {
            (Some(items), _) => items.iter().find_map(|i| from_constants(i, depth + 1)),
            (_, Some(d)) => d.iter().find_map(|(_, i)| from_constants(i, depth + 1)),
            _ => None,
        }
    }
    let eval = ctx.eval();
    for name in ["CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"] {
        if eval.is_assigned(name) {
            return Some(format!("{name} is set"));
        }
    }
    if let Some(name) = eval.values.values().find_map(|v| from_constants(v, 0)) {
        return Some(format!("the settings use `{name}`"));
    }
    match csp_pinned_major(ctx) {
        Some((major, file, line)) if major >= 4 => Some(format!("{file} requires `{line}`")),
        _ => None,
    }
}

/// Whether the settings are written for django-csp 4 (see [`csp_v4_evidence`]).
pub fn csp_is_v4(ctx: &SettingsCtx<'_>) -> bool {
    csp_v4_evidence(ctx).is_some()
}

/// The django-csp major version a dependency file of the project pins or requires at least
/// (`django-csp==4.0`, `django-csp>=4`, `django-csp = "^4.0"`), with the file (relative to the
/// project) and the requirement as written. Reads the usual dependency files of the project root
/// (the folder of `manage.py`): `requirements*.txt`, `requirements/*.txt`, `pyproject.toml`,
/// `Pipfile`, `setup.cfg`. These are not part of the linted model (no rule reports into them),
/// so they are read here, small files only.
pub fn csp_pinned_major(ctx: &SettingsCtx<'_>) -> Option<(u32, String, String)> {
    use std::sync::OnceLock;
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r#"(?im)^[^#\n]*?\bdjango[-_.]csp\b\s*(?:\[[^\]\n]*\])?\s*(?:=\s*)?["']?\s*(?:===|==|>=|~=|\^|>|~)?\s*v?(\d+)[^\s"',;#]*"#,
        )
        .expect("valid regex")
    });
    let root = &ctx.model.choice.root;
    let mut candidates: Vec<std::path::PathBuf> =
        ["pyproject.toml", "Pipfile", "setup.cfg"].iter().map(|n| root.join(n)).collect();
    for dir in [root.clone(), root.join("requirements")] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                let in_req_dir = dir.ends_with("requirements");
                name.ends_with(".txt") && (in_req_dir || name.starts_with("requirements"))
            })
            .collect();
        files.sort();
        candidates.extend(files);
    }
    for path in candidates {
        let small = std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= 256 * 1024);
        let Some(text) = small.then(|| std::fs::read_to_string(&path).ok()).flatten() else { continue };
        if let Some(c) = re.captures(&text) {
            let major: u32 = c[1].parse().ok()?;
            let written = c[0].trim_start_matches(|ch: char| ch.is_whitespace() || ch == '"' || ch == '\'').to_string();
            let shown = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            return Some((major, shown, written));
        }
    }
    None
}

/// The CSP policies production responses carry (DJ016, DJ017): Django 6's `SECURE_CSP` /
/// `SECURE_CSP_REPORT_ONLY` with its middleware; django-csp 4's `CONTENT_SECURITY_POLICY` /
/// `..._REPORT_ONLY` with its middleware; django-csp 3's `CSP_*` settings with its middleware.
/// None when a setting that decides it cannot be determined.
pub fn csp_policies(ctx: &SettingsCtx<'_>) -> Option<Vec<CspPolicy>> {
    let mw = Setting::get(ctx, "MIDDLEWARE")?;
    let mut out = Vec::new();
    let dict_directives = |d: &crate::settings::Dict, owner: &'static str| -> Vec<CspDirective> {
        d.iter()
            .filter_map(|(k, v)| Some(CspDirective { name: k.as_str()?.to_string(), value: v.clone(), owner }))
            .collect()
    };
    if mw.value.contains_str(DJANGO_CSP_MIDDLEWARE)? {
        for (owner, report_only) in [("SECURE_CSP", false), ("SECURE_CSP_REPORT_ONLY", true)] {
            let Some(s) = Setting::get(ctx, owner) else { continue };
            if s.value.truthy()? {
                let directives = s.value.as_dict().map(|d| dict_directives(d, owner)).unwrap_or_default();
                out.push(CspPolicy { source: "Django", owner, report_only, directives });
            }
        }
    }
    let mut csp_mw = false;
    for path in CSP_MIDDLEWARES {
        csp_mw |= mw.value.contains_str(path)?;
    }
    if !csp_mw {
        return Some(out);
    }
    if csp_is_v4(ctx) {
        for (owner, report_only) in [("CONTENT_SECURITY_POLICY", false), ("CONTENT_SECURITY_POLICY_REPORT_ONLY", true)]
        {
            let Some(s) = Setting::get(ctx, owner) else { continue };
            if !s.value.truthy()? {
                continue;
            }
            let mut directives = match s.value.get("DIRECTIVES") {
                None => Vec::new(),
                Some(v) if v.as_dict().is_some() => dict_directives(v.as_dict()?, owner),
                Some(_) => return None,
            };
            if !directives.iter().any(|d| d.name == "default-src") {
                // django-csp 4's default: `default-src 'self'`.
                let value = Value::list(vec![Value::str("'self'", None)], None);
                directives.push(CspDirective { name: "default-src".into(), value, owner });
            }
            out.push(CspPolicy { source: "django-csp 4", owner, report_only, directives });
        }
    } else {
        let eval = ctx.eval();
        let assigned: Vec<&'static str> = CSP3_SETTINGS.iter().copied().filter(|n| eval.is_assigned(n)).collect();
        if assigned.is_empty() {
            return Some(out);
        }
        let report_only = match Setting::get(ctx, "CSP_REPORT_ONLY") {
            Some(s) => s.value.truthy()?,
            None => false,
        };
        let mut directives: Vec<CspDirective> = CSP3_SETTINGS[..CSP3_DIRECTIVES]
            .iter()
            .filter_map(|owner| {
                let s = Setting::get(ctx, owner)?;
                let name = owner["CSP_".len()..].replace('_', "-").to_lowercase();
                Some(CspDirective { name, value: s.value, owner })
            })
            .collect();
        if !eval.is_assigned("CSP_DEFAULT_SRC") {
            // django-csp 3's default: `default-src 'self'`.
            let value = Value::list(vec![Value::str("'self'", None)], None);
            directives.push(CspDirective { name: "default-src".into(), value, owner: "CSP_DEFAULT_SRC" });
        }
        out.push(CspPolicy { source: "django-csp 3", owner: assigned[0], report_only, directives });
    }
    Some(out)
}
