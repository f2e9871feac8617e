//! One logical line to an [`Instruction`]: BuildKit's `splitCommand`, its per-keyword argument
//! parsers (`line_parsers.go`), and the argument and flag checks of `instructions/parse.go`.

use std::ops::Range;

use super::expand::unquote;
use super::words::{extract_flags, is_ws, parse_json_array, parse_words, split_ws, trim, Json};
use super::{
    ArgDecl, Body, CommandLine, ErrorKind, Flag, Form, FromArgs, Healthcheck, Instruction, KeyValue, Kind, Logical,
    ParseError, Value, Word,
};

pub(crate) struct Parser<'e> {
    pub escape: char,
    pub errors: &'e mut Vec<ParseError>,
}

impl Parser<'_> {
    fn err(&mut self, kind: ErrorKind, span: Range<usize>, message: impl Into<String>) {
        self.errors.push(ParseError { kind, message: message.into(), span, line: 0 });
    }

    /// Parses one trimmed logical line (non-empty) into an instruction. Heredocs, line numbers
    /// and the stage are filled in by the caller.
    pub fn instruction(&mut self, lg: Logical) -> Instruction {
        let text = lg.text.as_str();
        let b = text.as_bytes();
        let kw_end = b.iter().position(|&c| is_ws(c)).unwrap_or(b.len());
        let kind = Kind::from_keyword(&text[..kw_end]);
        let mut after = kw_end;
        while after < b.len() && is_ws(b[after]) {
            after += 1;
        }
        let (flag_words, rest) =
            if kw_end < b.len() { extract_flags(&text[after..], self.escape) } else { (vec![], 0) };
        let flags: Vec<Flag> = flag_words
            .into_iter()
            .map(|f| {
                let range = f.range.start + after..f.range.end + after;
                let eq = f.text.find('=');
                let name = f.text[2..eq.unwrap_or(f.text.len())].to_string();
                let (value, value_span, name_end) = match eq {
                    Some(e) => {
                        let raw_eq = f.map[e] + after;
                        (Some(f.text[e + 1..].to_string()), Some(lg.span(raw_eq + 1..range.end)), raw_eq)
                    }
                    None => (None, None, range.end),
                };
                Flag {
                    name,
                    value,
                    span: lg.span(range.clone()),
                    name_span: lg.span(range.start..name_end),
                    value_span,
                }
            })
            .collect();
        let args_r = if kw_end < b.len() { trim(text, after + rest..text.len()) } else { text.len()..text.len() };
        let mut ins = Instruction {
            kind,
            keyword: lg.span(0..kw_end),
            span: lg.span(0..text.len()),
            full_span: lg.span(0..text.len()),
            line: 0,
            end_line: 0,
            flags,
            args: lg.span(args_r.clone()),
            body: Body::Empty,
            heredocs: Vec::new(),
            assignments: Vec::new(),
            stage: None,
            logical: Logical::default(),
            args_at: args_r.clone(),
        };
        ins.body = self.body(&lg, &ins, args_r);
        self.check_flags(&ins);
        ins.logical = lg;
        ins
    }

    fn word(&self, lg: &Logical, r: Range<usize>) -> Word {
        Word { text: lg.text[r.clone()].to_string(), span: lg.span(r) }
    }

    fn value(&self, lg: &Logical, r: Range<usize>) -> Value {
        let raw = lg.text[r.clone()].to_string();
        Value { text: unquote(&raw, self.escape), raw, span: lg.span(r) }
    }

    fn body(&mut self, lg: &Logical, ins: &Instruction, r: Range<usize>) -> Body {
        let a = &lg.text[r.clone()];
        let name = ins.kind.name();
        let kw = ins.keyword.clone();
        match ins.kind {
            Kind::Unknown => {
                let written = &lg.text[..lg.text.bytes().position(is_ws).unwrap_or(lg.text.len())];
                self.err(ErrorKind::UnknownInstruction, kw, format!("unknown instruction: {written}"));
                Body::Empty
            }
            Kind::From => self.from(lg, r, kw),
            Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Shell => {
                if a.is_empty() {
                    if ins.kind == Kind::Shell {
                        self.err(ErrorKind::MissingArgument, kw, "SHELL requires at least one argument");
                    }
                    return Body::Empty;
                }
                let cmd = self.maybe_json(lg, r);
                if ins.kind == Kind::Shell {
                    if cmd.form == Form::Shell {
                        self.err(
                            ErrorKind::InvalidArgument,
                            cmd.span.clone(),
                            "SHELL requires the arguments to be in JSON form",
                        );
                    } else if cmd.exec.is_empty() {
                        self.err(ErrorKind::MissingArgument, cmd.span.clone(), "SHELL requires at least one argument");
                    }
                }
                Body::Command(cmd)
            }
            Kind::Add | Kind::Copy | Kind::Volume => {
                let (json, items) = match parse_json_array(a) {
                    Json::Strings(v) => (
                        true,
                        v.into_iter()
                            .map(|(s, e)| Word { text: s, span: lg.span(e.start + r.start..e.end + r.start) })
                            .collect(),
                    ),
                    other => {
                        if let Json::NonString(e) = other {
                            self.non_string(lg.span(e.start + r.start..e.end + r.start));
                        }
                        (false, self.ws_words(lg, r.clone()))
                    }
                };
                if ins.kind == Kind::Volume {
                    if items.is_empty() {
                        self.err(ErrorKind::MissingArgument, kw, "VOLUME requires at least one argument");
                    } else if let Some(w) = items.iter().find(|w: &&Word| w.text.trim().is_empty()) {
                        self.err(
                            ErrorKind::InvalidArgument,
                            w.span.clone(),
                            "VOLUME specified can not be an empty string",
                        );
                    }
                } else if items.len() < 2 {
                    self.err(
                        ErrorKind::MissingArgument,
                        if items.is_empty() { kw } else { items[0].span.clone() },
                        format!(
                            "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
                        ),
                    );
                } else if let Some(dest) =
                    items.last().filter(|d| !json && super::expand::parse_heredoc_word(&d.text).is_some())
                {
                    self.err(
                        ErrorKind::InvalidArgument,
                        dest.span.clone(),
                        format!("{name} cannot accept a heredoc as a destination"),
                    );
                }
                Body::List { json, items }
            }
            Kind::Expose => {
                let items = self.ws_words(lg, r);
                if items.is_empty() {
                    self.err(ErrorKind::MissingArgument, kw, "EXPOSE requires at least one argument");
                }
                Body::List { json: false, items }
            }
            Kind::Env | Kind::Label => self.name_val(lg, r, name, kw),
            Kind::Arg => {
                let mut decls = Vec::new();
                let mut blank = false;
                for w in parse_words(a, self.escape) {
                    let w = w.start + r.start..w.end + r.start;
                    let word = &lg.text[w.clone()];
                    match word.find('=') {
                        Some(0) => {
                            blank = true;
                            self.err(ErrorKind::InvalidArgument, lg.span(w.clone()), "ARG names can not be blank");
                        }
                        Some(e) => decls.push(ArgDecl {
                            name: self.word(lg, w.start..w.start + e),
                            default: Some(self.value(lg, w.start + e + 1..w.end)),
                        }),
                        None => decls.push(ArgDecl { name: self.word(lg, w), default: None }),
                    }
                }
                if decls.is_empty() && !blank {
                    self.err(ErrorKind::MissingArgument, kw, "ARG requires at least one argument");
                }
                Body::Args(decls)
            }
            Kind::Healthcheck => self.healthcheck(lg, r, kw),
            Kind::Maintainer | Kind::Stopsignal | Kind::User | Kind::Workdir => {
                if a.is_empty() {
                    self.err(ErrorKind::MissingArgument, kw, format!("{name} requires exactly one argument"));
                    Body::Empty
                } else {
                    Body::Text(self.word(lg, r))
                }
            }
            Kind::Onbuild => {
                if a.is_empty() {
                    self.err(ErrorKind::MissingArgument, kw, "ONBUILD requires at least one argument");
                    return Body::Empty;
                }
                let inner = self.instruction(lg.slice(r));
                match inner.kind {
                    Kind::Onbuild => self.err(
                        ErrorKind::InvalidArgument,
                        inner.keyword.clone(),
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                    ),
                    Kind::From | Kind::Maintainer => self.err(
                        ErrorKind::InvalidArgument,
                        inner.keyword.clone(),
                        format!("{} isn't allowed as an ONBUILD trigger", inner.kind.name()),
                    ),
                    _ => {}
                }
                Body::Onbuild(Box::new(inner))
            }
        }
    }

    fn non_string(&mut self, span: Range<usize>) {
        self.err(
            ErrorKind::InvalidArgument,
            span,
            "when using JSON array syntax, arrays must be comprised of strings only",
        );
    }

    fn ws_words(&self, lg: &Logical, r: Range<usize>) -> Vec<Word> {
        split_ws(&lg.text[r.clone()]).into_iter().map(|w| self.word(lg, w.start + r.start..w.end + r.start)).collect()
    }

    /// `parseMaybeJSON`: a JSON array of strings is the exec form; anything else that is not
    /// valid JSON is the shell form.
    fn maybe_json(&mut self, lg: &Logical, r: Range<usize>) -> CommandLine {
        let a = &lg.text[r.clone()];
        let span = lg.span(r.clone());
        match parse_json_array(a) {
            Json::Strings(v) => CommandLine {
                form: Form::Exec,
                span,
                text: a.to_string(),
                offset: r.start,
                exec: v
                    .into_iter()
                    .map(|(s, e)| Word { text: s, span: lg.span(e.start + r.start..e.end + r.start) })
                    .collect(),
            },
            other => {
                if let Json::NonString(e) = other {
                    self.non_string(lg.span(e.start + r.start..e.end + r.start));
                }
                CommandLine { form: Form::Shell, span, text: a.to_string(), offset: r.start, exec: Vec::new() }
            }
        }
    }

    fn from(&mut self, lg: &Logical, r: Range<usize>, kw: Range<usize>) -> Body {
        let words: Vec<Range<usize>> =
            split_ws(&lg.text[r.clone()]).into_iter().map(|w| w.start + r.start..w.end + r.start).collect();
        let Some(image) = words.first().cloned() else {
            self.err(ErrorKind::MissingArgument, kw, "FROM requires either one or three arguments");
            return Body::Empty;
        };
        let mut as_keyword = None;
        let mut alias = None;
        if words.len() == 3 && lg.text[words[1].clone()].eq_ignore_ascii_case("as") {
            let name = &lg.text[words[2].clone()];
            let lower = name.to_ascii_lowercase();
            let valid = lower.starts_with(|c: char| c.is_ascii_lowercase())
                && lower.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
            if !valid {
                self.err(
                    ErrorKind::InvalidArgument,
                    lg.span(words[2].clone()),
                    format!(
                        "invalid name for build stage: {name:?}, name can't start with a number or contain symbols"
                    ),
                );
            }
            as_keyword = Some(lg.span(words[1].clone()));
            alias = Some(self.word(lg, words[2].clone()));
        } else if words.len() != 1 {
            self.err(ErrorKind::InvalidArgument, lg.span(r), "FROM requires either one or three arguments");
        }
        let (name, tag, digest) = split_reference(&lg.text[image.clone()]);
        let shift = |x: Range<usize>| x.start + image.start..x.end + image.start;
        Body::From(FromArgs {
            image: self.word(lg, image.clone()),
            name: self.word(lg, shift(name)),
            tag: tag.map(|t| self.word(lg, shift(t))),
            digest: digest.map(|d| self.word(lg, shift(d))),
            as_keyword,
            alias,
        })
    }

    /// `parseNameVal` (ENV, LABEL) and the checks of `parseKvps`.
    fn name_val(&mut self, lg: &Logical, r: Range<usize>, name: &str, kw: Range<usize>) -> Body {
        let a = &lg.text[r.clone()];
        let words = parse_words(a, self.escape);
        let mut pairs = Vec::new();
        let mut failed = false;
        if let Some(first) = words.first() {
            if !a[first.clone()].contains('=') {
                // Legacy `ENV key value`: split at the first whitespace run, the rest is the value.
                let b = a.as_bytes();
                let k_end = b.iter().position(|&c| is_ws(c)).unwrap_or(b.len());
                let mut v = k_end;
                while v < b.len() && is_ws(b[v]) {
                    v += 1;
                }
                if k_end == b.len() {
                    self.err(ErrorKind::MissingArgument, lg.span(r.clone()), format!("{name} must have two arguments"));
                    failed = true;
                } else {
                    pairs.push(KeyValue {
                        key: self.word(lg, r.start..r.start + k_end),
                        value: self.value(lg, r.start + v..r.end),
                        legacy: true,
                    });
                }
            } else {
                for w in words {
                    let w = w.start + r.start..w.end + r.start;
                    let word = &lg.text[w.clone()];
                    let Some(e) = word.find('=') else {
                        self.err(
                            ErrorKind::InvalidArgument,
                            lg.span(w.clone()),
                            format!("Syntax error - can't find = in {word:?}. Must be of the form: name=value"),
                        );
                        failed = true;
                        continue;
                    };
                    pairs.push(KeyValue {
                        key: self.word(lg, w.start..w.start + e),
                        value: self.value(lg, w.start + e + 1..w.end),
                        legacy: false,
                    });
                }
            }
        }
        if pairs.is_empty() && !failed {
            self.err(ErrorKind::MissingArgument, kw, format!("{name} requires at least one argument"));
        }
        if let Some(p) = pairs.iter().find(|p| p.key.text.is_empty()) {
            self.err(ErrorKind::InvalidArgument, p.key.span.clone(), format!("{name} names can not be blank"));
        }
        Body::Pairs(pairs)
    }

    /// `parseHealthConfig` and `parseHealthcheck`.
    fn healthcheck(&mut self, lg: &Logical, r: Range<usize>, kw: Range<usize>) -> Body {
        let a = &lg.text[r.clone()];
        if a.is_empty() {
            self.err(ErrorKind::MissingArgument, kw, "HEALTHCHECK requires at least one argument");
            return Body::Empty;
        }
        let b = a.as_bytes();
        let sep = b.iter().position(|&c| c.is_ascii_whitespace() || c == 0x0b).unwrap_or(b.len());
        let mut next = sep;
        while next < b.len() && (b[next].is_ascii_whitespace() || b[next] == 0x0b) {
            next += 1;
        }
        let kind = self.word(lg, r.start..r.start + sep);
        let typ = kind.text.to_ascii_uppercase();
        let rest = r.start + next..r.end;
        if typ == "NONE" {
            if !rest.is_empty() {
                self.err(ErrorKind::InvalidArgument, lg.span(rest), "HEALTHCHECK NONE takes no arguments");
            }
            return Body::Healthcheck(Healthcheck { kind, none: true, command: None });
        }
        let command = if rest.is_empty() { None } else { Some(self.maybe_json(lg, rest)) };
        if typ != "CMD" {
            self.err(
                ErrorKind::InvalidArgument,
                kind.span.clone(),
                format!("Unknown type {:?} in HEALTHCHECK (try CMD)", typ),
            );
        } else if command.as_ref().is_none_or(|c| c.form == Form::Exec && c.exec.is_empty()) {
            self.err(ErrorKind::MissingArgument, kind.span.clone(), "Missing command after HEALTHCHECK CMD");
        }
        Body::Healthcheck(Healthcheck { kind, none: false, command })
    }

    /// BuildKit's `BFlags.Parse` against the flags each instruction declares; the first problem
    /// is reported, as BuildKit stops there.
    fn check_flags(&mut self, ins: &Instruction) {
        use FlagType::{Bool, Str, Strs};
        let allowed: &[(&str, FlagType)] = match ins.kind {
            Kind::From => &[("platform", Str)],
            Kind::Run => &[("mount", Strs), ("network", Str), ("security", Str), ("device", Strs)],
            Kind::Copy => {
                &[("from", Str), ("chown", Str), ("chmod", Str), ("link", Bool), ("parents", Bool), ("exclude", Strs)]
            }
            Kind::Add => &[
                ("chown", Str),
                ("chmod", Str),
                ("link", Bool),
                ("keep-git-dir", Bool),
                ("checksum", Str),
                ("exclude", Strs),
                ("unpack", Bool),
            ],
            Kind::Healthcheck => match &ins.body {
                super::Body::Healthcheck(h) if h.none => return,
                _ => &[
                    ("interval", Str),
                    ("timeout", Str),
                    ("start-period", Str),
                    ("start-interval", Str),
                    ("retries", Str),
                ],
            },
            // BuildKit does not parse the flags of these.
            Kind::Arg | Kind::Stopsignal | Kind::Unknown => return,
            _ => &[],
        };
        let mut seen: Vec<&str> = Vec::new();
        for f in &ins.flags {
            let Some(&(_, ty)) = allowed.iter().find(|(n, _)| *n == f.name) else {
                return self.err(ErrorKind::Flag, f.span.clone(), format!("unknown flag: {}", f.name));
            };
            if ty != Strs && seen.contains(&f.name.as_str()) {
                return self.err(ErrorKind::Flag, f.span.clone(), format!("duplicate flag specified: {}", f.name));
            }
            seen.push(&f.name);
            match (ty, f.value.as_deref()) {
                (Bool, Some("")) | (Str | Strs, None) => {
                    return self.err(ErrorKind::Flag, f.span.clone(), format!("missing a value on flag: {}", f.name));
                }
                (Bool, Some(v)) if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") => {
                    return self.err(
                        ErrorKind::Flag,
                        f.span.clone(),
                        format!("expecting boolean value for flag {}, not: {v}", f.name),
                    );
                }
                _ => {}
            }
            if ins.kind == Kind::Healthcheck {
                let v = f.value.as_deref().unwrap_or("");
                let ok = if f.name == "retries" { v.parse::<i32>().is_ok() } else { v.is_empty() || go_duration(v) };
                if !ok {
                    return self.err(
                        ErrorKind::Flag,
                        f.value_span.clone().unwrap_or(f.span.clone()),
                        format!("invalid value for --{}: {v:?}", f.name),
                    );
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagType {
    Bool,
    Str,
    Strs,
}

/// Go's `time.ParseDuration` syntax: `0`, or signed `<number><unit>` runs.
fn go_duration(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    let mut rest = s;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let int = rest.bytes().take_while(u8::is_ascii_digit).count();
        let mut n = int;
        let mut frac = 0;
        if rest[n..].starts_with('.') {
            n += 1;
            frac = rest[n..].bytes().take_while(u8::is_ascii_digit).count();
            n += frac;
        }
        if int == 0 && frac == 0 {
            return false;
        }
        rest = &rest[n..];
        let Some(unit) =
            ["ns", "us", "\u{b5}s", "\u{3bc}s", "ms", "s", "m", "h"].iter().find(|u| rest.starts_with(**u))
        else {
            return false;
        };
        rest = &rest[unit.len()..];
    }
    true
}

/// Splits an image reference as written into name, tag (after the `:` that follows the last `/`)
/// and digest (after `@`); `:` and `@` inside `${...}` do not count.
pub(crate) fn split_reference(s: &str) -> (Range<usize>, Option<Range<usize>>, Option<Range<usize>>) {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut at = None;
    let mut last_slash = None;
    let mut colons = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'$' if b.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            b'@' if depth == 0 && at.is_none() => at = Some(i),
            b'/' if depth == 0 && at.is_none() => last_slash = Some(i),
            b':' if depth == 0 && at.is_none() => colons.push(i),
            _ => {}
        }
        i += 1;
    }
    let name_end = at.unwrap_or(b.len());
    let colon = colons.into_iter().rev().find(|&c| last_slash.is_none_or(|sl| c > sl));
    let digest = at.map(|a| a + 1..b.len());
    match colon {
        Some(c) => (0..c, Some(c + 1..name_end), digest),
        None => (0..name_end, None, digest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let parts = |s: &str| {
            let (n, t, d) = split_reference(s);
            (s[n].to_string(), t.map(|t| s[t].to_string()), d.map(|d| s[d].to_string()))
        };
        assert_eq!(parts("python"), ("python".into(), None, None));
        assert_eq!(parts("python:3.12"), ("python".into(), Some("3.12".into()), None));
        assert_eq!(parts("localhost:5000/app"), ("localhost:5000/app".into(), None, None));
        assert_eq!(
            parts("localhost:5000/app:1@sha256:ab"),
            ("localhost:5000/app".into(), Some("1".into()), Some("sha256:ab".into()))
        );
        assert_eq!(parts("app@sha256:ab"), ("app".into(), None, Some("sha256:ab".into())));
        assert_eq!(parts("$B:${T:-latest}"), ("$B".into(), Some("${T:-latest}".into()), None));
        assert_eq!(parts("${B:-python}"), ("${B:-python}".into(), None, None));
    }

    #[test]
    fn durations() {
        for ok in ["30s", "5m", "1h30m", "1.5s", "0", "100ms", ".5s", "2us"] {
            assert!(go_duration(ok), "{ok}");
        }
        for bad in ["30", "s", "5 m", "", "1x", "-"] {
            assert!(!go_duration(bad), "{bad}");
        }
    }
}
