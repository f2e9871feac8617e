//! GitLab Code Quality (a CodeClimate subset): a JSON array of issues with `description`,
//! `check_name`, `fingerprint`, `severity` and `location.path` + `location.lines.begin`.
//! Fingerprints are the baseline ones ([`crate::fingerprint`]): they survive lines added above.

use serde_json::{json, Value};

use crate::check::Report;
use crate::diagnostic::Severity;
use crate::fingerprint::{fingerprints, MaskedTexts};

/// GitLab's severities are `info`, `minor`, `major`, `critical` and `blocker`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

pub fn render(report: &Report) -> String {
    let prints = fingerprints(&MaskedTexts::new(report));
    let issues: Vec<Value> = report
        .diagnostics
        .iter()
        .zip(prints)
        .map(|(d, fingerprint)| {
            let (start, end) = super::positions(report, d);
            json!({
                "description": format!("{} {}: {}", d.code, d.name, d.message),
                "check_name": d.code,
                "fingerprint": fingerprint,
                "severity": severity(d.severity),
                "location": {
                    "path": report.source(&d.span).display_path(),
                    "lines": {"begin": start.row, "end": end.row},
                },
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).expect("serializable");
    s.push('\n');
    s
}
