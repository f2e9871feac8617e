//! Conversions between Preflight's byte spans and paths and LSP positions and URIs.
//!
//! LSP counts a position's `character` in the negotiated encoding: UTF-16 code units unless the
//! client offers `utf-8` in `general.positionEncodings`, in which case the server picks UTF-8
//! (byte offsets, no conversion). Lines break at `\n`, `\r\n` and a lone `\r`, as in
//! [`SourceFile`].

use std::path::{Path, PathBuf};

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString,
    Position, Range, Uri,
};

use crate::check::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, Span};

/// How `Position::character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// The LSP position of byte `offset` (clamped to the text and to a character boundary).
pub fn position(src: &SourceFile, offset: usize, enc: Encoding) -> Position {
    let mut offset = offset.min(src.text.len());
    while !src.text.is_char_boundary(offset) {
        offset -= 1;
    }
    let starts = src.line_starts();
    let line = starts.partition_point(|&s| s <= offset) - 1;
    let character: usize = src.text[starts[line]..offset].chars().map(|c| enc.width(c)).sum();
    Position { line: line as u32, character: character as u32 }
}

pub fn range(src: &SourceFile, span: &Span, enc: Encoding) -> Range {
    Range { start: position(src, span.start, enc), end: position(src, span.end, enc) }
}

/// The byte offset of an LSP position: a line past the end is the end of the text, a character
/// past the end of its line is the end of the line (as the specification asks).
pub fn offset(src: &SourceFile, pos: Position, enc: Encoding) -> usize {
    let row = pos.line as usize + 1;
    if row > src.line_count() {
        return src.text.len();
    }
    let line = src.line_range(row);
    let mut units = 0;
    for (i, c) in src.text[line.clone()].char_indices() {
        if units >= pos.character as usize {
            return line.start + i;
        }
        units += enc.width(c);
    }
    line.end
}

/// A `file:` URI for a path (absolute; each byte outside the unreserved set and `/` is
/// percent-encoded, as editors do).
pub fn uri_of(path: &Path) -> Uri {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut s = String::from("file://");
    let text = abs.to_string_lossy().replace('\\', "/");
    if !text.starts_with('/') {
        s.push('/'); // `C:/x` → `file:///C:/x`
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.parse().unwrap_or_else(|_| "file:///".parse().expect("valid URI"))
}

/// The path of a `file:` URI; None for other schemes.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // An authority (`file://localhost/x`) is dropped; the path starts at its first `/`.
    let rest = &rest[rest.find('/')?..];
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let decoded = percent_decode(rest)?;
    // `/C:/x` on Windows is `C:/x`.
    let bytes = decoded.as_bytes();
    let drive = bytes.len() >= 3 && bytes[0] == b'/' && bytes[1].is_ascii_alphabetic() && bytes[2] == b':';
    Some(PathBuf::from(if drive { &decoded[1..] } else { &decoded[..] }))
}

fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// How a report's diagnostics become LSP diagnostics: the URI each file is published under.
pub struct Converter<'a> {
    pub report: &'a Report,
    pub uris: &'a [Uri],
    pub encoding: Encoding,
}

impl Converter<'_> {
    fn location(&self, span: &Span) -> Location {
        Location { uri: self.uris[span.file].clone(), range: range(self.report.source(span), span, self.encoding) }
    }

    /// The LSP form of a diagnostic. Its message and related messages are the strings every
    /// report prints (rules mask the secrets they quote); no file text is sent (the editor has
    /// it).
    pub fn diagnostic(&self, d: &Diagnostic) -> lsp_types::Diagnostic {
        let message = match &d.help {
            Some(help) => format!("{}\nhelp: {help}", d.message),
            None => d.message.clone(),
        };
        let related: Vec<_> = d
            .related
            .iter()
            .map(|r| DiagnosticRelatedInformation { location: self.location(&r.span), message: r.message.clone() })
            .collect();
        lsp_types::Diagnostic {
            range: range(self.report.source(&d.span), &d.span, self.encoding),
            severity: Some(severity(d.severity)),
            code: Some(NumberOrString::String(d.code.to_string())),
            code_description: d.url().parse().ok().map(|href| CodeDescription { href }),
            source: Some("preflight".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: tags(d.code),
            data: None,
        }
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// `Unnecessary` (editors fade the text) for an unused suppression comment. No rule reports a
/// deprecated construct, so `Deprecated` is never set.
fn tags(code: &str) -> Option<Vec<DiagnosticTag>> {
    (code == crate::rules::tool::unused_suppression::RULE.code).then(|| vec![DiagnosticTag::UNNECESSARY])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_in_the_negotiated_encoding() {
        let src = SourceFile::new("x".into(), "a=1\r\nk=\u{1F600}é!\rlast".into());
        let bang = src.text.find('!').unwrap();
        assert_eq!(position(&src, bang, Encoding::Utf16), Position { line: 1, character: 5 });
        assert_eq!(position(&src, bang, Encoding::Utf8), Position { line: 1, character: 8 });
        assert_eq!(position(&src, src.text.len(), Encoding::Utf16), Position { line: 2, character: 4 });
        assert_eq!(offset(&src, Position { line: 1, character: 5 }, Encoding::Utf16), bang);
        assert_eq!(offset(&src, Position { line: 1, character: 8 }, Encoding::Utf8), bang);
        assert_eq!(offset(&src, Position { line: 1, character: 99 }, Encoding::Utf16), bang + 1);
        assert_eq!(offset(&src, Position { line: 9, character: 0 }, Encoding::Utf16), src.text.len());
    }

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/my project/.envs/.production/.django");
        let uri = uri_of(path);
        assert_eq!(uri.as_str(), "file:///tmp/my%20project/.envs/.production/.django");
        assert_eq!(path_of(&uri).as_deref(), Some(path));
        let windows: Uri = "file:///c%3A/src/app.py".parse().unwrap();
        assert_eq!(path_of(&windows), Some(PathBuf::from("c:/src/app.py")));
        assert_eq!(path_of(&"untitled:Untitled-1".parse().unwrap()), None);
    }
}
