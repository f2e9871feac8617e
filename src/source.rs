//! Source files, byte spans and their conversion to 1-based line/column positions.

use std::ops::Range;
use std::path::PathBuf;

/// Index of a file in [`crate::project::Project::files`].
pub type FileId = usize;

/// A byte range inside one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Span { file, start: range.start, end: range.end.max(range.start) }
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A 1-based line and column (columns count Unicode scalar values, like ruff).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub row: usize,
    pub column: usize,
}

/// A file's text with a line index. `path` is how the file is shown to users
/// (relative to the current directory when possible).
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
    /// Byte ranges holding secret material: masked in every rendering of the text.
    pub redactions: Vec<Range<usize>>,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => line_starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        SourceFile { path, text, line_starts, redactions: Vec::new() }
    }

    /// Display path with forward slashes.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    /// Byte offset (clamped to the text, moved back to a char boundary) to a 1-based position.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut start = self.line_starts[line];
        // A byte-order mark is not a column: the first character after it is column 1.
        if line == 0 && self.text.starts_with('\u{feff}') {
            start = offset.min(3);
        }
        let column = self.text[start..offset].chars().count() + 1;
        Position { row: line + 1, column }
    }

    /// The byte range of 1-based line `row`, without its line terminator.
    pub fn line_range(&self, row: usize) -> Range<usize> {
        let start = self.line_starts.get(row.saturating_sub(1)).copied().unwrap_or(self.text.len());
        let mut end = self.line_starts.get(row).copied().unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// The text with every redaction range masked (first four characters kept, line breaks and
    /// byte length unchanged).
    pub fn redacted_text(&self) -> std::borrow::Cow<'_, str> {
        if self.redactions.is_empty() {
            return std::borrow::Cow::Borrowed(&self.text);
        }
        // Overlapping ranges are masked as one, so no character between them shows.
        let mut ranges = self.redactions.clone();
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        let mut out = self.text.clone();
        for r in &merged {
            let Some(segment) = self.text.get(r.clone()) else { continue };
            let masked = mask_preserving_len(segment);
            out.replace_range(r.clone(), &masked);
        }
        std::borrow::Cow::Owned(out)
    }
}

/// Masks `s` keeping its byte length and line breaks (so spans and lines stay valid).
fn mask_preserving_len(s: &str) -> String {
    crate::secrets::mask_in_place(s)
}

/// Shows a secret: at most its first four characters, then a fixed mask
/// ([`crate::secrets::mask`], the one masking function).
pub fn mask_secret(value: &str) -> String {
    crate::secrets::mask(value)
}

pub fn display_path(path: &std::path::Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let f = SourceFile::new("x".into(), "ab\r\ncé=1\nlast".into());
        assert_eq!(f.position(0), Position { row: 1, column: 1 });
        assert_eq!(f.position(4), Position { row: 2, column: 1 });
        assert_eq!(f.position(7), Position { row: 2, column: 3 });
        assert_eq!(f.position(10), Position { row: 3, column: 1 });
        assert_eq!(f.line_range(2), 4..9);
        assert_eq!(f.line_range(3), 10..14);
        let bom = SourceFile::new("x".into(), "\u{feff}A=1\n".into());
        assert_eq!(bom.position(3), Position { row: 1, column: 1 });
        assert_eq!(bom.position(5), Position { row: 1, column: 3 });
    }

    #[test]
    fn masking_keeps_four_chars() {
        assert_eq!(mask_secret("supersecret"), "supe****");
        assert_eq!(mask_secret("abc"), "****");
        let mut f = SourceFile::new("x".into(), "K=supersecret\n".into());
        f.redactions.push(2..13);
        assert_eq!(f.redacted_text(), "K=supe*******\n");
    }
}
