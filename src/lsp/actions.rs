//! Code actions (suppression comments) and hover (the rule's doc).
//!
//! Line suppressions go on a comment line of their own just above the finding, indented like it
//! (`# preflight: ignore[CODE]` alone on a line covers the next one). A trailing comment would
//! read as well in Python, but in an env file `KEY=value # …` can be part of the value for some
//! loaders, and a line above means the same thing in every kind of file Preflight reads. When a
//! suppression already covers the line (or, for the file, an `ignore-file` comment exists), the
//! code is added to its list instead.

use lsp_types::{Position, Range, TextEdit};

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::suppress;

use super::convert::{self, Encoding};

/// An edit to one file: the action's title and its text edit.
pub struct Suppress {
    pub title: String,
    pub edit: TextEdit,
}

/// "Suppress CODE on this line".
pub fn suppress_line(src: &SourceFile, d: &Diagnostic, enc: Encoding) -> Suppress {
    let row = src.position(d.span.start).row;
    let existing = suppressions(src).into_iter().find(|s| !s.file_level && s.lines.contains(&row));
    let title = format!("Suppress {} on this line", d.code);
    match existing {
        Some(s) => Suppress { title, edit: extend(src, &s, d.code, enc) },
        None => {
            let line = src.line_range(row);
            let indent: String =
                src.text[line.clone()].chars().take_while(|c| c.is_whitespace() && *c != '\u{feff}').collect();
            let at = line.start + src.text[line].find(|c: char| c != '\u{feff}').unwrap_or(0);
            let text = format!("{indent}# preflight: ignore[{}]{}", d.code, line_ending(src));
            Suppress { title, edit: insert(src, at, text, enc) }
        }
    }
}

/// "Suppress CODE in this file": at the top, below a shebang, a Python encoding line and
/// Dockerfile parser directives (which must come first).
pub fn suppress_file(src: &SourceFile, d: &Diagnostic, enc: Encoding) -> Suppress {
    let title = format!("Suppress {} in this file", d.code);
    if let Some(s) = suppressions(src).into_iter().find(|s| s.file_level) {
        return Suppress { title, edit: extend(src, &s, d.code, enc) };
    }
    let first = (1..=src.line_count()).find(|&r| !is_preamble(&src.text[src.line_range(r)]));
    let at = first.map_or(src.text.len(), |row| src.line_starts()[row - 1]);
    let mut text = format!("# preflight: ignore-file[{}]", d.code);
    if at == src.text.len() && !src.text.is_empty() && !src.text.ends_with(['\n', '\r']) {
        text.insert_str(0, line_ending(src));
    } else {
        text.push_str(line_ending(src));
    }
    Suppress { title, edit: insert(src, at, text, enc) }
}

/// Lines that must stay at the very top of a file.
fn is_preamble(line: &str) -> bool {
    let line = line.trim_start_matches('\u{feff}');
    let Some(comment) = line.strip_prefix('#') else { return false };
    let directive = comment.trim_start().split('=').next().unwrap_or("").trim().to_ascii_lowercase();
    comment.starts_with('!')
        || comment.contains("coding:")
        || comment.contains("coding=")
        || (comment.contains('=') && ["syntax", "escape", "check"].contains(&directive.as_str()))
}

fn suppressions(src: &SourceFile) -> Vec<suppress::Suppression> {
    suppress::parse(&src.text, |o| src.position(o).row)
}

/// Adds `code` to an existing comment's list, before its `]`.
fn extend(src: &SourceFile, s: &suppress::Suppression, code: &str, enc: Encoding) -> TextEdit {
    let text = if s.codes.is_empty() { code.to_string() } else { format!(", {code}") };
    insert(src, s.span.end - 1, text, enc)
}

fn insert(src: &SourceFile, at: usize, text: String, enc: Encoding) -> TextEdit {
    let pos = convert::position(src, at, enc);
    TextEdit { range: Range { start: pos, end: pos }, new_text: text }
}

fn line_ending(src: &SourceFile) -> &'static str {
    if src.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Whether a diagnostic's range touches `range` (a zero-width one touches its own line).
pub fn touches(d: Range, range: Range) -> bool {
    let (start, end) = if d.start == d.end { (line_start(d.start), line_end(d.end)) } else { (d.start, d.end) };
    start <= range.end && range.start <= end
}

fn line_start(p: Position) -> Position {
    Position { line: p.line, character: 0 }
}

fn line_end(p: Position) -> Position {
    Position { line: p.line, character: u32::MAX }
}

/// Hover markdown for the diagnostics under the cursor: each one's code and message, then the
/// rule's embedded doc (once per rule).
pub fn hover_markdown(diagnostics: &[&Diagnostic]) -> String {
    let mut out = String::new();
    let mut shown: Vec<&str> = Vec::new();
    for d in diagnostics {
        if !out.is_empty() {
            out.push_str("\n\n---\n\n");
        }
        out.push_str(&format!("**{}** `{}`: {}\n\n[Rule documentation]({})", d.code, d.name, d.message, d.url()));
        if shown.contains(&d.code) {
            continue;
        }
        shown.push(d.code);
        if let Some(doc) = crate::registry::find(d.code).and_then(crate::registry::doc) {
            out.push_str("\n\n");
            out.push_str(doc.trim());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn diag(src: &SourceFile, needle: &str) -> Diagnostic {
        let at = src.text.find(needle).unwrap();
        Diagnostic::new(crate::registry::by_code("DJ001"), Span::new(0, at..at + needle.len()), "DEBUG is on")
    }

    fn apply(src: &SourceFile, s: &Suppress) -> String {
        let at = convert::offset(src, s.edit.range.start, Encoding::Utf16);
        let mut text = src.text.clone();
        text.insert_str(at, &s.edit.new_text);
        text
    }

    #[test]
    fn a_line_suppression_goes_above_the_line_indented() {
        let src = SourceFile::new("s.py".into(), "import os\nif x:\n    DEBUG = True\n".into());
        let s = suppress_line(&src, &diag(&src, "DEBUG"), Encoding::Utf16);
        assert_eq!(apply(&src, &s), "import os\nif x:\n    # preflight: ignore[DJ001]\n    DEBUG = True\n");
        assert_eq!(s.title, "Suppress DJ001 on this line");
    }

    #[test]
    fn an_existing_suppression_is_extended() {
        let src = SourceFile::new("s.py".into(), "DEBUG = True  # preflight: ignore[DJ002]\n".into());
        let s = suppress_line(&src, &diag(&src, "DEBUG"), Encoding::Utf16);
        assert_eq!(apply(&src, &s), "DEBUG = True  # preflight: ignore[DJ002, DJ001]\n");
    }

    #[test]
    fn a_file_suppression_stays_below_directives() {
        let src = SourceFile::new("Dockerfile".into(), "# syntax=docker/dockerfile:1\nFROM python\n".into());
        let s = suppress_file(&src, &diag(&src, "FROM"), Encoding::Utf16);
        assert_eq!(apply(&src, &s), "# syntax=docker/dockerfile:1\n# preflight: ignore-file[DJ001]\nFROM python\n");
        let src = SourceFile::new(".env".into(), "DEBUG=1".into());
        let s = suppress_file(&src, &diag(&src, "DEBUG"), Encoding::Utf16);
        assert_eq!(apply(&src, &s), "# preflight: ignore-file[DJ001]\nDEBUG=1");
    }
}
