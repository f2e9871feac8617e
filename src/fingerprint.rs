//! Finding fingerprints shared by baselines, SARIF and GitLab Code Quality: stable when lines are
//! added or removed above a finding, and safe to publish (they hash masked text only).
//!
//! A fingerprint is the SHA-256 (hex) of the rule code, the file's display path (`/`
//! separators), the whitespace-collapsed text of the primary span and of its line(s), with every
//! secret masked as in all output, and the finding's occurrence index among findings with the same
//! code, file and texts. Line numbers play no part.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use sha2::{Digest, Sha256};

use crate::check::Report;
use crate::source::Span;

/// Each file's text with secrets masked, computed once per file.
pub struct MaskedTexts<'r> {
    report: &'r Report,
    texts: RefCell<HashMap<usize, Rc<str>>>,
}

impl<'r> MaskedTexts<'r> {
    pub fn new(report: &'r Report) -> Self {
        MaskedTexts { report, texts: RefCell::new(HashMap::new()) }
    }

    pub fn report(&self) -> &'r Report {
        self.report
    }

    /// File `file`'s text with every secret masked.
    pub fn text(&self, file: usize) -> Rc<str> {
        self.texts
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| self.report.project.files[file].source.redacted_text().into())
            .clone()
    }

    /// The masked text of `span` and of the whole lines it covers, whitespace collapsed.
    pub fn normalized(&self, span: &Span) -> (String, String) {
        let src = self.report.source(span);
        let text = self.text(span.file);
        let (first, last) = (src.position(span.start).row, src.position(span.end).row);
        let lines = src.line_range(first).start..src.line_range(last).end.max(src.line_range(first).start);
        let collapse = |s: Option<&str>| s.unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
        (collapse(text.get(span.range())), collapse(text.get(lines)))
    }
}

/// One fingerprint per diagnostic of `report`, in order.
pub fn fingerprints(masked: &MaskedTexts<'_>) -> Vec<String> {
    let report = masked.report();
    let mut seen: HashMap<(&str, String, String, String), usize> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let path = report.source(&d.span).display_path();
            let (span_text, line_text) =
                if d.span.range() == (0..0) { (String::new(), d.message.clone()) } else { masked.normalized(&d.span) };
            let n = seen.entry((d.code, path.clone(), span_text.clone(), line_text.clone())).or_insert(0);
            *n += 1;
            let mut hash = Sha256::new();
            for part in [d.code, &path, &span_text, &line_text, &n.to_string()] {
                hash.update(part.as_bytes());
                hash.update([0]);
            }
            hex(&hash.finalize())
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
