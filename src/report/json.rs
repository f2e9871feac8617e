//! The JSON contract (DESIGN.md): `{"version": 1, "diagnostics": [...], "summary": {...}}`.

use serde::Serialize;

use crate::check::Report;
use crate::diagnostic::Severity;
use crate::source::Position;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    filename: String,
    location: Position,
    end_location: Position,
    related: Vec<JsonRelated<'a>>,
    help: Option<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    filename: String,
    location: Position,
    end_location: Position,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

pub fn render(report: &Report) -> String {
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
            let (location, end_location) = super::positions(report, d);
            JsonDiagnostic {
                code: d.code,
                name: d.name,
                severity: d.severity,
                message: &d.message,
                filename: report.source(&d.span).display_path(),
                location,
                end_location,
                related: d
                    .related
                    .iter()
                    .map(|r| {
                        let src = report.source(&r.span);
                        JsonRelated {
                            filename: src.display_path(),
                            location: src.position(r.span.start),
                            end_location: src.position(r.span.end),
                            message: &r.message,
                        }
                    })
                    .collect(),
                help: d.help.as_deref(),
                url: d.url(),
            }
        })
        .collect();
    let out = Output {
        version: 1,
        diagnostics,
        summary: Summary {
            files: report.project.files.len(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
        },
    };
    let mut s = serde_json::to_string_pretty(&out).expect("serializable");
    s.push('\n');
    s
}
