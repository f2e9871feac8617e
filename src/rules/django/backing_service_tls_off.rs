//! DJ034 backing-service-tls-off: production settings turn TLS, or its verification, off for a
//! backing service:
//! - a database whose `OPTIONS["sslmode"]` (written, or from the query of a database URL read by
//!   django-environ or dj-database-url) is `disable`, `allow` or `prefer` (TLS off or
//!   downgradable), or `require` without an `sslrootcert` (encrypted, but the server is not
//!   verified);
//! - `ssl_cert_reqs` set to None, `"none"`, `"CERT_NONE"` or `ssl.CERT_NONE` in cache or Celery
//!   options, or as a query parameter of a cache, broker or result-backend URL
//!   (`rediss://...?ssl_cert_reqs=none`);
//! - `EMAIL_USE_TLS` and `EMAIL_USE_SSL` both off for the SMTP backend with a non-local
//!   `EMAIL_HOST`.
//!
//! Each diagnostic points where the offending value originates (the literal, the env file line,
//! the URL default).

use super::{library_name, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Kind, Value};

pub const RULE: Rule = Rule {
    code: "DJ034",
    name: "backing-service-tls-off",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "TLS or its verification is off for the database, cache, broker or email server",
    check: Check::Settings(check),
};

/// Settings that may hold Redis/Celery TLS options or URLs.
const CERT_REQS_SETTINGS: &[&str] = &[
    "CACHES",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_BROKER_USE_SSL",
    "CELERY_REDIS_BACKEND_USE_SSL",
    "CELERY_BROKER_TRANSPORT_OPTIONS",
    "CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS",
    "BROKER_URL",
    "BROKER_USE_SSL",
    "CHANNEL_LAYERS",
];

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    databases(ctx, out);
    for name in CERT_REQS_SETTINGS {
        let Some(s) = Setting::get(ctx, name) else { continue };
        let mut found = Vec::new();
        cert_reqs_off(&s.value, 0, &mut found);
        for v in found {
            let message = format!(
                "{name} turns off certificate verification for Redis/Celery ({}): the connection is encrypted, \
                 but to whoever answers, so anyone on the network path can pose as the server and read or \
                 change cached data and task messages",
                if matches!(v.kind, Kind::Str(_)) && v.as_str().is_some_and(|s| s.contains("://")) {
                    "its URL has ssl_cert_reqs=none".to_string()
                } else {
                    format!("ssl_cert_reqs is {}", v.describe())
                }
            );
            let help = "use ssl_cert_reqs=\"required\" (ssl.CERT_REQUIRED, the default), with ssl_ca_certs naming \
                        the provider's CA bundle when it is not in the system store";
            out.extend(s.diagnostic(&RULE, v, message).map(|d| d.with_label("no certificate check").with_help(help)));
        }
    }
    email(ctx, out);
}

fn databases(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = Setting::get(ctx, "DATABASES") else { return };
    let Some(dbs) = s.value.as_dict() else { return };
    for (alias, db) in dbs.iter() {
        let Some(alias) = alias.as_str() else { continue };
        let Some(options) = db.get("OPTIONS").and_then(Value::as_dict) else { continue };
        let Some(mode_value) = options.get_str("sslmode") else { continue };
        let Some(mode) = mode_value.as_str() else { continue };
        let (what, label) = match mode.trim().to_ascii_lowercase().as_str() {
            "disable" => (
                "disable: the connection is never encrypted, so passwords and data cross the network in clear",
                "TLS off",
            ),
            "allow" | "prefer" => (
                "a mode that falls back to an unencrypted connection, so an attacker on the network path can \
                 downgrade it and read passwords and data",
                "TLS optional",
            ),
            "require" if options.get_str("sslrootcert").is_none() => (
                "require without sslrootcert: the connection is encrypted but the server's certificate is never \
                 checked, so anyone on the network path can pose as the database",
                "TLS not verified",
            ),
            _ => continue,
        };
        let message = format!("the `{alias}` database's sslmode is \"{mode}\", {what}");
        let help = "set sslmode to \"verify-full\" (with sslrootcert naming the server's CA when it is not in the \
                    system store); a database on the same private network as the app may instead be documented \
                    with a suppression comment";
        out.extend(s.diagnostic(&RULE, mode_value, message).map(|d| d.with_label(label).with_help(help)));
    }
}

/// Values of `ssl_cert_reqs` that turn verification off, in options and in URL queries.
fn cert_reqs_off<'v>(v: &'v Value, depth: usize, out: &mut Vec<&'v Value>) {
    if depth > 8 {
        return;
    }
    match &v.kind {
        Kind::Str(s) => {
            if url_turns_off(s) {
                out.push(v);
            }
        }
        _ => {
            if let Some(d) = v.as_dict() {
                for (k, item) in d.iter() {
                    if k.as_str() == Some("ssl_cert_reqs") && is_cert_none(item) {
                        out.push(item);
                    } else {
                        cert_reqs_off(item, depth + 1, out);
                    }
                }
            } else if let Some(items) = v.as_seq() {
                for item in items {
                    cert_reqs_off(item, depth + 1, out);
                }
            }
        }
    }
}

fn is_cert_none(v: &Value) -> bool {
    match &v.kind {
        Kind::None => true,
        Kind::Str(s) => matches!(s.trim().to_ascii_lowercase().as_str(), "none" | "cert_none"),
        Kind::Int(0) => true,
        _ => library_name(v) == Some("ssl.CERT_NONE"),
    }
}

/// A `redis://`/`rediss://`/`amqps://` URL with `ssl_cert_reqs=none` (or `CERT_NONE`) in its query.
fn url_turns_off(s: &str) -> bool {
    let Some((_, query)) = s.split_once('?') else { return false };
    s.contains("://")
        && crate::settings::env::parse_qs(query)
            .iter()
            .any(|(k, v)| k == "ssl_cert_reqs" && matches!(v.to_ascii_lowercase().as_str(), "none" | "cert_none"))
}

fn email(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(backend) = Setting::get(ctx, "EMAIL_BACKEND") else { return };
    if backend.value.as_str() != Some("django.core.mail.backends.smtp.EmailBackend") {
        return;
    }
    let Some(host) = Setting::get(ctx, "EMAIL_HOST") else { return };
    let Some(name) = host.value.as_str().map(str::trim) else { return };
    if name.is_empty() || matches!(name.to_ascii_lowercase().as_str(), "localhost" | "127.0.0.1" | "::1") {
        return;
    }
    let Some(tls) = Setting::get(ctx, "EMAIL_USE_TLS") else { return };
    let Some(ssl) = Setting::get(ctx, "EMAIL_USE_SSL") else { return };
    if tls.value.truthy() != Some(false) || ssl.value.truthy() != Some(false) {
        return;
    }
    let message = format!(
        "mail goes to {} over SMTP with EMAIL_USE_TLS and EMAIL_USE_SSL both off: the SMTP password and every \
         email (password-reset links included) cross the network in clear",
        host.value.describe()
    );
    let help = "set EMAIL_USE_TLS = True (STARTTLS, port 587) or EMAIL_USE_SSL = True (port 465)";
    // Where TLS is turned off, when written; else the host, as that is what makes it matter.
    let (at, value) = if tls.assigned { (&tls, &tls.value) } else { (&host, &host.value) };
    let Some(mut d) = at.diagnostic(&RULE, value, message) else { return };
    if let Some(span) = host.span_of(&host.value).filter(|s| *s != d.span && host.assigned) {
        d = d.with_related(span, format!("EMAIL_HOST is {}", host.value.describe()));
    }
    out.push(d.with_label("no TLS").with_help(help));
}
