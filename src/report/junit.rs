//! JUnit XML for CI test-report viewers: one `<testsuite>` per file with findings, one
//! `<testcase>` with a `<failure>` per finding; a run without findings is one passing test case.

use std::collections::BTreeMap;

use crate::check::Report;
use crate::diagnostic::Diagnostic;

/// Escapes text for an XML attribute or element; characters XML 1.0 cannot hold become U+FFFD.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn testcase(report: &Report, d: &Diagnostic, path: &str) -> String {
    let (start, _) = super::positions(report, d);
    let location = format!("{path}:{}:{}", start.row, start.column);
    let mut body = format!("{location}: {} [{}] {}", d.code, d.severity.as_str(), d.message);
    if let Some(help) = &d.help {
        body.push_str(&format!("\nhelp: {help}"));
    }
    body.push_str(&format!("\n{}", d.url()));
    format!(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
        escape(&format!("{} {} at {}:{}", d.code, d.name, start.row, start.column)),
        escape(path),
        escape(path),
        start.row,
        escape(d.code),
        escape(&d.message),
        escape(&body),
    )
}

pub fn render(report: &Report) -> String {
    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        by_file.entry(report.source(&d.span).display_path()).or_default().push(d);
    }
    let total = report.diagnostics.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"preflight\" tests=\"{}\" failures=\"{total}\">\n", total.max(1)));
    if by_file.is_empty() {
        out.push_str("  <testsuite name=\"preflight\" tests=\"1\" failures=\"0\">\n");
        out.push_str("    <testcase name=\"no problems\" classname=\"preflight\"/>\n");
        out.push_str("  </testsuite>\n");
    }
    for (path, diagnostics) in &by_file {
        let n = diagnostics.len();
        out.push_str(&format!("  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{n}\">\n", escape(path)));
        for d in diagnostics {
            out.push_str(&testcase(report, d, path));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::escape("a<b>&\"c'\u{1}\n"), "a&lt;b&gt;&amp;&quot;c&apos;\u{fffd}\n");
    }
}
