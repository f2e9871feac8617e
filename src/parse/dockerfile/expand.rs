//! Shell-word processing as BuildKit's `shell.Lex` does it: quote removal, escapes, `$VAR`,
//! `${VAR}`, `${VAR:-x}`, `${VAR:+x}`, `${VAR:?x}`, `${VAR#pat}`, `${VAR%pat}`, `${VAR/a/b}`, and
//! word splitting. One port serves three callers: variable expansion through a [`Scope`], quote
//! removal that keeps references as written ([`unquote`]), and the raw word split BuildKit runs
//! over a RUN/COPY/ADD line to find its heredocs.

use std::collections::HashMap;
use std::ops::Range;

/// What a variable name resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Set, to a value known here.
    Set(String),
    /// Not set: expands to the empty string.
    Unset,
    /// Set or not, to a value not knowable from the Dockerfile (an ARG without default that a
    /// `--build-arg` may set, or a variable the external base image may define).
    Unknown,
}

/// The variables in effect at one point of a Dockerfile, for [`expand`].
///
/// ENV always wins over ARG of the same name (the Dockerfile reference says so). A name found in
/// neither is unset, unless the scope is *open*: a stage built on an external image (not `scratch`)
/// inherits that image's ENV, which cannot be seen, so an undeclared name is unknown there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `None` values are declared but unknown.
    pub env: HashMap<String, Option<String>>,
    pub args: HashMap<String, Option<String>>,
    pub open: bool,
    /// The Dockerfile's escape token (`\` or a backtick).
    pub escape: char,
}

impl Default for Scope {
    fn default() -> Self {
        Scope { env: HashMap::new(), args: HashMap::new(), open: false, escape: '\\' }
    }
}

impl Scope {
    pub fn new(escape: char) -> Self {
        Scope { escape, ..Scope::default() }
    }

    pub fn lookup(&self, name: &str) -> Lookup {
        if let Some(v) = self.env.get(name).or_else(|| self.args.get(name)) {
            return v.clone().map_or(Lookup::Unknown, Lookup::Set);
        }
        // `$1`, `$@`, `$#`...: never set in a build environment.
        let identifier = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_');
        if self.open && identifier {
            Lookup::Unknown
        } else {
            Lookup::Unset
        }
    }
}

/// Expands `word` as BuildKit does for ENV, ARG, USER, WORKDIR, FROM, COPY...: quotes removed,
/// escapes applied, variables substituted. `None` when a variable's value is unknown, or when
/// BuildKit would fail (bad substitution, unterminated quote, `${X:?}` on an unset X).
pub fn expand(word: &str, scope: &Scope) -> Option<String> {
    let env = |name: &str| scope.lookup(name);
    let mut lex = Lex::new(word, scope.escape, &env);
    let (result, _) = lex.process().ok()?;
    (!lex.unknown).then_some(result)
}

/// Quote removal and escapes as BuildKit applies them, with every variable reference kept as
/// written (`"$HOME/x"` gives `$HOME/x`). Text that does not lex (an unterminated quote) is
/// returned unchanged.
pub fn unquote(word: &str, escape: char) -> String {
    let env = |_: &str| Lookup::Unset;
    let mut lex = Lex::new(word, escape, &env);
    lex.skip_unset = true;
    lex.process().map_or_else(|_| word.to_string(), |(s, _)| s)
}

/// BuildKit's `heredocsFromLine` word split: backslash escapes, quotes and escapes kept raw,
/// unset variables kept as written. Returns each word with its byte range in `line`; an empty
/// list when the line does not lex (BuildKit then finds no heredoc either).
pub(crate) fn raw_words(line: &str) -> Vec<(String, Range<usize>)> {
    let env = |_: &str| Lookup::Unset;
    let mut lex = Lex::new(line, '\\', &env);
    lex.raw_quotes = true;
    lex.raw_escapes = true;
    lex.skip_unset = true;
    lex.process().map(|(_, w)| w).unwrap_or_default()
}

/// A heredoc opener (`<<EOF`, `<<-"EOF"`, `2<<EOF`) as BuildKit's `ParseHeredoc` reads one word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeredocSpec {
    pub name: String,
    pub fd: Option<u32>,
    pub chomp: bool,
    pub expand: bool,
}

pub(crate) fn parse_heredoc_word(word: &str) -> Option<HeredocSpec> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let rest = word[digits..].strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let env = |_: &str| Lookup::Unset;
    let mut lex = Lex::new(rest, '\\', &env);
    lex.skip_unset = true;
    let (_, words) = lex.process().ok()?;
    if words.len() != 1 {
        return None;
    }
    let mut raw = Lex::new(rest, '\\', &env);
    raw.skip_unset = true;
    raw.raw_quotes = true;
    let (_, raw_words) = raw.process().ok()?;
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    let name = words[0].0.clone();
    let expand = raw_words.len() == 1 && quotes(&name) == quotes(&raw_words[0].0);
    let fd = if digits > 0 { word[..digits].parse().ok() } else { None };
    Some(HeredocSpec { name, fd, chomp, expand })
}

type Env<'e> = dyn Fn(&str) -> Lookup + 'e;

struct Lex<'s, 'e> {
    chars: Vec<(usize, char)>,
    len: usize,
    pos: usize,
    escape: char,
    raw_quotes: bool,
    raw_escapes: bool,
    skip_unset: bool,
    env: &'e Env<'e>,
    unknown: bool,
    _src: std::marker::PhantomData<&'s str>,
}

#[derive(Default)]
struct Words {
    done: Vec<(String, Range<usize>)>,
    word: String,
    start: Option<usize>,
    end: usize,
    in_word: bool,
}

impl Words {
    fn push(&mut self) {
        let start = self.start.take().unwrap_or(self.end);
        self.done.push((std::mem::take(&mut self.word), start..self.end));
        self.in_word = false;
    }

    fn add_char(&mut self, ch: char, at: Range<usize>) {
        if ch.is_whitespace() {
            if self.in_word && !self.word.is_empty() {
                self.push();
            }
        } else {
            self.add_raw_char(ch, at);
        }
    }

    fn add_raw_char(&mut self, ch: char, at: Range<usize>) {
        self.word.push(ch);
        self.start.get_or_insert(at.start);
        self.end = at.end;
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str, at: Range<usize>) {
        for ch in s.chars() {
            self.add_char(ch, at.clone());
        }
    }

    fn add_raw_string(&mut self, s: &str, at: Range<usize>) {
        self.word.push_str(s);
        self.start.get_or_insert(at.start);
        self.end = at.end;
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<(String, Range<usize>)> {
        if !self.word.is_empty() {
            self.push();
        }
        self.done
    }
}

type LexResult<T> = Result<T, String>;

/// The processed text and its words, each with its byte range.
type Processed = (String, Vec<(String, Range<usize>)>);

impl<'s, 'e> Lex<'s, 'e> {
    fn new(src: &'s str, escape: char, env: &'e Env<'e>) -> Self {
        Lex {
            chars: src.char_indices().collect(),
            len: src.len(),
            pos: 0,
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_unset: false,
            env,
            unknown: false,
            _src: std::marker::PhantomData,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn offset(&self) -> usize {
        self.chars.get(self.pos).map_or(self.len, |&(o, _)| o)
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn process(&mut self) -> LexResult<Processed> {
        let raw = self.raw_escapes;
        self.stop_on(None, raw)
    }

    fn lookup(&mut self, name: &str) -> (String, bool) {
        match (self.env)(name) {
            Lookup::Set(v) => (v, true),
            Lookup::Unset => (String::new(), false),
            Lookup::Unknown => {
                self.unknown = true;
                (String::new(), true)
            }
        }
    }

    fn stop_on(&mut self, stop: Option<char>, raw_escapes: bool) -> LexResult<Processed> {
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let r = self.stop_on_inner(stop);
        self.raw_escapes = saved;
        r
    }

    fn stop_on_inner(&mut self, stop: Option<char>) -> LexResult<Processed> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.next();
                return Ok((result, words.finish()));
            }
            let start = self.offset();
            match ch {
                '$' => {
                    let tmp = self.dollar()?;
                    result.push_str(&tmp);
                    words.add_string(&tmp, start..self.offset());
                }
                '\'' => {
                    let tmp = self.single_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp, start..self.offset());
                }
                '"' => {
                    let tmp = self.double_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp, start..self.offset());
                }
                _ => {
                    self.next();
                    let mut ch = ch;
                    if ch == self.escape {
                        if self.raw_escapes {
                            words.add_raw_char(ch, start..self.offset());
                            result.push(ch);
                        }
                        let at = self.offset();
                        match self.next() {
                            None => break,
                            Some(c) => ch = c,
                        }
                        words.add_raw_char(ch, at..self.offset());
                    } else {
                        words.add_char(ch, start..self.offset());
                    }
                    result.push(ch);
                }
            }
        }
        match stop {
            Some(c) => Err(format!("unexpected end of statement while looking for matching {c}")),
            None => Ok((result, words.finish())),
        }
    }

    fn single_quote(&mut self) -> LexResult<String> {
        let mut result = String::new();
        let q = self.next();
        if self.raw_quotes {
            result.extend(q);
        }
        loop {
            match self.next() {
                None => return Err("unexpected end of statement while looking for matching single-quote".into()),
                Some('\'') => {
                    if self.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn double_quote(&mut self) -> LexResult<String> {
        let mut result = String::new();
        let q = self.next();
        if self.raw_quotes {
            result.extend(q);
        }
        loop {
            match self.peek() {
                None => return Err("unexpected end of statement while looking for matching double-quote".into()),
                Some('"') => {
                    self.next();
                    if self.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let v = self.dollar()?;
                    result.push_str(&v);
                }
                Some(_) => {
                    let mut ch = self.next().unwrap_or_default();
                    if ch == self.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(c) if c == '"' || c == '$' || c == self.escape => {
                                ch = c;
                                self.next();
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_numeric() {
                while let Some(d) = self.peek().filter(|d| d.is_numeric()) {
                    name.push(d);
                    self.next();
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                return ch.to_string();
            }
            if !ch.is_alphanumeric() && ch != '_' {
                break;
            }
            name.push(ch);
            self.next();
        }
        name
    }

    fn dollar(&mut self) -> LexResult<String> {
        self.next();
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".into());
            }
            let (value, found) = self.lookup(&name);
            if !found && self.skip_unset {
                return Ok(format!("${name}"));
            }
            return Ok(value);
        }
        self.next();
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.name();
        let Some(mut ch) = self.next() else {
            return Err("syntax error: missing '}'".into());
        };
        let mut chs = ch.to_string();
        let mut null_is_unset = false;
        match ch {
            '}' => {
                let (value, set) = self.lookup(&name);
                if !set && self.skip_unset {
                    return Ok(format!("${{{name}}}"));
                }
                Ok(value)
            }
            ':' | '+' | '-' | '?' | '#' | '%' => {
                if ch == ':' {
                    null_is_unset = true;
                    ch = self.next().ok_or("syntax error: missing '}'")?;
                    chs.push(ch);
                }
                let raw = ch == '#' || ch == '%';
                let (word, _) = self.stop_on(Some('}'), raw).map_err(|e| {
                    if self.peek().is_none() {
                        "syntax error: missing '}'".to_string()
                    } else {
                        e
                    }
                })?;
                let (value, set) = self.lookup(&name);
                if self.skip_unset && !set {
                    return Ok(format!("${{{name}{chs}{word}}}"));
                }
                let empty_or_unset = !set || (null_is_unset && value.is_empty());
                match ch {
                    '-' => Ok(if empty_or_unset { word } else { value }),
                    '+' => Ok(if empty_or_unset { String::new() } else { word }),
                    '?' => {
                        if empty_or_unset {
                            Err(format!(
                                "{name}: {}",
                                if word.is_empty() { "is not allowed to be unset" } else { &word }
                            ))
                        } else {
                            Ok(value)
                        }
                    }
                    '#' | '%' => {
                        let (greedy, pat) = match word.strip_prefix(ch) {
                            Some(p) => (true, p),
                            None => (false, word.as_str()),
                        };
                        trim_pattern(&value, pat, greedy, ch == '#')
                    }
                    _ => Err(format!("unsupported modifier ({chs}) in substitution")),
                }
            }
            '/' => {
                let all = self.peek() == Some('/');
                if all {
                    self.next();
                }
                let (pattern, _) = self.stop_on(Some('/'), true)?;
                let (replacement, _) = self.stop_on(Some('}'), true)?;
                let (value, set) = self.lookup(&name);
                if self.skip_unset && !set {
                    return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                }
                let re = pattern_regex(&pattern, true, false)?;
                let rep = regex::NoExpand(&replacement);
                Ok(if all {
                    re.replace_all(&value, rep).into_owned()
                } else {
                    re.replacen(&value, 1, rep).into_owned()
                })
            }
            _ => Err(format!("unsupported modifier ({chs}) in substitution")),
        }
    }
}

/// A shell wildcard pattern (`*`, `?`, `\` escapes; no bracket expressions) as a regex.
fn pattern_regex(pattern: &str, greedy: bool, full: bool) -> LexResult<regex::Regex> {
    let mut out = String::from(if full { "^(?:" } else { "" });
    let mut it = pattern.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '*' => out.push_str(if greedy { ".*" } else { ".*?" }),
            '?' => out.push('.'),
            '\\' => {
                if matches!(it.peek(), Some('}' | '/')) {
                    continue;
                }
                match it.next() {
                    Some(n @ ('*' | '?' | '\\')) => {
                        out.push('\\');
                        out.push(n);
                    }
                    other => return Err(format!("invalid escape '\\{}'", other.unwrap_or(' '))),
                }
            }
            _ => out.push_str(&regex::escape(&c.to_string())),
        }
    }
    if full {
        out.push_str(")$");
    }
    regex::Regex::new(&out).map_err(|e| e.to_string())
}

/// `${V#pat}` / `${V##pat}` (prefix) and `${V%pat}` / `${V%%pat}` (suffix): the shortest match,
/// or the longest when greedy.
fn trim_pattern(value: &str, pat: &str, greedy: bool, prefix: bool) -> LexResult<String> {
    let re = pattern_regex(pat, true, true)?;
    let mut cuts: Vec<usize> = value.char_indices().map(|(i, _)| i).chain([value.len()]).collect();
    if prefix {
        // Prefix lengths, shortest first.
        if greedy {
            cuts.reverse();
        }
        Ok(cuts.into_iter().find(|&i| re.is_match(&value[..i])).map_or(value, |i| &value[i..]).to_string())
    } else {
        // Suffix starts, shortest suffix first.
        if !greedy {
            cuts.reverse();
        }
        Ok(cuts.into_iter().find(|&i| re.is_match(&value[i..])).map_or(value, |i| &value[..i]).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(vars: &[(&str, Option<&str>)]) -> Scope {
        let mut s = Scope::new('\\');
        for (k, v) in vars {
            s.args.insert(k.to_string(), v.map(str::to_string));
        }
        s
    }

    #[test]
    fn expansion_forms() {
        let s = scope(&[("A", Some("1")), ("E", Some("")), ("U", None), ("V", Some("3.12.1"))]);
        let e = |w: &str| expand(w, &s);
        assert_eq!(e("$A"), Some("1".into()));
        assert_eq!(e("${A}x"), Some("1x".into()));
        assert_eq!(e("$NOPE"), Some(String::new()));
        assert_eq!(e("${NOPE:-d}"), Some("d".into()));
        assert_eq!(e("${E:-d}"), Some("d".into()));
        assert_eq!(e("${E-d}"), Some(String::new()));
        assert_eq!(e("${A:+set}"), Some("set".into()));
        assert_eq!(e("${E:+set}"), Some(String::new()));
        assert_eq!(e("${E+set}"), Some("set".into()));
        assert_eq!(e("$U"), None);
        assert_eq!(e("${U:-d}"), None);
        assert_eq!(e("${NOPE:?boom}"), None);
        assert_eq!(e("${V%.*}"), Some("3.12".into()));
        assert_eq!(e("${V%%.*}"), Some("3".into()));
        assert_eq!(e("${V#*.}"), Some("12.1".into()));
        assert_eq!(e("${V##*.}"), Some("1".into()));
        assert_eq!(e("${V/./-}"), Some("3-12.1".into()));
        assert_eq!(e("${V//./-}"), Some("3-12-1".into()));
        assert_eq!(e("${A:-${V}}"), Some("1".into()));
        assert_eq!(e("${NOPE:-${V}}"), Some("3.12.1".into()));
        assert_eq!(e("${}"), None);
        assert_eq!(e("${A"), None);
        assert_eq!(e("$"), Some("$".into()));
        assert_eq!(e("$1x"), Some("x".into()));
    }

    #[test]
    fn quotes_and_escapes() {
        let s = scope(&[("A", Some("1"))]);
        assert_eq!(expand("\"two words\"", &s), Some("two words".into()));
        assert_eq!(expand("'$A'", &s), Some("$A".into()));
        assert_eq!(expand("\"$A\"", &s), Some("1".into()));
        assert_eq!(expand("x\\ y", &s), Some("x y".into()));
        assert_eq!(expand("\\$A", &s), Some("$A".into()));
        assert_eq!(expand("\"a\\\"b\\n\"", &s), Some("a\"b\\n".into()));
        assert_eq!(expand("\"open", &s), None);
        let bt = Scope { escape: '`', ..s };
        assert_eq!(expand("C:\\app", &bt), Some("C:\\app".into()));
        assert_eq!(expand("a`$A", &bt), Some("a$A".into()));
    }

    #[test]
    fn open_scope_makes_undeclared_names_unknown() {
        let mut s = scope(&[]);
        s.open = true;
        assert_eq!(expand("$PATH", &s), None);
        assert_eq!(expand("$1", &s), Some(String::new()));
        s.env.insert("PATH".into(), Some("/bin".into()));
        assert_eq!(expand("$PATH:/x", &s), Some("/bin:/x".into()));
    }

    #[test]
    fn env_wins_over_arg() {
        let mut s = scope(&[("X", Some("arg"))]);
        s.env.insert("X".into(), Some("env".into()));
        assert_eq!(expand("$X", &s), Some("env".into()));
    }

    #[test]
    fn unquote_keeps_references() {
        assert_eq!(unquote("\"$HOME/x\"", '\\'), "$HOME/x");
        assert_eq!(unquote("'a b'", '\\'), "a b");
        assert_eq!(unquote("${A:-\"x\"}", '\\'), "${A:-x}");
        assert_eq!(unquote("\"open", '\\'), "\"open");
    }

    #[test]
    fn raw_word_split() {
        let line = "RUN cat <<EOF > /f && echo \"a b\" 'c d'";
        let w: Vec<_> = raw_words(line).into_iter().map(|(s, r)| (s, &line[r])).collect();
        let texts: Vec<_> = w.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(texts, ["RUN", "cat", "<<EOF", ">", "/f", "&&", "echo", "\"a b\"", "'c d'"]);
        assert!(w.iter().all(|(s, r)| s == r));
        assert!(raw_words("RUN echo \"unterminated <<EOF").is_empty());
    }

    #[test]
    fn heredoc_words() {
        let h = |w| parse_heredoc_word(w);
        assert_eq!(h("<<EOF"), Some(HeredocSpec { name: "EOF".into(), fd: None, chomp: false, expand: true }));
        assert_eq!(h("<<-EOF").map(|s| s.chomp), Some(true));
        assert_eq!(h("<<\"EOF\"").map(|s| (s.name, s.expand)), Some(("EOF".into(), false)));
        assert_eq!(h("<<'EOF'").map(|s| (s.name, s.expand)), Some(("EOF".into(), false)));
        assert_eq!(h("<<E\"O\"F").map(|s| (s.name, s.expand)), Some(("EOF".into(), false)));
        assert_eq!(h("2<<ERR").map(|s| (s.name, s.fd)), Some(("ERR".into(), Some(2))));
        assert_eq!(h("<<"), None);
        assert_eq!(h("<<<EOF"), None);
        assert_eq!(h("<<\"\""), None);
        assert_eq!(h("x<<EOF"), None);
        assert_eq!(h("<<EOF>/f").map(|s| s.name), Some("EOF>/f".into()));
    }
}
