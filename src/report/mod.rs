//! Output formats. Each renders a [`Report`] to a string; none touches the file system.

pub mod concise;
pub mod deployment;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::check::Report;
use crate::diagnostic::Diagnostic;
use crate::source::Position;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

/// Start and end positions of a diagnostic's primary span (1-based; end exclusive like ruff).
pub fn positions(report: &Report, d: &Diagnostic) -> (Position, Position) {
    let src = report.source(&d.span);
    (src.position(d.span.start), src.position(d.span.end))
}

/// Per-code counts, sorted by code, for `--statistics`.
pub fn statistics(report: &Report) -> String {
    let mut counts: std::collections::BTreeMap<&str, (usize, &str, &str)> = Default::default();
    for d in &report.diagnostics {
        let e = counts.entry(d.code).or_insert((0, d.name, d.severity.as_str()));
        e.0 += 1;
    }
    let mut out = String::new();
    for (code, (n, name, sev)) in counts {
        out.push_str(&format!("{n:>5}\t{code}\t{name}\t[{sev}]\n"));
    }
    out
}
