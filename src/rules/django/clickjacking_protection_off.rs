//! DJ008 clickjacking-protection-off: `XFrameOptionsMiddleware` is not in `MIDDLEWARE` (Django's
//! `security.W002`), or it is and `X_FRAME_OPTIONS != "DENY"` (`security.W019`). Each is its own
//! diagnostic (they cannot both hold).

use super::{has_middleware, middleware_missing, value_phrase, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::Value;

pub const RULE: Rule = Rule {
    code: "DJ008",
    name: "clickjacking-protection-off",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "No `XFrameOptionsMiddleware`, or `X_FRAME_OPTIONS` is not \"DENY\" (Django security.W002, W019)",
    check: Check::Settings(check),
};

const XFRAME_MIDDLEWARE: &str = "django.middleware.clickjacking.XFrameOptionsMiddleware";

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let message = format!(
        "`{XFRAME_MIDDLEWARE}` is not in MIDDLEWARE: pages are served without an X-Frame-Options \
         header, so any site can frame them for clickjacking (Django security.W002)"
    );
    if let Some(d) = middleware_missing(ctx, &RULE, XFRAME_MIDDLEWARE, message) {
        out.push(d.with_help(format!("add \"{XFRAME_MIDDLEWARE}\" to MIDDLEWARE")));
        return;
    }
    if has_middleware(ctx, XFRAME_MIDDLEWARE) != Some(true) {
        return;
    }
    // Django: `settings.X_FRAME_OPTIONS == "DENY"`.
    let Some(xfo) = Setting::known(ctx, "X_FRAME_OPTIONS") else { return };
    if xfo.value.py_eq(&Value::str("DENY", None)) != Some(false) {
        return;
    }
    let why = match xfo.value.as_str() {
        Some(v) if v.eq_ignore_ascii_case("SAMEORIGIN") => "any page of the same origin may frame these pages",
        Some(v) if v.eq_ignore_ascii_case("DENY") => "Django's check compares case-sensitively with \"DENY\"",
        _ => "the X-Frame-Options header does not forbid framing",
    };
    let message = format!(
        "{}{why}; unless some page must be framed, it should be \"DENY\" (Django security.W019)",
        value_phrase(&xfo, &xfo.value, false),
    );
    if let Some(d) = xfo.diagnostic(&RULE, &xfo.value, message) {
        out.push(d.with_label("not \"DENY\"").with_help(
            "X_FRAME_OPTIONS = \"DENY\" (and `@xframe_options_sameorigin` on the views that must be framed)",
        ));
    }
}
