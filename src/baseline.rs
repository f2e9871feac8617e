//! Baselines: a file recording today's findings so that `check --baseline` reports only new ones.
//!
//! Entries are matched by [`crate::fingerprint`] (code, file, masked span and line text,
//! occurrence index), never by line number, so findings stay hidden when lines move. The file
//! holds no secret: only rule codes, paths, messages (which mask secrets themselves) and hashes
//! of masked text. Entries are sorted, so the file is the same on every run over the same tree.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::check::Report;
use crate::config::ConfigError;
use crate::fingerprint::{fingerprints, MaskedTexts};

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub file: String,
    pub code: String,
    pub fingerprint: String,
    /// For people reviewing the file; not used for matching.
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// What applying a baseline did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Findings hidden because the baseline records them.
    pub hidden: usize,
    /// Entries that matched no finding (fixed, or changed beyond recognition); in a run on named
    /// files, only entries of those files.
    pub stale: Vec<Entry>,
}

impl Baseline {
    /// Every finding of `report`.
    pub fn from_report(report: &Report) -> Baseline {
        let prints = fingerprints(&MaskedTexts::new(report));
        let mut entries: Vec<Entry> = report
            .diagnostics
            .iter()
            .zip(prints)
            .map(|(d, fingerprint)| Entry {
                file: report.source(&d.span).display_path(),
                code: d.code.to_string(),
                fingerprint,
                message: d.message.clone(),
            })
            .collect();
        entries.sort();
        Baseline { version: VERSION, entries }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("serializable");
        s.push('\n');
        s
    }

    /// Reads a baseline file; a missing, unreadable or malformed one is an error pointing into it.
    pub fn load(path: &Path) -> Result<Baseline, ConfigError> {
        let error = |message: String, file: Option<(std::path::PathBuf, String)>, span| ConfigError {
            message,
            file,
            span,
            help: Some("write a new one with `preflight baseline FILE`".into()),
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| error(format!("cannot read baseline file {}: {e}", path.display()), None, None))?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            let offset = offset_of(&text, e.line(), e.column());
            let file = Some((path.to_path_buf(), text.clone()));
            error(format!("invalid baseline file: {e}"), file, Some(offset..offset))
        })?;
        if baseline.version != VERSION {
            let message = format!("unsupported baseline version {} (this Preflight reads {VERSION})", baseline.version);
            return Err(error(message, Some((path.to_path_buf(), text)), None));
        }
        Ok(baseline)
    }

    /// Removes the findings this baseline records from `report`; says which entries are stale.
    pub fn apply(&self, report: &mut Report) -> Applied {
        let prints = fingerprints(&MaskedTexts::new(report));
        let mut remaining: HashMap<&str, usize> = HashMap::new();
        for e in &self.entries {
            *remaining.entry(e.fingerprint.as_str()).or_insert(0) += 1;
        }
        let mut keep = Vec::with_capacity(prints.len());
        for print in &prints {
            let known = remaining.get_mut(print.as_str()).filter(|n| **n > 0);
            keep.push(known.map(|n| *n -= 1).is_none());
        }
        let before = report.diagnostics.len();
        let mut flags = keep.into_iter();
        report.diagnostics.retain(|_| flags.next().unwrap_or(true));
        // A run on named files (pre-commit) judges only their entries.
        let in_scope = |e: &Entry| report.scope.as_ref().is_none_or(|s| s.contains(&e.file));
        let stale = self
            .entries
            .iter()
            .filter(|e| in_scope(e))
            .filter(|e| {
                let n = remaining.get_mut(e.fingerprint.as_str());
                n.filter(|n| **n > 0).map(|n| *n -= 1).is_some()
            })
            .cloned()
            .collect();
        Applied { hidden: before - report.diagnostics.len(), stale }
    }
}

/// The byte offset of a 1-based line and column (serde_json's error position).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len())
}
