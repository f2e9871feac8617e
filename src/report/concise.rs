//! `path:line:col: CODE [severity] message`, one per line.

use crate::check::Report;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let (start, _) = super::positions(report, d);
        out.push_str(&format!(
            "{}:{}:{}: {} [{}] {}\n",
            report.source(&d.span).display_path(),
            start.row,
            start.column,
            d.code,
            d.severity.as_str(),
            d.message
        ));
    }
    out
}
