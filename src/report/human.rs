//! Graphical output with miette: the offending span, related labels (in other files too), help
//! and the rule's doc link. Secrets in the shown source are masked.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::check::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, Span};

/// A file's (masked) text with its line index, built once per file however many diagnostics
/// show it, so rendering is linear in the number of findings (miette's own `SourceCode for str`
/// scans from the file start for every span).
struct IndexedSource<'r> {
    name: String,
    text: Cow<'r, str>,
    line_starts: &'r [usize],
}

impl<'r> IndexedSource<'r> {
    fn new(src: &'r SourceFile) -> Self {
        IndexedSource { name: src.display_path(), text: src.redacted_text(), line_starts: src.line_starts() }
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        // Hand miette only the lines it will show, then shift its answer back.
        let first = self.line_of(start).saturating_sub(before);
        let last = (self.line_of(end.saturating_sub(1).max(start)) + after + 1).min(self.line_starts.len() - 1);
        let w_start = self.line_starts[first];
        let w_end = self.line_starts.get(last + 1).copied().unwrap_or(self.text.len());
        let window = &self.text[w_start..w_end];
        let inner_span = SourceSpan::new((start - w_start).into(), span.len());
        let inner = window.read_span(&inner_span, before, after)?;
        let offset = inner.span().offset() + w_start;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(offset.into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count(),
        )))
    }
}

struct Rendered<'s> {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    source: &'s IndexedSource<'s>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered<'s>>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl MietteDiagnostic for Rendered<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url.as_ref().map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn MietteDiagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn MietteDiagnostic)))
    }
}

fn span(start: usize, end: usize) -> SourceSpan {
    SourceSpan::new(start.into(), end.saturating_sub(start))
}

/// Each file's [`IndexedSource`], made on first use.
struct Sources<'r> {
    report: &'r Report,
    by_file: Vec<OnceCell<IndexedSource<'r>>>,
}

impl<'r> Sources<'r> {
    fn new(report: &'r Report) -> Self {
        Sources { report, by_file: (0..report.project.files.len()).map(|_| OnceCell::new()).collect() }
    }

    fn get(&self, span: &Span) -> &IndexedSource<'r> {
        self.by_file[span.file].get_or_init(|| IndexedSource::new(self.report.source(span)))
    }
}

fn build<'s>(sources: &'s Sources<'_>, d: &Diagnostic, links: bool) -> Rendered<'s> {
    let primary = sources.get(&d.span);
    let mut labels = vec![LabeledSpan::new_primary_with_span(d.label.clone(), span(d.span.start, d.span.end))];
    let mut related = Vec::new();
    for r in &d.related {
        if r.span.file == d.span.file {
            labels.push(LabeledSpan::new_with_span(Some(r.message.clone()), span(r.span.start, r.span.end)));
        } else {
            related.push(Rendered {
                message: format!("related: {}", r.message),
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                source: sources.get(&r.span),
                labels: vec![LabeledSpan::new_primary_with_span(
                    Some(r.message.clone()),
                    span(r.span.start, r.span.end),
                )],
                related: Vec::new(),
            });
        }
    }
    let help = match (&d.help, links) {
        (Some(h), true) => Some(h.clone()),
        (Some(h), false) => Some(format!("{h}\n`preflight explain {}` tells more", d.code)),
        (None, _) => Some(format!("`preflight explain {}` tells more", d.code)),
    };
    Rendered {
        message: d.message.clone(),
        code: format!("{}({})", d.code, d.name),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help,
        url: links.then(|| d.url()),
        source: primary,
        // A whole-file finding on a file with no text (unreadable) has nothing to show.
        labels: if primary.text.is_empty() { Vec::new() } else { labels },
        related,
    }
}

/// Renders every diagnostic. `color` turns on colours and hyperlinks (a TTY, no `NO_COLOR`).
pub fn render(report: &Report, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_links(color).with_context_lines(1).with_width(100);
    let sources = Sources::new(report);
    let mut out = String::new();
    for (i, d) in report.diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let rendered = build(&sources, d, color);
        let _ = handler.render_report(&mut out, &rendered);
    }
    out
}
