//! A span-keeping env-file parser with the semantics of the programs that read env files in a
//! Django deployment: python-dotenv (`load_dotenv`, `dotenv_values`), django-environ
//! `read_env`, and Compose `env_file`. Where they differ, python-dotenv is followed and the
//! divergence is documented in the README.
//!
//! It never reads the process environment: substitutions are recorded as [`VarRef`]s, never
//! expanded.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
}

/// A `$NAME` / `${NAME}` reference inside a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// From `$` to the end of the reference (`}` included when braced).
    pub span: Range<usize>,
    pub braced: bool,
    /// False for `${NAME` with no closing brace.
    pub terminated: bool,
    /// `${NAME:-default}` / `${NAME-default}`.
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvValue {
    /// The value token as written, quotes included (unquoted: without the inline comment and trailing blanks).
    pub span: Range<usize>,
    /// The text between the quotes (same as `span` when unquoted).
    pub inner: Range<usize>,
    pub quote: Quote,
    /// The value a loader sees, escapes decoded, substitutions left as written.
    pub value: String,
    pub refs: Vec<VarRef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvEntry {
    /// 1-based line of the key.
    pub line: usize,
    /// From the first non-blank character of the statement to its end (comment included), newline excluded.
    pub stmt: Range<usize>,
    pub export: Option<Range<usize>>,
    pub key: String,
    pub key_span: Range<usize>,
    /// The `=` sign; None for a bare `KEY`.
    pub eq: Option<Range<usize>>,
    /// None for a bare `KEY` (no `=`); an empty value for `KEY=`.
    pub value: Option<EnvValue>,
    /// An inline comment after the value.
    pub comment: Option<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvError {
    /// 1-based line.
    pub line: usize,
    /// Where the parser gave up, to the end of that line.
    pub span: Range<usize>,
    pub message: String,
}

/// One statement or line of the file, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A line holding only whitespace (its range, newline excluded).
    Blank(Range<usize>),
    /// A whole-line comment.
    Comment(Range<usize>),
    Entry(usize),
    Error(usize),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvFile {
    pub entries: Vec<EnvEntry>,
    pub errors: Vec<EnvError>,
    pub items: Vec<Item>,
    /// The file starts with a UTF-8 byte-order mark (skipped).
    pub bom: bool,
}

impl EnvFile {
    /// The entry that wins for `key` (the last assignment).
    pub fn get(&self, key: &str) -> Option<&EnvEntry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }
}

struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at_eol(&self) -> bool {
        matches!(self.peek(), None | Some(b'\n' | b'\r'))
    }

    /// Skips whitespace other than line breaks (Unicode whitespace too, like Python's `\s`).
    fn skip_blanks(&mut self) {
        while let Some(ch) = self.text[self.pos..].chars().next() {
            if ch == '\n' || ch == '\r' || !ch.is_whitespace() {
                break;
            }
            self.pos += ch.len_utf8();
        }
    }

    fn line_end(&self) -> usize {
        self.text[self.pos..].find(['\n', '\r']).map_or(self.text.len(), |i| self.pos + i)
    }

    /// Moves past the end of the current line (and its terminator).
    fn next_line(&mut self) {
        self.pos = self.line_end();
        match self.peek() {
            Some(b'\r') if self.bytes.get(self.pos + 1) == Some(&b'\n') => self.pos += 2,
            Some(b'\r' | b'\n') => self.pos += 1,
            _ => {}
        }
        self.line += 1;
    }
}

/// Parses an env file. Never fails: lines it cannot read become [`EnvError`]s.
pub fn parse(text: &str) -> EnvFile {
    let mut file = EnvFile::default();
    let start = if text.starts_with('\u{feff}') {
        file.bom = true;
        3
    } else {
        0
    };
    let mut c = Cursor { text, bytes: text.as_bytes(), pos: start, line: 1 };
    while c.pos < text.len() {
        let line_start = c.pos;
        c.skip_blanks();
        if c.at_eol() {
            file.items.push(Item::Blank(line_start..c.pos));
            c.next_line();
            continue;
        }
        if c.peek() == Some(b'#') {
            let end = c.line_end();
            file.items.push(Item::Comment(c.pos..end));
            c.next_line();
            continue;
        }
        let stmt_start = c.pos;
        let line = c.line;
        match parse_binding(&mut c, stmt_start, line) {
            Ok(entry) => {
                file.items.push(Item::Entry(file.entries.len()));
                file.entries.push(entry);
            }
            Err((at, message)) => {
                // Like python-dotenv: the rest of this line is skipped, parsing resumes on the next.
                c.pos = at;
                let end = c.line_end();
                file.items.push(Item::Error(file.errors.len()));
                file.errors.push(EnvError { line: c.line, span: at..end, message });
            }
        }
        c.next_line();
    }
    file
}

fn is_key_char(ch: char) -> bool {
    !(ch == '=' || ch == '#' || ch.is_whitespace())
}

fn parse_binding(c: &mut Cursor<'_>, stmt_start: usize, line: usize) -> Result<EnvEntry, (usize, String)> {
    let mut export = None;
    if c.text[c.pos..].starts_with("export") && matches!(c.bytes.get(c.pos + 6), Some(b' ' | b'\t')) {
        export = Some(c.pos..c.pos + 6);
        c.pos += 6;
        c.skip_blanks();
    }
    let (key, key_span) = if c.peek() == Some(b'\'') {
        let open = c.pos;
        let close = c.text[open + 1..c.line_end()]
            .find('\'')
            .map(|i| open + 1 + i)
            .filter(|&i| i > open + 1)
            .ok_or((open, "unterminated quoted key".to_string()))?;
        c.pos = close + 1;
        (c.text[open + 1..close].to_string(), open..close + 1)
    } else {
        let k0 = c.pos;
        // A key is any run of characters but `=`, `#` and whitespace (python-dotenv).
        while let Some(ch) = c.text[c.pos..].chars().next().filter(|&ch| is_key_char(ch)) {
            c.pos += ch.len_utf8();
        }
        if c.pos == k0 {
            return Err((k0, "expected a variable name".into()));
        }
        (c.text[k0..c.pos].to_string(), k0..c.pos)
    };
    c.skip_blanks();
    let mut entry =
        EnvEntry { line, stmt: stmt_start..stmt_start, export, key, key_span, eq: None, value: None, comment: None };
    if c.peek() == Some(b'=') {
        entry.eq = Some(c.pos..c.pos + 1);
        c.pos += 1;
        let after_eq = c.pos;
        c.skip_blanks();
        entry.value = Some(parse_value(c, c.pos > after_eq)?);
    }
    // Optional comment, then the end of the line.
    let before_comment = c.pos;
    c.skip_blanks();
    if c.peek() == Some(b'#') {
        let end = c.line_end();
        entry.comment = Some(c.pos..end);
        c.pos = end;
    } else if !c.at_eol() {
        let msg = if entry.eq.is_none() {
            format!("expected `=` after `{}`: a line is `KEY=VALUE`", entry.key)
        } else {
            "unexpected text after the closing quote".to_string()
        };
        return Err((c.pos, msg));
    } else {
        c.pos = before_comment;
    }
    entry.stmt = stmt_start..entry.comment.as_ref().map_or_else(|| value_or_key_end(&entry), |r| r.end);
    Ok(entry)
}

fn value_or_key_end(e: &EnvEntry) -> usize {
    match (&e.value, &e.eq) {
        (Some(v), _) => v.span.end.max(e.eq.as_ref().map_or(0, |r| r.end)),
        (None, Some(eq)) => eq.end,
        (None, None) => e.key_span.end,
    }
}

/// `after_blank`: whitespace separates the value from `=` (then a `#` starts a comment, not the
/// value: `KEY= # note` is empty, `KEY=#fff` is `#fff`, as python-dotenv 1.2 reads them).
fn parse_value(c: &mut Cursor<'_>, after_blank: bool) -> Result<EnvValue, (usize, String)> {
    let open = c.pos;
    match c.peek() {
        Some(q @ (b'\'' | b'"')) => {
            // The closing quote is the first one not escaped: a backslash escapes whatever follows
            // it (so `"a\\"` ends at its last quote); values may span lines.
            let mut i = open + 1;
            let close = loop {
                match c.bytes.get(i) {
                    None => {
                        let what = if q == b'"' { "double" } else { "single" };
                        return Err((open, format!("unterminated {what}-quoted value")));
                    }
                    Some(b'\\') if i + 1 < c.bytes.len() => i += 2,
                    Some(&b) if b == q => break i,
                    Some(_) => i += 1,
                }
            };
            let inner = open + 1..close;
            let raw = &c.text[inner.clone()];
            c.line += raw.matches('\n').count() + raw.matches('\r').count() - raw.matches("\r\n").count();
            c.pos = close + 1;
            let (quote, value, refs) = if q == b'"' {
                (Quote::Double, decode_double(raw), find_refs(raw, inner.start))
            } else {
                (Quote::Single, decode_single(raw), Vec::new())
            };
            Ok(EnvValue { span: open..close + 1, inner, quote, value, refs })
        }
        Some(b'#') if after_blank => Ok(EnvValue {
            span: open..open,
            inner: open..open,
            quote: Quote::None,
            value: String::new(),
            refs: Vec::new(),
        }),
        _ => {
            let end = c.line_end();
            let rest = &c.text[open..end];
            // An inline comment needs whitespace before `#`; a glued `#` is part of the value.
            let cut = rest
                .char_indices()
                .find(|&(i, ch)| ch == '#' && i > 0 && rest[..i].ends_with(char::is_whitespace))
                .map_or(rest.len(), |(i, _)| i);
            let value = rest[..cut].trim_end();
            let span = open..open + value.len();
            c.pos = span.end;
            Ok(EnvValue {
                span: span.clone(),
                inner: span.clone(),
                quote: Quote::None,
                value: value.to_string(),
                refs: find_refs(value, open),
            })
        }
    }
}

/// Single-quoted escapes as python-dotenv decodes them: `\\` and `\'`, in one pass.
fn decode_single(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, chars.peek()) {
            ('\\', Some(&next @ ('\\' | '\''))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(ch),
        }
    }
    out
}

/// Double-quoted escapes as python-dotenv decodes them: `\\ \' \" \a \b \f \n \r \t \v`.
fn decode_double(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        let decoded = match chars.peek() {
            Some('\\') => '\\',
            Some('\'') => '\'',
            Some('"') => '"',
            Some('a') => '\x07',
            Some('b') => '\x08',
            Some('f') => '\x0c',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('v') => '\x0b',
            _ => {
                out.push('\\');
                continue;
            }
        };
        chars.next();
        out.push(decoded);
    }
    out
}

/// `$NAME`, `${NAME}`, `${NAME:-default}` references; `$$` is an escaped dollar (Compose).
fn find_refs(raw: &str, base: usize) -> Vec<VarRef> {
    let b = raw.as_bytes();
    let mut refs = Vec::new();
    let mut i = 0;
    let is_name = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
    while i < b.len() {
        if b[i] != b'$' || (i > 0 && b[i - 1] == b'\\') {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let body_start = i + 2;
                match raw[body_start..].find('}') {
                    Some(rel) => {
                        let body = &raw[body_start..body_start + rel];
                        let name_len = body.bytes().take_while(|&x| is_name(x)).count();
                        let rest = &body[name_len..];
                        let default = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-')).map(str::to_string);
                        let end = body_start + rel + 1;
                        refs.push(VarRef {
                            name: body[..name_len].to_string(),
                            span: base + i..base + end,
                            braced: true,
                            terminated: true,
                            default,
                        });
                        i = end;
                    }
                    None => {
                        let name_len = b[body_start..].iter().take_while(|&&x| is_name(x)).count();
                        refs.push(VarRef {
                            name: raw[body_start..body_start + name_len].to_string(),
                            span: base + i..base + raw.len(),
                            braced: true,
                            terminated: false,
                            default: None,
                        });
                        break;
                    }
                }
            }
            Some(&x) if x.is_ascii_alphabetic() || x == b'_' => {
                let name_len = b[i + 1..].iter().take_while(|&&x| is_name(x)).count();
                refs.push(VarRef {
                    name: raw[i + 1..i + 1 + name_len].to_string(),
                    span: base + i..base + i + 1 + name_len,
                    braced: false,
                    terminated: true,
                    default: None,
                });
                i += 1 + name_len;
            }
            _ => i += 1,
        }
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(text: &str) -> Vec<(String, Option<String>)> {
        parse(text).entries.into_iter().map(|e| (e.key, e.value.map(|v| v.value))).collect()
    }

    #[test]
    fn basic_forms() {
        let f = parse("export A=1\nB='two # x'\nC=\"a\\nb\"\nD=x # comment\nE=x#y\nF=\nG\n");
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let got: Vec<_> =
            f.entries.iter().map(|e| (e.key.as_str(), e.value.as_ref().map(|v| v.value.as_str()))).collect();
        assert_eq!(
            got,
            vec![
                ("A", Some("1")),
                ("B", Some("two # x")),
                ("C", Some("a\nb")),
                ("D", Some("x")),
                ("E", Some("x#y")),
                ("F", Some("")),
                ("G", None)
            ]
        );
        assert!(f.entries[0].export.is_some());
        assert_eq!(
            f.entries[3].comment.as_ref().map(|r| &"export A=1\nB='two # x'\nC=\"a\\nb\"\nD=x # comment\n"[r.clone()]),
            Some("# comment")
        );
    }

    #[test]
    fn multiline_crlf_bom() {
        let text = "\u{feff}A=\"line1\r\nline2\"\r\nB=2\r\n";
        let f = parse(text);
        assert!(f.bom);
        assert_eq!(kv(text), vec![("A".into(), Some("line1\r\nline2".into())), ("B".into(), Some("2".into()))]);
        assert_eq!(f.entries[1].line, 3);
        assert_eq!(&text[f.entries[1].key_span.clone()], "B");
    }

    #[test]
    fn errors_resume_on_next_line() {
        let f = parse("FOO BAR=baz\nA=\"open\nB=1\nC=\"x\"y\n");
        assert_eq!(f.errors.len(), 2, "{:?}", f.errors);
        assert_eq!(f.errors[0].line, 1);
        assert_eq!(kv("FOO BAR=baz\nB=1\n"), vec![("B".into(), Some("1".into()))]);
        let g = parse("A=\"open\nB=1\n");
        assert_eq!(g.errors.len(), 1);
        assert_eq!(g.entries.len(), 1);
        assert_eq!(g.entries[0].line, 2);
    }

    #[test]
    fn refs() {
        let f = parse("A=$HOME/x ${B:-d} ${C\nD='$E'\n");
        let r = &f.entries[0].value.as_ref().unwrap().refs;
        assert_eq!(r.len(), 3);
        assert!(!r[0].braced && r[0].name == "HOME");
        assert_eq!(r[1].default.as_deref(), Some("d"));
        assert!(!r[2].terminated);
        assert!(f.entries[1].value.as_ref().unwrap().refs.is_empty());
    }
}
