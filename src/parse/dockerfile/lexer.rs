//! Physical lines to instructions, as BuildKit's `parser.Parse` reads them: the BOM, parser
//! directives, comments, line continuations (comment and blank lines inside them dropped), and
//! heredoc bodies read after the instruction that opens them.

use std::sync::OnceLock;

use super::expand::{parse_heredoc_word, raw_words};
use super::instr::Parser;
use super::shell::{assignments, heredoc_is_script};
use super::words::trim;
use super::{
    Body, Directive, Dockerfile, ErrorKind, Form, Heredoc, InlineAssignment, Instruction, Kind, Logical, ParseError,
    ParseWarning,
};

#[derive(Clone, Copy)]
struct Line {
    start: usize,
    /// End of the content: the `\n` and any `\r` before it excluded.
    end: usize,
}

fn split_lines(text: &str, from: usize) -> Vec<Line> {
    let b = text.as_bytes();
    let mut lines = Vec::with_capacity(text.len() / 32 + 1);
    let mut start = from;
    while start < b.len() {
        let nl = memchr(b'\n', &b[start..]).map_or(b.len(), |i| start + i);
        let mut end = nl;
        while end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        lines.push(Line { start, end });
        start = nl + 1;
    }
    lines
}

fn memchr(c: u8, b: &[u8]) -> Option<usize> {
    b.iter().position(|&x| x == c)
}

/// `([^E])E[ \t]*$|^E[ \t]*$` replaced by `$1`: the line without its continuation escape, and
/// whether it continues.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(escape) {
        if before.is_empty() || !before.ends_with(escape) {
            return (before, true);
        }
    }
    (line, false)
}

fn directive_re() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"^([a-zA-Z][a-zA-Z0-9]*)[\t\n\x0C\r ]*=[\t\n\x0C\r ]*(.+?)[\t\n\x0C\r ]*$")
            .expect("valid regex")
    })
}

pub(crate) fn lex(text: &str) -> Dockerfile {
    let bom = text.starts_with('\u{feff}');
    let first = if bom { 3 } else { 0 };
    let mut df = Dockerfile {
        bom,
        escape: '\\',
        directives: Vec::new(),
        instructions: Vec::new(),
        comments: Vec::new(),
        global_args: Vec::new(),
        stages: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        template_markers: text.contains("{{") || text.contains("{%"),
    };
    let lines = split_lines(text, first);
    let mut directives_done = false;
    let mut i = 0;
    while i < lines.len() {
        let ln = lines[i];
        i += 1;
        let raw = &text[ln.start..ln.end];
        let lt_start = ln.end - raw.trim_start().len();
        let lt = &text[lt_start..ln.end];
        if !directives_done {
            directives_done = !directive(&mut df, lt, lt_start);
        }
        if lt.starts_with('#') {
            df.comments.push(lt_start..ln.end);
            continue;
        }
        let (body, mut cont) = trim_continuation(lt, df.escape);
        if !cont && body.is_empty() {
            continue;
        }
        let mut lg = Logical { base: lt_start, ..Logical::default() };
        lg.push(body, lt_start);
        let mut last = i - 1;
        while cont && i < lines.len() {
            let ln = lines[i];
            i += 1;
            last = i - 1;
            let raw = &text[ln.start..ln.end];
            let t = raw.trim_start();
            if t.starts_with('#') {
                df.comments.push(ln.end - t.len()..ln.end);
                continue;
            }
            if t.is_empty() {
                df.warnings.push(ParseWarning {
                    message: "empty continuation line (BuildKit will make this an error)".into(),
                    span: ln.start..ln.end,
                    line: 0,
                });
                continue;
            }
            let (body, c) = trim_continuation(raw, df.escape);
            lg.push(body, ln.start);
            cont = c;
        }
        let r = trim(&lg.text, 0..lg.text.len());
        if r.is_empty() {
            continue;
        }
        let mut ins = Parser { escape: df.escape, errors: &mut df.errors }.instruction(lg.slice(r));
        ins.line = ln.start;
        ins.end_line = last;
        if heredoc_capable(&ins) && ins.text().contains("<<") {
            read_heredocs(text, &lines, &mut i, &mut ins, &mut df.errors);
            ins.end_line = i - 1;
        }
        if ins.kind == Kind::Run {
            run_assignments(text, &mut ins);
        }
        df.instructions.push(ins);
    }
    if df.instructions.is_empty() {
        df.errors.push(ParseError {
            kind: ErrorKind::NoInstructions,
            message: "file with no instructions".into(),
            span: first..first,
            line: 0,
        });
    }
    number_lines(text, &lines, &mut df);
    df
}

/// BuildKit's directive parser on one left-trimmed line. Returns false once directives are over.
fn directive(df: &mut Dockerfile, lt: &str, at: usize) -> bool {
    let Some(rest) = lt.strip_prefix('#') else { return false };
    let body = rest.trim_start();
    let body_at = at + lt.len() - body.len();
    let Some(m) = directive_re().captures(body) else { return false };
    let (Some(k), Some(v)) = (m.get(1), m.get(2)) else { return false };
    let name = k.as_str().to_ascii_lowercase();
    if !matches!(name.as_str(), "syntax" | "escape" | "check") {
        return false;
    }
    let span = at..body_at + v.end();
    if df.directives.iter().any(|d| d.name == name) {
        df.errors.push(ParseError {
            kind: ErrorKind::Directive,
            message: format!("only one {name} parser directive can be used"),
            span,
            line: 0,
        });
        return true;
    }
    let value = v.as_str().to_string();
    if name == "escape" {
        match value.as_str() {
            "\\" => df.escape = '\\',
            "`" => df.escape = '`',
            _ => df.errors.push(ParseError {
                kind: ErrorKind::Directive,
                message: format!("invalid escape token '{value}' does not match ` or \\"),
                span: body_at + v.start()..body_at + v.end(),
                line: 0,
            }),
        }
    }
    df.directives.push(Directive {
        name,
        name_span: body_at + k.start()..body_at + k.end(),
        value,
        value_span: body_at + v.start()..body_at + v.end(),
        span,
        line: 0,
    });
    true
}

fn is_json(body: &Body) -> bool {
    match body {
        Body::Command(c) => c.form == Form::Exec,
        Body::List { json, .. } => *json,
        _ => false,
    }
}

/// RUN, COPY and ADD in shell form, also under ONBUILD, may open heredocs.
fn heredoc_capable(ins: &Instruction) -> bool {
    match (&ins.kind, &ins.body) {
        (Kind::Run | Kind::Copy | Kind::Add, b) => !is_json(b),
        (Kind::Onbuild, Body::Onbuild(inner)) => {
            matches!(inner.kind, Kind::Run | Kind::Copy | Kind::Add) && !is_json(&inner.body)
        }
        _ => false,
    }
}

fn read_heredocs(text: &str, lines: &[Line], i: &mut usize, ins: &mut Instruction, errors: &mut Vec<ParseError>) {
    let mut reported = false;
    for (word, r) in raw_words(ins.text()) {
        let Some(spec) = parse_heredoc_word(&word) else { continue };
        let body_start = lines.get(*i).map_or(text.len(), |l| l.start);
        let mut body_end = text.len();
        let mut terminator = None;
        while *i < lines.len() {
            let ln = lines[*i];
            *i += 1;
            let mut cand = &text[ln.start..ln.end];
            if spec.chomp {
                cand = cand.trim_start_matches('\t');
            }
            if cand == spec.name {
                terminator = Some(ln.end - cand.len()..ln.end);
                body_end = ln.start;
                break;
            }
        }
        let body = body_start..body_end;
        let word_span = ins.source_span(r);
        if terminator.is_none() && !reported {
            reported = true;
            errors.push(ParseError {
                kind: ErrorKind::UnterminatedHeredoc,
                message: format!("unterminated heredoc: no line `{}` closes it", spec.name),
                span: word_span.clone(),
                line: 0,
            });
        }
        let raw = &text[body.clone()];
        let content = if spec.chomp {
            raw.split_inclusive('\n').map(|l| l.trim_start_matches('\t')).collect()
        } else {
            raw.to_string()
        };
        ins.full_span.end = terminator.as_ref().map_or(text.len(), |t| t.end);
        ins.heredocs.push(Heredoc {
            name: spec.name,
            word: word_span,
            fd: spec.fd,
            chomp: spec.chomp,
            expand: spec.expand,
            body,
            content,
            terminator,
            script: false,
        });
    }
}

fn run_assignments(text: &str, ins: &mut Instruction) {
    let Body::Command(cmd) = &ins.body else { return };
    if cmd.form != Form::Shell {
        return;
    }
    let mut out: Vec<InlineAssignment> = assignments(&cmd.text)
        .into_iter()
        .map(|f| InlineAssignment {
            kind: f.kind,
            name: f.name,
            name_span: ins.command_span(cmd, f.name_range),
            value: f.value,
            value_span: ins.command_span(cmd, f.value_range),
            heredoc: None,
        })
        .collect();
    let scripts: Vec<bool> =
        ins.heredocs.iter().enumerate().map(|(hi, h)| heredoc_is_script(&cmd.text, hi, &h.name, &h.content)).collect();
    for (hi, h) in ins.heredocs.iter().enumerate() {
        if !scripts[hi] {
            continue;
        }
        let base = h.body.start;
        for f in assignments(&text[h.body.clone()]) {
            out.push(InlineAssignment {
                kind: f.kind,
                name: f.name,
                name_span: base + f.name_range.start..base + f.name_range.end,
                value: f.value,
                value_span: base + f.value_range.start..base + f.value_range.end,
                heredoc: Some(hi),
            });
        }
    }
    ins.assignments = out;
    for (h, script) in ins.heredocs.iter_mut().zip(scripts) {
        h.script = script;
    }
}

/// Turns the byte offsets parked in `line` fields into 1-based line numbers.
fn number_lines(text: &str, lines: &[Line], df: &mut Dockerfile) {
    let starts: Vec<usize> = lines.iter().map(|l| l.start).collect();
    let line_of = |off: usize| -> usize {
        if starts.is_empty() {
            return 1;
        }
        starts.partition_point(|&s| s <= off.min(text.len())).max(1)
    };
    for ins in &mut df.instructions {
        ins.line = line_of(ins.line);
        ins.end_line += 1;
        if let Body::Onbuild(inner) = &mut ins.body {
            inner.line = ins.line;
            inner.end_line = ins.end_line;
        }
    }
    for d in &mut df.directives {
        d.line = line_of(d.span.start);
    }
    for e in &mut df.errors {
        e.line = line_of(e.span.start);
    }
    for w in &mut df.warnings {
        w.line = line_of(w.span.start);
    }
}
