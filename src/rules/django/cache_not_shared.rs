//! DJ035 cache-not-shared: production `CACHES["default"]` is a per-process backend (LocMemCache,
//! FileBasedCache) or no cache at all (DummyCache), so what Django and its apps keep in the cache
//! (django-axes' and DRF's counters, django-ratelimit's, cache-backed sessions) is not shared by
//! the workers; or `SESSION_ENGINE` keeps sessions in such a cache (checklist section 5).
//!
//! The backend is read as the settings give it, django-environ's `env.cache_url()` included
//! (`locmemcache://`, `dummycache://`, `filecache://`; the evaluator maps the scheme to the
//! BACKEND). A project that never sets `CACHES` runs on Django's default LocMemCache: that fires
//! only when something in the settings relies on the cache (a cache-backed `SESSION_ENGINE`, DRF
//! throttle classes, django-axes' cache handler, django-ratelimit), since a project that caches
//! nothing loses nothing.

use super::{has_app, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::Value;

pub const RULE: Rule = Rule {
    code: "DJ035",
    name: "cache-not-shared",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "Production cache is per process (LocMem, FileBased) or none (Dummy), or sessions live in such a cache",
    check: Check::Settings(check),
};

const SESSION_CACHE_ENGINES: &[&str] =
    &["django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cached_db"];

const HELP: &str = "use a cache every worker shares: CACHES = {\"default\": {\"BACKEND\": \
                    \"django.core.cache.backends.redis.RedisCache\", \"LOCATION\": env(\"REDIS_URL\")}} \
                    (or env.cache_url(\"CACHE_URL\") with a redis:// or memcache:// URL)";

/// A per-process or absent cache backend: its short name and what it does.
fn per_process(backend: &str) -> Option<(&'static str, &'static str)> {
    Some(match backend {
        "django.core.cache.backends.locmem.LocMemCache" => {
            ("LocMemCache", "keeps a separate cache in each worker process's memory")
        }
        "django.core.cache.backends.filebased.FileBasedCache" => (
            "FileBasedCache",
            "keeps the cache in files local to one machine or container, which other replicas do not see",
        ),
        "django.core.cache.backends.dummy.DummyCache" => ("DummyCache", "caches nothing (every read misses)"),
        _ => return None,
    })
}

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(caches) = Setting::get(ctx, "CACHES") else { return };
    let Some(dict) = caches.value.as_dict() else { return };
    let sessions = session_alias(ctx);
    // The default cache.
    let default_backend = dict.get_str("default").and_then(|c| c.get("BACKEND"));
    if let Some((backend, (short, what))) = default_backend.and_then(|b| Some((b, per_process(b.as_str()?)?))) {
        let users = cache_users(ctx, sessions.as_deref() == Some("default"));
        if caches.assigned || !users.is_empty() {
            let relying = if users.is_empty() { String::new() } else { format!(" ({} rely on it)", users.join(", ")) };
            let message = if short == "DummyCache" {
                format!(
                    "the default cache is {short}, which {what}: lockout counters, rate limits and cached \
                     sessions are never kept{relying}, so limits never trigger and cache-backed sessions do \
                     not persist"
                )
            } else {
                format!(
                    "the default cache is {short}, which {what}: lockout counters, rate limits and cached \
                     sessions differ per worker{relying}, so a client spreads its attempts over the workers and \
                     a user is logged out when a request lands on another one"
                )
            };
            let value = if caches.assigned { backend } else { &caches.value };
            out.extend(caches.diagnostic(&RULE, value, message).map(|d| d.with_label(short).with_help(HELP)));
        }
    }
    // Sessions in another per-process cache.
    let Some(alias) = sessions.filter(|a| a != "default") else { return };
    let Some(backend) = dict.get_str(&alias).and_then(|c| c.get("BACKEND")) else { return };
    let Some((short, what)) = backend.as_str().and_then(per_process) else { return };
    let message = format!(
        "SESSION_ENGINE keeps sessions in the `{alias}` cache, which is {short} and {what}: sessions differ per \
         worker, so users are logged out when a request lands on another one"
    );
    out.extend(caches.diagnostic(&RULE, backend, message).map(|d| d.with_label(short).with_help(HELP)));
}

/// The cache alias sessions live in, when `SESSION_ENGINE` is cache-backed.
fn session_alias(ctx: &SettingsCtx<'_>) -> Option<String> {
    let engine = Setting::get(ctx, "SESSION_ENGINE")?;
    if !SESSION_CACHE_ENGINES.contains(&engine.value.as_str()?) {
        return None;
    }
    Some(Setting::get(ctx, "SESSION_CACHE_ALIAS")?.value.as_str()?.to_string())
}

/// What in the settings keeps state in the default cache.
fn cache_users(ctx: &SettingsCtx<'_>, sessions: bool) -> Vec<&'static str> {
    let mut users = Vec::new();
    if sessions {
        users.push("cache-backed sessions");
    }
    let drf = Setting::get(ctx, "REST_FRAMEWORK");
    let throttles = drf
        .as_ref()
        .and_then(|s| s.value.get("DEFAULT_THROTTLE_CLASSES"))
        .and_then(Value::as_seq)
        .is_some_and(|items| !items.is_empty());
    if throttles && has_app(ctx, "rest_framework") == Some(true) {
        users.push("DRF's throttles");
    }
    let axes_cache = Setting::get(ctx, "AXES_HANDLER")
        .is_some_and(|s| s.value.as_str() == Some("axes.handlers.cache.AxesCacheHandler"));
    if axes_cache && has_app(ctx, "axes") == Some(true) {
        users.push("django-axes' cache handler");
    }
    if has_app(ctx, "django_ratelimit") == Some(true) || has_app(ctx, "ratelimit") == Some(true) {
        users.push("django-ratelimit");
    }
    users
}
