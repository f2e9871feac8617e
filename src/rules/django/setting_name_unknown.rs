//! DJ033 setting-name-unknown: an upper-case name the production settings assign that no known
//! package reads, yet is a near miss of one that does (`CORS_ALLOWED_CREDENTIALS` for
//! `CORS_ALLOW_CREDENTIALS`): a misspelt setting, silently ignored. Also a setting Django
//! removed (`SECURE_BROWSER_XSS_FILTER`, gone in 4.0), and `CSRF_COOKIE_HTTPONLY = True`, which
//! Django keeps but which protects nothing.
//!
//! The names come from [`known_settings`](super::known_settings), generated from the packages'
//! sources. A near miss is judged with [`edit_distance`] (optimal string alignment, so a swap of
//! two letters is one edit) and guards for precision, since apps define their own settings:
//! - names shorter than [`MIN_LEN`] are never judged; below [`TWO_EDITS_LEN`], one edit only;
//! - whole `_`-words added or dropped (`DEBUG_2`, `AWS_S3_REGION`) are a project's own name;
//! - a word changed into another word (at least half its letters: `STATIC_HOST` beside
//!   `STATIC_ROOT`) is a different name, not a misspelling;
//! - a near miss of a setting the production settings also assign is a helper
//!   (`FIXTURE_DIR` beside `FIXTURE_DIRS`);
//! - names starting with `_` are private helpers.

use super::known_settings::{KNOWN, REMOVED};
use super::Setting;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit_distance::edit_distance;
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::eval::Object;
use crate::settings::{Evaluated, Kind, Loc, Value};
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: "DJ033",
    name: "setting-name-unknown",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "An upper-case production setting is a near miss of a known setting name, or one Django removed",
    check: Check::Settings(check),
};

/// Shortest name judged as a possible misspelling.
pub const MIN_LEN: usize = 5;
/// Shortest name allowed two edits (shorter ones, one).
pub const TWO_EDITS_LEN: usize = 10;
/// Most intended names a help lists.
const MAX_CANDIDATES: usize = 3;

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let eval = ctx.eval();
    for (name, value) in &eval.values {
        if name.starts_with('_') || is_code_object(value) {
            continue;
        }
        let Some(finding) = judge(name, value, |n| eval.is_assigned(n)) else { continue };
        let Some(span) = name_span(eval, name).and_then(|loc| ctx.span(loc)) else { continue };
        let mut d = finding.diagnostic(name, span);
        if finding == Finding::CsrfHttpOnly {
            // Where the true value comes from (an env file, say).
            d.related =
                Setting::get(ctx, "CSRF_COOKIE_HTTPONLY").map(|s| s.provenance(value, span)).unwrap_or_default();
        }
        out.push(d);
    }
}

/// What is wrong with a setting name.
#[derive(Debug, PartialEq)]
enum Finding {
    /// Not read by anything known, but this many edits from these names (with who reads them).
    NearMiss(usize, Vec<(&'static str, &'static str)>),
    /// Django removed it: (last version with it, version without it, what replaces it).
    Removed(&'static str, &'static str, &'static str),
    /// `CSRF_COOKIE_HTTPONLY` set true.
    CsrfHttpOnly,
}

/// The finding about `name` (holding `value`); `assigned` tells which names the settings assign.
fn judge(name: &str, value: &Value, assigned: impl Fn(&str) -> bool) -> Option<Finding> {
    if KNOWN.binary_search_by(|(k, _)| (*k).cmp(name)).is_ok() {
        return (name == "CSRF_COOKIE_HTTPONLY" && value.truthy() == Some(true)).then_some(Finding::CsrfHttpOnly);
    }
    if let Ok(i) = REMOVED.binary_search_by(|(k, ..)| (*k).cmp(name)) {
        let (_, last, gone, note) = REMOVED[i];
        return Some(Finding::Removed(last, gone, note));
    }
    let (edits, near) = near_misses(name)?;
    (!near.iter().any(|(k, _)| assigned(k))).then_some(Finding::NearMiss(edits, near))
}

/// The known names `name` is a plausible misspelling of, all at the fewest edits (in table
/// order), with that number of edits.
fn near_misses(name: &str) -> Option<(usize, Vec<(&'static str, &'static str)>)> {
    let len = name.len();
    if len < MIN_LEN || !name.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let max = if len < TWO_EDITS_LEN { 1 } else { 2 };
    let mut found: Vec<(usize, &'static str, &'static str)> = KNOWN
        .iter()
        .filter_map(|&(k, who)| Some((edit_distance(name, k, max)?, k, who)))
        .filter(|(_, k, _)| !different_words(name, k))
        .collect();
    found.sort_by_key(|(d, ..)| *d);
    let best = found.first()?.0;
    Some((
        best,
        found.into_iter().take_while(|(d, ..)| *d == best).take(MAX_CANDIDATES).map(|(_, k, w)| (k, w)).collect(),
    ))
}

/// Whether `name` and `known` differ by whole `_`-words (some added or dropped), or by a word
/// changed into another (half its letters or more): a different name, not a misspelling.
fn different_words(name: &str, known: &str) -> bool {
    let a: Vec<&str> = name.split('_').collect();
    let b: Vec<&str> = known.split('_').collect();
    if a.len() != b.len() {
        let (short, long) = if a.len() < b.len() { (&a, &b) } else { (&b, &a) };
        let mut rest = long.iter();
        return short.iter().all(|w| rest.any(|l| l == w));
    }
    a.iter().zip(&b).any(|(x, y)| {
        let d = edit_distance(x, y, usize::MAX).unwrap_or(usize::MAX);
        x != y && d * 2 >= x.len().max(y.len())
    })
}

/// Classes, functions and modules bound to upper-case names are code, not settings.
fn is_code_object(value: &Value) -> bool {
    matches!(&value.kind, Kind::Object(o) if matches!(**o, Object::Class(_) | Object::Function(_) | Object::Module { .. }))
}

/// The name itself in the statement that last assigned or changed it (None for a name bound
/// by an import).
fn name_span(eval: &Evaluated, name: &str) -> Option<Loc> {
    let stmt = eval.last_assignment(name)?;
    let text = eval.text_at(stmt)?;
    if text.starts_with("from ") || text.starts_with("import ") {
        return None;
    }
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = text.as_bytes();
    let at = text.match_indices(name).map(|(i, _)| i).find(|&i| {
        let end = i + name.len();
        (i == 0 || !is_ident(bytes[i - 1])) && bytes.get(end).is_none_or(|&b| !is_ident(b))
    })?;
    let start = stmt.start as usize + at;
    Some(Loc::new(stmt.file, start..start + name.len()))
}

impl Finding {
    fn diagnostic(&self, name: &str, span: Span) -> Diagnostic {
        match self {
            Finding::NearMiss(edits, near) => {
                let names: Vec<String> = near.iter().map(|(k, _)| format!("`{k}`")).collect();
                let message = format!(
                    "{name} is not a setting of Django or of any package Preflight knows, and is {} from {}: \
                     probably a misspelling, which Django ignores without a word",
                    if *edits == 1 { "one edit" } else { "two edits" },
                    names.join(" or ")
                );
                let help = near.iter().map(|(k, who)| format!("`{k}` ({who})")).collect::<Vec<_>>().join(", or ");
                let help =
                    format!("rename it to {help}; if {name} is the project's own setting, suppress DJ033 on this line");
                Diagnostic::new(&RULE, span, message).with_label("unknown setting").with_help(help)
            }
            Finding::Removed(last, gone, note) => {
                let message = format!(
                    "{name} was removed in Django {gone} ({last} was the last version to read it): on Django {gone} \
                     and later it has no effect"
                );
                let help = match note.is_empty() {
                    true => format!("delete {name}"),
                    false => format!("delete {name} ({note})"),
                };
                Diagnostic::new(&RULE, span, message).with_label(format!("removed in Django {gone}")).with_help(help)
            }
            Finding::CsrfHttpOnly => Diagnostic::new(
                &RULE,
                span,
                "CSRF_COOKIE_HTTPONLY is on, which protects nothing: the CSRF token is also in every page with a \
                 form, where a script can read it, so hiding the cookie from JavaScript offers no practical \
                 protection (Django's documentation of the setting)",
            )
            .with_label("no security effect")
            .with_help(
                "delete CSRF_COOKIE_HTTPONLY; JavaScript that sends the X-CSRFToken header then reads the token \
                 from the cookie, as Django's AJAX guide shows",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{judge, near_misses, Finding, KNOWN, REMOVED};
    use crate::settings::Value;

    fn finding(name: &str) -> Option<Finding> {
        judge(name, &Value::bool(false, None), |_| false)
    }

    #[test]
    fn tables_are_sorted_and_disjoint() {
        assert!(KNOWN.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(REMOVED.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(REMOVED.iter().all(|(r, ..)| KNOWN.binary_search_by(|(k, _)| k.cmp(r)).is_err()));
    }

    #[test]
    fn misspellings_fire() {
        for (typo, intended) in [
            ("CORS_ALLOWED_CREDENTIALS", "CORS_ALLOW_CREDENTIALS"),
            ("SECURE_HSTS_INCLUDE_SUBDOMAIN", "SECURE_HSTS_INCLUDE_SUBDOMAINS"),
            ("SESSION_COOKIE_SECRUE", "SESSION_COOKIE_SECURE"),
            ("SECURE_CONTENT_TYPE_NO_SNIFF", "SECURE_CONTENT_TYPE_NOSNIFF"),
            ("ALLOWED_HOST", "ALLOWED_HOSTS"),
            ("CSP_REPORT_URL", "CSP_REPORT_URI"),
            ("TIMEZONE", "TIME_ZONE"),
            ("STATICFILES_DIR", "STATICFILES_DIRS"),
            ("AXES_FAILURES_LIMIT", "AXES_FAILURE_LIMIT"),
            ("CELERY_BROKER_ULR", "CELERY_BROKER_URL"),
            ("AWS_STORAGE_BUCKET", "AWS_STORAGE_BUCKET_NAME"),
        ] {
            if intended == "AWS_STORAGE_BUCKET_NAME" {
                // Dropping a whole word is a project's own name, not a misspelling.
                assert_eq!(finding(typo), None, "{typo}");
                continue;
            }
            match finding(typo) {
                Some(Finding::NearMiss(_, near)) => {
                    assert!(near.iter().any(|(k, _)| *k == intended), "{typo}: {near:?}")
                }
                other => panic!("{typo}: {other:?}"),
            }
        }
    }

    #[test]
    fn project_names_stay_silent() {
        for name in [
            "SITE_NAME",
            "SITE_URL",
            "API_URL",
            "API_VERSION",
            "REDIS_URL",
            "REDIS_HOST",
            "DATABASE_URL",
            "BASE_DIR",
            "ROOT_DIR",
            "APPS_DIR",
            "PROJECT_DIR",
            "PROJECT_ROOT",
            "ENV",
            "ENVIRONMENT",
            "LOCAL_APPS",
            "THIRD_PARTY_APPS",
            "DJANGO_APPS",
            "SHARED_APPS",
            "TENANT_APPS",
            "ADMIN_URL",
            "STATIC_HOST",
            "STATIC_DIR",
            "MEDIA_DIR",
            "TEMPLATES_DIR",
            "MY_APP_DEBUG",
            "DEBUG_2",
            "USE_S3",
            "SENTRY_DSN",
            "SENTRY_ENVIRONMENT",
            "SENTRY_TRACES_SAMPLE_RATE",
            "ACCOUNT_EMAIL_VERIFICATION",
            "ACCOUNT_ALLOW_REGISTRATION",
            "SOCIALACCOUNT_ALLOW_REGISTRATION",
            "CRISPY_TEMPLATE_PACK",
            "SPECTACULAR_SETTINGS",
            "DEBUG_TOOLBAR_CONFIG",
            "COMPRESS_ENABLED",
            "ANYMAIL",
            "STRIPE_SECRET_KEY",
            "FRONTEND_URL",
            "CACHE_TTL",
            "LOG_LEVEL",
            "DB_NAME",
            "EMAIL_SENDER",
            "SUPPORT_EMAIL",
            "JWT_SECRET",
            "AWS_REGION",
            "ASGI_APPLICATION",
            "CHANNEL_LAYERS",
        ] {
            assert_eq!(finding(name), None, "{name}: {:?}", near_misses(name));
        }
    }

    #[test]
    fn settings_of_packages_preflight_does_not_know_stay_silent() {
        let names = "ACCOUNT_AUTHENTICATION_METHOD ACCOUNT_EMAIL_REQUIRED ACCOUNT_LOGIN_METHODS ACCOUNT_ADAPTER \
            ACCOUNT_EMAIL_SUBJECT_PREFIX ACCOUNT_DEFAULT_HTTP_PROTOCOL SOCIALACCOUNT_PROVIDERS REST_AUTH REST_USE_JWT \
            JWT_AUTH_COOKIE JWT_AUTH_HTTPONLY JWT_AUTH_SECURE DEBUG_TOOLBAR_PANELS DJANGO_REDIS_IGNORE_EXCEPTIONS \
            SWAGGER_SETTINGS FILTERS_DEFAULT_LOOKUP_EXPR COMPRESS_OFFLINE COMPRESS_URL COMPRESS_ROOT COMPRESS_STORAGE \
            IMPORT_EXPORT_USE_TRANSACTIONS GUARDIAN_RAISE_403 RQ_QUEUES OTP_TOTP_ISSUER PHONENUMBER_DEFAULT_REGION \
            WAGTAIL_SITE_NAME WAGTAILADMIN_BASE_URL CKEDITOR_CONFIGS RATELIMIT_ENABLE RATELIMIT_USE_CACHE \
            DEFENDER_LOGIN_FAILURE_LIMIT DEFENDER_COOLOFF_TIME SILKY_PYTHON_PROFILER SHELL_PLUS TENANT_MODEL \
            PUBLIC_SCHEMA_NAME OAUTH2_PROVIDER SOCIAL_AUTH_URL_NAMESPACE GRAPHENE CONSTANCE_CONFIG PERMISSIONS_POLICY \
            REFERRER_POLICY SESSION_EXPIRE_SECONDS Q_CLUSTER AWS_S3_BUCKET AWS_BUCKET_NAME AWS_DEFAULT_REGION \
            AWS_REGION_NAME MEDIA_LOCATION STATIC_LOCATION MEDIA_HOST CORS_ALLOW_ALL CELERY_BROKER REDIS_PORT \
            POSTGRES_HOST CACHE_URL USE_HTTPS LOGGING_LEVEL SERVER_URL STATIC_CDN";
        for name in names.split_whitespace() {
            assert_eq!(finding(name), None, "{name}: {:?}", near_misses(name));
        }
    }

    #[test]
    fn known_names_never_fire() {
        for (name, _) in KNOWN {
            assert_eq!(finding(name), None, "{name}");
        }
    }

    #[test]
    fn removed_and_no_effect() {
        assert_eq!(finding("SECURE_BROWSER_XSS_FILTER"), Some(Finding::Removed("3.2", "4.0", REMOVED_XSS_NOTE)));
        for name in ["DEFAULT_HASHING_ALGORITHM", "PASSWORD_RESET_TIMEOUT_DAYS", "USE_L10N", "DEFAULT_FILE_STORAGE"] {
            assert!(matches!(finding(name), Some(Finding::Removed(..))), "{name}");
        }
        assert_eq!(judge("CSRF_COOKIE_HTTPONLY", &Value::bool(true, None), |_| false), Some(Finding::CsrfHttpOnly));
        assert_eq!(finding("CSRF_COOKIE_HTTPONLY"), None);
    }

    const REMOVED_XSS_NOTE: &str = "the X-XSS-Protection header is no longer sent, and browsers ignore it; a \
                                    Content-Security-Policy without 'unsafe-inline' protects instead";

    #[test]
    fn a_helper_beside_its_setting_is_silent() {
        let assigned = |n: &str| n == "FIXTURE_DIRS";
        assert_eq!(judge("FIXTURE_DIR", &Value::bool(false, None), assigned), None);
        assert!(matches!(finding("FIXTURE_DIR"), Some(Finding::NearMiss(1, _))));
    }
}
