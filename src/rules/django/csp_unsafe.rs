//! DJ017 csp-unsafe: the production CSP is report-only, or its `script-src`/`default-src` allows
//! `'unsafe-inline'`, `'unsafe-eval'` or `*`. Judges the policies DJ016 counts (a policy without
//! its middleware is DJ016's business); constants (`CSP.UNSAFE_INLINE`, `csp.constants.SELF`)
//! are read as the strings they stand for.

use super::{csp_policies, library_name, CspDirective, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::Value;

pub const RULE: Rule = Rule {
    code: "DJ017",
    name: "csp-unsafe",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "The production CSP is report-only, or allows 'unsafe-inline', 'unsafe-eval' or * for scripts",
    check: Check::Settings(check),
};

const UNSAFE: &[&str] = &["'unsafe-inline'", "'unsafe-eval'", "*"];

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(policies) = csp_policies(ctx) else { return };
    if policies.iter().all(|p| p.report_only) {
        if let Some(p) = policies.first() {
            out.extend(report_only(ctx, p.owner, p.source));
        }
        return;
    }
    for p in policies.iter().filter(|p| !p.report_only) {
        for d in p.directives.iter().filter(|d| d.name == "script-src" || d.name == "default-src") {
            out.extend(unsafe_sources(ctx, d));
        }
    }
}

fn report_only(ctx: &SettingsCtx<'_>, owner: &'static str, source: &str) -> Option<Diagnostic> {
    let s = Setting::get(ctx, owner)?;
    let (what, help) = match owner {
        "SECURE_CSP_REPORT_ONLY" => {
            ("SECURE_CSP_REPORT_ONLY", "move the policy to SECURE_CSP once its reports are clean")
        }
        "CONTENT_SECURITY_POLICY_REPORT_ONLY" => (
            "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            "move the policy to CONTENT_SECURITY_POLICY once its reports are clean",
        ),
        _ => ("CSP_REPORT_ONLY", "set CSP_REPORT_ONLY = False once the policy's reports are clean"),
    };
    let at = if owner.starts_with("CSP_") { Setting::get(ctx, "CSP_REPORT_ONLY").unwrap_or(s) } else { s };
    let message = format!(
        "the only Content-Security-Policy production sends is report-only ({what}, {source}): browsers report \
         violations but block nothing, so injected scripts still run"
    );
    Some(at.diagnostic(&RULE, &at.value, message)?.with_label("report-only").with_help(help))
}

/// The unsafe sources of one directive: one diagnostic, at the first of them.
fn unsafe_sources(ctx: &SettingsCtx<'_>, d: &CspDirective) -> Option<Diagnostic> {
    let items: Vec<&Value> = match d.value.as_seq() {
        Some(items) => items.iter().collect(),
        None => vec![&d.value],
    };
    let mut found: Vec<&'static str> = Vec::new();
    let mut first: Option<&Value> = None;
    for item in items {
        for token in tokens(item) {
            if let Some(u) = UNSAFE.iter().find(|u| u.eq_ignore_ascii_case(&token)) {
                first.get_or_insert(item);
                if !found.contains(u) {
                    found.push(u);
                }
            }
        }
    }
    let first = first?;
    let s = Setting::get(ctx, d.owner)?;
    let list = found.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(" and ");
    let why: Vec<&str> = found
        .iter()
        .map(|t| match *t {
            "'unsafe-inline'" => "inline <script> blocks and on* handlers run, so injected HTML runs as script",
            "'unsafe-eval'" => "strings are run as code through eval() and new Function()",
            _ => "scripts load from any host",
        })
        .collect();
    let fallback =
        if d.name == "default-src" { " (scripts fall back to default-src when script-src is unset)" } else { "" };
    let message = format!("{} allows {list} ({}){fallback}: {}", d.name, d.owner, why.join("; "));
    let help = "drop these sources: allow the inline scripts you need with a nonce (CSP.NONCE, or NONCE from \
                csp.constants) or a hash, and name the hosts scripts come from";
    Some(s.diagnostic(&RULE, first, message)?.with_label(format!("unsafe in {}", d.name)).with_help(help))
}

/// The source expressions an item stands for (a string may hold several, space-separated).
fn tokens(item: &Value) -> Vec<String> {
    if let Some(s) = item.as_str() {
        return s.split_whitespace().map(str::to_string).collect();
    }
    let Some(name) = library_name(item) else { return Vec::new() };
    let constant = name.rsplit('.').next().unwrap_or(name);
    let known = name.starts_with("csp.constants.") || name.starts_with("django.utils.csp.CSP.");
    match constant {
        "UNSAFE_INLINE" if known => vec!["'unsafe-inline'".into()],
        "UNSAFE_EVAL" if known => vec!["'unsafe-eval'".into()],
        _ => Vec::new(),
    }
}
