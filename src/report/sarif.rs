//! SARIF 2.1.0 for code scanning: a `rules[]` table of every enabled rule, results with regions
//! and related locations, URIs relative to `%SRCROOT%`, and fingerprints that survive unrelated
//! edits above a finding.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::check::Report;
use crate::diagnostic::Severity;
use crate::fingerprint::{fingerprints, MaskedTexts};
use crate::registry;

pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encodes a relative path for a URI reference (keeps `/` and unreserved characters).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A location with its region, the region's (masked) text as `snippet`, and the whole lines
/// around it as `contextRegion`, so a viewer without the checkout still shows the code.
fn physical(masked: &MaskedTexts<'_>, span: &crate::source::Span) -> Value {
    let src = masked.report().source(span);
    let (start, end) = (src.position(span.start), src.position(span.end));
    let text = masked.text(span.file);
    let mut region = json!({
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    });
    let mut location = json!({
        "artifactLocation": {"uri": uri_path(&src.display_path()), "uriBaseId": "%SRCROOT%"},
    });
    if let Some(snippet) = text.get(span.start..span.end).filter(|t| !t.is_empty()) {
        region["snippet"] = json!({"text": snippet});
        let (first, last) = (src.line_range(start.row), src.line_range(end.row));
        if let Some(lines) = text.get(first.start..last.end.max(first.start)) {
            location["contextRegion"] = json!({
                "startLine": start.row,
                "endLine": end.row,
                "snippet": {"text": lines},
            });
        }
    }
    location["region"] = region;
    location
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = report
        .enabled
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": registry::doc_section(r, "What it does").unwrap_or(r.summary)},
                "helpUri": registry::doc_url(r.code, r.name),
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"tags": [r.family.prefix(), r.family.title()]},
            })
        })
        .collect();
    let index: HashMap<&str, usize> = report.enabled.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    let masked = MaskedTexts::new(report);
    let prints = fingerprints(&masked);
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .zip(prints)
        .map(|(d, print)| {
            let related: Vec<Value> = d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| json!({"id": i + 1, "physicalLocation": physical(&masked, &r.span), "message": {"text": r.message}}))
                .collect();
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": {"text": d.message},
                "locations": [{"physicalLocation": physical(&masked, &d.span)}],
                "partialFingerprints": {"preflightFindingHash/v2": print},
            });
            if let Some(i) = index.get(d.code) {
                result["ruleIndex"] = json!(i);
            }
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            result
        })
        .collect();
    let root = std::env::current_dir()
        .ok()
        .map(|p| {
            let s = crate::source::display_path(&p);
            let s = if s.starts_with('/') { s } else { format!("/{s}") };
            format!("file://{}/", uri_path(s.trim_end_matches('/')))
        })
        .unwrap_or_else(|| "file:///".into());
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "preflight",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/preflight-lint/preflight",
                "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).expect("serializable");
    s.push('\n');
    s
}
