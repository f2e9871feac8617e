//! DJ015 security-header-misconfigured: with `SecurityMiddleware` in `MIDDLEWARE`, Django's
//! header checks, each its own diagnostic: `SECURE_CONTENT_TYPE_NOSNIFF is not True`
//! (`security.W006`); `SECURE_REFERRER_POLICY is None` (`security.W022`) or holding a value
//! outside the Referrer-Policy tokens (`security.E023`: a string is split on commas and each part
//! stripped; any other iterable is taken item by item, unstripped); `SECURE_CROSS_ORIGIN_OPENER_POLICY`
//! neither None nor a valid token (`security.E024`).

use super::security_middleware_missing::SECURITY_MIDDLEWARE;
use super::{has_middleware, value_phrase, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Kind, Value};

pub const RULE: Rule = Rule {
    code: "DJ015",
    name: "security-header-misconfigured",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "nosniff off, Referrer-Policy unset or invalid, or an invalid COOP value (Django security.W006, W022, E023, E024)",
    check: Check::Settings(check),
};

/// Django's `REFERRER_POLICY_VALUES`.
const REFERRER_POLICIES: &[&str] = &[
    "no-referrer",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
];

/// Django's `CROSS_ORIGIN_OPENER_POLICY_VALUES`.
const COOP_VALUES: &[&str] = &["same-origin", "same-origin-allow-popups", "unsafe-none"];

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    if has_middleware(ctx, SECURITY_MIDDLEWARE) != Some(true) {
        return;
    }
    nosniff(ctx, out);
    referrer_policy(ctx, out);
    opener_policy(ctx, out);
}

fn nosniff(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = Setting::known(ctx, "SECURE_CONTENT_TYPE_NOSNIFF") else { return };
    if s.value.is_true() != Some(false) {
        return;
    }
    let message = format!(
        "{}pages are served without `X-Content-Type-Options: nosniff`, so browsers may guess a \
         content type and run an uploaded file as script (Django security.W006)",
        value_phrase(&s, &s.value, true)
    );
    if let Some(d) = s.diagnostic(&RULE, &s.value, message) {
        out.push(d.with_label("not True").with_help("SECURE_CONTENT_TYPE_NOSNIFF = True"));
    }
}

fn referrer_policy(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = Setting::known(ctx, "SECURE_REFERRER_POLICY") else { return };
    let help = "SECURE_REFERRER_POLICY = \"same-origin\" (or \"strict-origin-when-cross-origin\")";
    if s.value.is_none() == Some(true) {
        let message = format!(
            "{}no Referrer-Policy header is sent, so full URLs (with their paths and query strings) \
             leak to other sites (Django security.W022)",
            value_phrase(&s, &s.value, false)
        );
        if let Some(d) = s.diagnostic(&RULE, &s.value, message) {
            out.push(d.with_label("None").with_help(help));
        }
        return;
    }
    let Some(invalid) = invalid_referrer_policies(&s.value) else { return };
    if invalid.is_empty() {
        return;
    }
    let message = format!(
        "{}{} {}, so browsers ignore the header (Django security.E023); valid values: {}",
        value_phrase(&s, &s.value, false),
        invalid.join(", "),
        if invalid.len() == 1 { "is not a Referrer-Policy value" } else { "are not Referrer-Policy values" },
        REFERRER_POLICIES.join(", ")
    );
    if let Some(d) = s.diagnostic(&RULE, &s.value, message) {
        out.push(d.with_label("invalid Referrer-Policy").with_help(help));
    }
}

/// The parts of a referrer policy that Django rejects (shown as text), as its check reads the
/// value; None when they cannot be known.
fn invalid_referrer_policies(v: &Value) -> Option<Vec<String>> {
    let valid = |s: &str| REFERRER_POLICIES.contains(&s);
    let items: Vec<&Value> = match &v.kind {
        // `{v.strip() for v in value.split(",")}`
        Kind::Str(s) => {
            let bad = s.split(',').map(str::trim).filter(|p| !valid(p)).map(crate::settings::value::str_repr).collect();
            return Some(bad);
        }
        // `set(value)`: the items, or a dict's keys.
        Kind::List(items) | Kind::Tuple(items) | Kind::Set(items) => items.iter().collect(),
        Kind::Dict(d) => d.iter().map(|(k, _)| k).collect(),
        Kind::Unknown(_) | Kind::OneOf(_) => return None,
        _ => return Some(vec![format!("a {} (Django's check raises TypeError on it)", v.type_name())]),
    };
    let mut bad = Vec::new();
    for item in items {
        match &item.kind {
            Kind::Str(s) if valid(s) => {}
            Kind::Unknown(_) | Kind::OneOf(_) => return None,
            _ => bad.push(item.describe()),
        }
    }
    Some(bad)
}

fn opener_policy(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = Setting::known(ctx, "SECURE_CROSS_ORIGIN_OPENER_POLICY") else { return };
    // `value is not None and value not in CROSS_ORIGIN_OPENER_POLICY_VALUES`
    if s.value.is_none() != Some(false) || s.value.as_str().is_some_and(|v| COOP_VALUES.contains(&v)) {
        return;
    }
    let crash = match s.value.kind {
        Kind::List(_) | Kind::Set(_) | Kind::Dict(_) => " (Django's check raises TypeError on it)",
        _ => "",
    };
    let message = format!(
        "{}not a Cross-Origin-Opener-Policy value, so browsers ignore the header{crash} \
         (Django security.E024); valid values: {}",
        value_phrase(&s, &s.value, false),
        COOP_VALUES.join(", ")
    );
    if let Some(d) = s.diagnostic(&RULE, &s.value, message) {
        out.push(
            d.with_label("invalid Cross-Origin-Opener-Policy")
                .with_help("SECURE_CROSS_ORIGIN_OPENER_POLICY = \"same-origin\""),
        );
    }
}
