//! DJ016 csp-missing: production responses carry no Content-Security-Policy. Counted as a CSP:
//! Django 6's `SECURE_CSP` (or `SECURE_CSP_REPORT_ONLY`) with `ContentSecurityPolicyMiddleware`;
//! django-csp 4's `CONTENT_SECURITY_POLICY` (or `..._REPORT_ONLY`) with `CSPMiddleware`;
//! django-csp 3's `CSP_*` settings with `CSPMiddleware`. Settings written for django-csp 4 (its
//! dict settings, or values from `csp.constants`) that still hold old `CSP_*` settings and no
//! enforced policy fire at the first `CSP_` assignment: django-csp 4 ignores them silently. A
//! dependency file requiring django-csp 4 (`django-csp==4.0` in `requirements/base.txt`) counts
//! as such evidence too.

use super::{
    csp_policies, csp_v4_evidence, has_middleware, middleware_missing, never_set, CspPolicy, Setting, CSP3_SETTINGS,
    CSP_MIDDLEWARES, DJANGO_CSP_MIDDLEWARE,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ016",
    name: "csp-missing",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "Production responses carry no Content-Security-Policy (Django 6 `SECURE_CSP`, django-csp 3 or 4)",
    check: Check::Settings(check),
};

const HELP: &str = "on Django 6.0+, add \"django.middleware.csp.ContentSecurityPolicyMiddleware\" to MIDDLEWARE \
                    and set SECURE_CSP = {\"default-src\": [CSP.SELF]} (from django.utils.csp import CSP); with \
                    django-csp 4, add \"csp.middleware.CSPMiddleware\" and set CONTENT_SECURITY_POLICY = \
                    {\"DIRECTIVES\": {\"default-src\": [SELF]}} (from csp.constants import SELF)";

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(policies) = csp_policies(ctx) else { return };
    if let Some(d) = old_settings_under_v4(ctx, &policies) {
        out.push(d);
        return;
    }
    if policies.is_empty() {
        out.extend(no_policy(ctx));
    }
}

/// django-csp 4 with django-csp 3's settings and no enforced django-csp 4 policy.
fn old_settings_under_v4(ctx: &SettingsCtx<'_>, policies: &[CspPolicy]) -> Option<Diagnostic> {
    let mut csp_mw = false;
    for path in CSP_MIDDLEWARES {
        csp_mw |= has_middleware(ctx, path)?;
    }
    let enforced_v4 = policies.iter().any(|p| p.source == "django-csp 4" && !p.report_only);
    if !csp_mw || enforced_v4 {
        return None;
    }
    let why = csp_v4_evidence(ctx)?;
    let eval = ctx.eval();
    let first = eval.values.keys().find_map(|k| CSP3_SETTINGS.iter().copied().find(|n| n == k))?;
    let count = CSP3_SETTINGS.iter().filter(|n| eval.is_assigned(n)).count();
    let others = match count {
        1 => String::new(),
        2 => " and 1 other old `CSP_*` setting".into(),
        n => format!(" and {} other old `CSP_*` settings", n - 1),
    };
    let header = if policies.iter().any(|p| p.source == "django-csp 4") {
        "only the report-only header is sent"
    } else {
        "no Content-Security-Policy header is sent"
    };
    let s = Setting::get(ctx, first)?;
    let message = format!(
        "django-csp 4 is in use ({why}) and ignores `{first}`{others}: it reads only CONTENT_SECURITY_POLICY, \
         so {header} and the policy these settings describe is never applied"
    );
    let d = s.diagnostic(&RULE, &s.value, message)?.with_label("ignored by django-csp 4");
    Some(d.with_help(
        "move the directives into CONTENT_SECURITY_POLICY = {\"DIRECTIVES\": {\"default-src\": [...], ...}} \
         and delete the CSP_* settings (with \"csp\" in INSTALLED_APPS, `manage.py check` prints a draft as \
         csp.E001)",
    ))
}

/// No policy at all: say why, where the fix goes.
fn no_policy(ctx: &SettingsCtx<'_>) -> Option<Diagnostic> {
    let eval = ctx.eval();
    let truthy = |name: &'static str| Setting::get(ctx, name).is_some_and(|s| s.value.truthy() == Some(true));
    let native_mw = has_middleware(ctx, DJANGO_CSP_MIDDLEWARE)?;
    let csp_mw = CSP_MIDDLEWARES.iter().any(|p| has_middleware(ctx, p) == Some(true));
    let native_set = truthy("SECURE_CSP") || truthy("SECURE_CSP_REPORT_ONLY");
    let lib_set = truthy("CONTENT_SECURITY_POLICY")
        || truthy("CONTENT_SECURITY_POLICY_REPORT_ONLY")
        || CSP3_SETTINGS.iter().any(|n| eval.is_assigned(n));
    if native_set && !native_mw {
        let message = format!(
            "SECURE_CSP is set, but `{DJANGO_CSP_MIDDLEWARE}` is not in MIDDLEWARE: without it Django sends \
             no Content-Security-Policy header"
        );
        let d = middleware_missing(ctx, &RULE, DJANGO_CSP_MIDDLEWARE, message)?;
        return Some(d.with_help(format!("add \"{DJANGO_CSP_MIDDLEWARE}\" to MIDDLEWARE")));
    }
    if lib_set && !csp_mw {
        let message = format!(
            "django-csp settings are set, but `{}` is not in MIDDLEWARE: without it no Content-Security-Policy \
             header is sent",
            CSP_MIDDLEWARES[0]
        );
        let d = middleware_missing(ctx, &RULE, CSP_MIDDLEWARES[0], message)?;
        return Some(d.with_help(format!("add \"{}\" to MIDDLEWARE", CSP_MIDDLEWARES[0])));
    }
    let d = if native_mw {
        let message = "ContentSecurityPolicyMiddleware is in MIDDLEWARE, but with no policy it sends no \
                       Content-Security-Policy header";
        match Setting::get(ctx, "SECURE_CSP") {
            Some(s) if s.assigned => s.diagnostic(&RULE, &s.value, format!("SECURE_CSP is empty: {message}"))?,
            _ => never_set(ctx, &RULE, "SECURE_CSP", message)?,
        }
        .with_help("set SECURE_CSP = {\"default-src\": [CSP.SELF]} (from django.utils.csp import CSP)")
    } else if csp_mw {
        let message = "CSPMiddleware is in MIDDLEWARE, but no policy is configured: django-csp 4 sends no \
                       Content-Security-Policy header without CONTENT_SECURITY_POLICY (django-csp 3 sent only \
                       its default `default-src 'self'`)";
        match Setting::get(ctx, "CONTENT_SECURITY_POLICY") {
            Some(s) => s.diagnostic(&RULE, &s.value, format!("CONTENT_SECURITY_POLICY is empty: {message}"))?,
            None => never_set(ctx, &RULE, "CONTENT_SECURITY_POLICY", message)?,
        }
        .with_help("set CONTENT_SECURITY_POLICY = {\"DIRECTIVES\": {\"default-src\": [SELF]}} (from csp.constants import SELF)")
    } else {
        let message = "no Content-Security-Policy: production configures neither Django's SECURE_CSP (6.0+) \
                       nor django-csp, so a browser runs any script that an injection slips into a page";
        Diagnostic::new(&RULE, ctx.first_statement()?, message).with_help(HELP)
    };
    Some(d)
}
