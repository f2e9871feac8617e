//! The diagnostic every rule produces and every output format renders.

use crate::registry::Rule;
use crate::source::Span;

/// Severity levels, ordered: `Info < Warning < Error`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A secondary location: another step in how a value came to be, possibly in another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Where the offending token is.
    pub span: Span,
    /// Label text under the primary span in graphical output.
    pub label: Option<String>,
    pub related: Vec<Related>,
    pub help: Option<String>,
    /// A secret the diagnostic is about: the pipeline masks it wherever the file's text is shown,
    /// in every output format (the message masks it itself).
    pub secret: Option<Span>,
}

impl Diagnostic {
    pub fn new(rule: &Rule, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            help: None,
            secret: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related { span, message: message.into() });
        self
    }

    /// Marks `span` as secret material to mask in every rendering of its file.
    pub fn with_secret(mut self, span: Span) -> Self {
        self.secret = Some(span);
        self
    }

    pub fn url(&self) -> String {
        crate::registry::doc_url(self.code, self.name)
    }
}
