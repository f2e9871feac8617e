//! BuildKit's argument splitters (`parser/line_parsers.go`, `split_command.go`) over one
//! logical line, returning byte ranges into that line, and the JSON-array reader of the exec
//! form.

use std::ops::Range;

/// `[\t\v\f\r ]`: the whitespace of BuildKit's `reWhitespace`.
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// Go's `unicode.IsSpace` applied to one byte, as `extractBuilderFlags` does.
fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// Splits on runs of `[\t\v\f\r ]` (`parseStringsWhitespaceDelimited`, FROM, EXPOSE, COPY).
pub(crate) fn split_ws(s: &str) -> Vec<Range<usize>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if is_ws(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !is_ws(b[i]) {
            i += 1;
        }
        out.push(start..i);
    }
    out
}

/// Trims Unicode whitespace on both sides (Go's `strings.TrimSpace`).
pub(crate) fn trim(s: &str, r: Range<usize>) -> Range<usize> {
    let t = &s[r.clone()];
    let start = r.start + (t.len() - t.trim_start().len());
    let end = r.start + t.trim_end().len();
    start..end.max(start)
}

/// `parseWords`: words separated by Unicode whitespace outside quotes; quotes and escapes are
/// kept (they are removed later, at expansion). Used for ENV, LABEL and ARG.
pub(crate) fn parse_words(s: &str, escape: char) -> Vec<Range<usize>> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut start = 0;
    let mut end = 0;
    let mut blank_ok = false;
    let mut it = s.char_indices().peekable();
    loop {
        let Some((pos, ch)) = it.next() else {
            if phase != Phase::Spaces && (blank_ok || end > start) {
                words.push(start..end);
            }
            break;
        };
        let next = pos + ch.len_utf8();
        match phase {
            Phase::Spaces => {
                if ch.is_whitespace() {
                    continue;
                }
                phase = Phase::Word;
                start = pos;
                end = pos;
            }
            Phase::Word | Phase::Quote => {}
        }
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if blank_ok || end > start {
                    words.push(start..end);
                }
                blank_ok = false;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if next == s.len() {
                    continue; // an escape at the very end is dropped
                }
                let (_, escaped) = it.next().unwrap_or((next, ch));
                end = next + escaped.len_utf8();
                continue;
            }
            end = next;
            continue;
        }
        // In quotes.
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if next == s.len() {
                phase = Phase::Word;
                continue;
            }
            let (_, escaped) = it.next().unwrap_or((next, ch));
            end = next + escaped.len_utf8();
            continue;
        }
        end = next;
    }
    words
}

/// One `--flag[=value]` word found by `extractBuilderFlags`.
#[derive(Debug, Clone)]
pub(crate) struct FlagWord {
    /// The word after quote and escape removal, `--` included.
    pub text: String,
    /// For each byte of `text`, its offset in the scanned string.
    pub map: Vec<usize>,
    pub range: Range<usize>,
}

/// `extractBuilderFlags`: leading words starting with `--` (quotes removed, escapes applied); a
/// lone `--` ends them. Returns the flags and where the rest of the line starts.
pub(crate) fn extract_flags(s: &str, escape: char) -> (Vec<FlagWord>, usize) {
    let b = s.as_bytes();
    let esc = u8::try_from(escape).unwrap_or(b'\\');
    let mut flags = Vec::new();
    let mut pos = 0;
    loop {
        while pos < b.len() && is_space_byte(b[pos]) {
            pos += 1;
        }
        if pos == b.len() {
            return (flags, pos);
        }
        if !(b[pos] == b'-' && b.get(pos + 1) == Some(&b'-')) {
            return (flags, pos);
        }
        let start = pos;
        let mut text = Vec::new();
        let mut map = Vec::new();
        let mut quote = 0u8;
        let mut blank_ok = false;
        while pos < b.len() {
            let c = b[pos];
            if quote == 0 && is_space_byte(c) {
                break;
            }
            if quote == 0 && (c == b'\'' || c == b'"') {
                quote = c;
                blank_ok = true;
                pos += 1;
                continue;
            }
            if quote != 0 && c == quote {
                quote = 0;
                pos += 1;
                continue;
            }
            let mut at = pos;
            if c == esc {
                if pos + 1 == b.len() {
                    pos += 1;
                    continue;
                }
                at = pos + 1;
                pos += 1;
            }
            text.push(b[at]);
            map.push(at);
            pos += 1;
        }
        let end = pos;
        if text == b"--" {
            // A lone `--` ends the flags and is not one.
            return (flags, end);
        }
        if blank_ok || !text.is_empty() {
            let text = String::from_utf8(text).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            flags.push(FlagWord { text, map, range: start..end });
        }
    }
}

/// How BuildKit reads an argument that may be a JSON array (`parseJSON`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Json {
    /// Does not start with `[`, or is not valid JSON: BuildKit falls back to the shell form.
    NotArray,
    /// Valid JSON, but an element is not a string: BuildKit fails.
    NonString(Range<usize>),
    /// The decoded strings and the byte range of each literal (quotes included).
    Strings(Vec<(String, Range<usize>)>),
}

pub(crate) fn parse_json_array(s: &str) -> Json {
    let mut p = JsonParser { b: s.as_bytes(), s, i: 0 };
    p.ws();
    if p.peek() != Some(b'[') {
        return Json::NotArray;
    }
    match p.array() {
        Some(items) => {
            p.ws();
            if p.i != p.b.len() {
                return Json::NotArray;
            }
            let mut out = Vec::with_capacity(items.len());
            for (value, range) in items {
                match value {
                    Some(v) => out.push((v, range)),
                    None => return Json::NonString(range),
                }
            }
            Json::Strings(out)
        }
        None => Json::NotArray,
    }
}

struct JsonParser<'a> {
    b: &'a [u8],
    s: &'a str,
    i: usize,
}

impl JsonParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    /// A top-level array: each element is a string (`Some`) or another JSON value (`None`).
    fn array(&mut self) -> Option<Vec<(Option<String>, Range<usize>)>> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']').is_some() {
            return Some(items);
        }
        loop {
            self.ws();
            let start = self.i;
            let v = if self.peek() == Some(b'"') { Some(self.string()?) } else { self.value().map(|()| None)? };
            items.push((v, start..self.i));
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(items);
                }
                _ => return None,
            }
        }
    }

    fn value(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'[' => {
                self.i += 1;
                self.ws();
                if self.eat(b']').is_some() {
                    return Some(());
                }
                loop {
                    self.value()?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.i += 1;
                self.ws();
                if self.eat(b'}').is_some() {
                    return Some(());
                }
                loop {
                    self.ws();
                    self.string()?;
                    self.ws();
                    self.eat(b':')?;
                    self.value()?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b't' => self.lit("true"),
            b'f' => self.lit("false"),
            b'n' => self.lit("null"),
            _ => self.number(),
        }
    }

    fn lit(&mut self, w: &str) -> Option<()> {
        self.s[self.i..].starts_with(w).then(|| self.i += w.len())
    }

    fn number(&mut self) -> Option<()> {
        let start = self.i;
        self.eat(b'-');
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
            }
            _ => return None,
        }
        if self.eat(b'.').is_some() {
            let d = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == d {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            let d = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == d {
                return None;
            }
        }
        (self.i > start).then_some(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        let v = u32::from_str_radix(h, 16).ok()?;
        if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.i += 4;
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let rest = &self.s[self.i..];
            let ch = rest.chars().next()?;
            match ch {
                '"' => {
                    self.i += 1;
                    return Some(out);
                }
                '\\' => {
                    self.i += 1;
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) && self.s[self.i..].starts_with("\\u") {
                                let save = self.i;
                                self.i += 2;
                                match self.hex4() {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                    }
                                    _ => {
                                        self.i = save;
                                        None
                                    }
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            // Go decodes a lone surrogate as U+FFFD.
                            out.push(c.unwrap_or('\u{fffd}'));
                        }
                        _ => return None,
                    }
                }
                c if (c as u32) < 0x20 => return None,
                c => {
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str, esc: char) -> Vec<&str> {
        parse_words(s, esc).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn parse_words_keeps_quotes() {
        assert_eq!(words("A=1 B=\"two words\" C=3", '\\'), ["A=1", "B=\"two words\"", "C=3"]);
        assert_eq!(words("H=x\\ y I=2", '\\'), ["H=x\\ y", "I=2"]);
        assert_eq!(words("A='it''s' B", '\\'), ["A='it''s'", "B"]);
        assert_eq!(words("A=\"x\\\"y\" B", '\\'), ["A=\"x\\\"y\"", "B"]);
        assert_eq!(words("A=x\\", '\\'), ["A=x"]);
        assert_eq!(words("  ", '\\'), Vec::<&str>::new());
        assert_eq!(words("A=\"open end", '\\'), ["A=\"open end"]);
    }

    #[test]
    fn flags() {
        let s = "--mount=type=cache,target=/x --network=\"none\" -- --not-a-flag rest";
        let (f, rest) = extract_flags(s, '\\');
        let t: Vec<_> = f.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(t, ["--mount=type=cache,target=/x", "--network=none"]);
        assert_eq!(&s[f[1].range.clone()], "--network=\"none\"");
        assert_eq!(s[rest..].trim(), "--not-a-flag rest");
        let (f, rest) = extract_flags("--platform=x", '\\');
        assert_eq!(f.len(), 1);
        assert_eq!(rest, 12);
        let (f, _) = extract_flags("-x --y", '\\');
        assert!(f.is_empty());
    }

    #[test]
    fn json() {
        assert_eq!(
            parse_json_array(r#"["a", "b \"q\" \u0041"]"#),
            Json::Strings(vec![("a".into(), 1..4), ("b \"q\" A".into(), 6..22)])
        );
        assert_eq!(parse_json_array("[]"), Json::Strings(vec![]));
        assert_eq!(parse_json_array("['a']"), Json::NotArray);
        assert_eq!(parse_json_array(r#"["a",]"#), Json::NotArray);
        assert_eq!(parse_json_array(r#"["a"] x"#), Json::NotArray);
        assert_eq!(parse_json_array(r#"["a", 3]"#), Json::NonString(6..7));
        assert_eq!(parse_json_array(r#"["a", {"k": [1, null]}]"#), Json::NonString(6..22));
        assert_eq!(parse_json_array("[\"tab\there\"]"), Json::NotArray);
        assert_eq!(parse_json_array(r#"["\ud800x"]"#), Json::Strings(vec![("\u{fffd}x".into(), 1..10)]));
        assert_eq!(parse_json_array("echo"), Json::NotArray);
    }
}
