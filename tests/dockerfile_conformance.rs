//! Conformance of the Dockerfile parser: each file under `fixtures/dockerfile/conformance/` is
//! parsed and a readable dump of the model is snapshotted (`tests/snapshots/dockerfile/`). Spans
//! are shown as `"text"@line:col-line:col` (1-based, end exclusive), so each can be checked by
//! eye. Robustness: no panic, and every span in bounds, on every prefix of every fixture, on
//! generated noise, and on a 100k-line Dockerfile.

use std::fmt::Write;
use std::ops::Range;
use std::path::PathBuf;

use preflight::parse::dockerfile::{
    parse, Base, Body, CommandLine, Dockerfile, Form, Instruction, LinkTarget, Origin, Scope,
};
use preflight::source::SourceFile;

struct Dump<'a> {
    src: &'a SourceFile,
    out: String,
}

impl Dump<'_> {
    fn pos(&self, off: usize) -> String {
        let p = self.src.position(off);
        format!("{}:{}", p.row, p.column)
    }

    fn span(&self, r: &Range<usize>) -> String {
        let text = self.src.text.get(r.clone()).unwrap_or("<out of bounds>");
        format!("{:?}@{}-{}", text, self.pos(r.start), self.pos(r.end))
    }

    fn at(&self, r: &Range<usize>) -> String {
        format!("{}-{}", self.pos(r.start), self.pos(r.end))
    }

    fn line(&mut self, indent: usize, s: impl AsRef<str>) {
        let _ = writeln!(self.out, "{:indent$}{}", "", s.as_ref(), indent = indent);
    }

    fn origin(o: &Origin) -> String {
        format!("stage {} #{}", o.stage, o.instruction)
    }

    fn command(&mut self, ind: usize, c: &CommandLine) {
        match c.form {
            Form::Shell => self.line(ind, format!("shell {}", self.span(&c.span))),
            Form::Exec => {
                let items: Vec<String> =
                    c.exec.iter().map(|w| format!("{:?}={}", w.text, self.span(&w.span))).collect();
                self.line(ind, format!("exec at {} [{}]", self.at(&c.span), items.join(", ")));
            }
        }
    }

    fn instruction(&mut self, ind: usize, idx: Option<usize>, ins: &Instruction) {
        let head = idx.map_or(String::new(), |i| format!("#{i} "));
        let stage = ins.stage.map_or("global".to_string(), |s| format!("stage {s}"));
        self.line(
            ind,
            format!(
                "{head}{} {} lines {}-{} ({stage}) span {} full {}",
                ins.kind.name(),
                self.span(&ins.keyword),
                ins.line,
                ins.end_line,
                self.at(&ins.span),
                self.at(&ins.full_span)
            ),
        );
        let ind = ind + 3;
        self.line(ind, format!("logical {:?}", ins.text()));
        for f in &ins.flags {
            let value = f.value_span.as_ref().map_or("-".to_string(), |v| self.span(v));
            self.line(
                ind,
                format!(
                    "flag {} value {:?} name {} value {}",
                    self.span(&f.span),
                    f.value,
                    self.span(&f.name_span),
                    value
                ),
            );
        }
        self.line(ind, format!("args {}", self.span(&ins.args)));
        match &ins.body {
            Body::Empty => self.line(ind, "(no arguments)"),
            Body::From(f) => {
                self.line(ind, format!("image {}", self.span(&f.image.span)));
                self.line(ind, format!("name {}", self.span(&f.name.span)));
                if let Some(t) = &f.tag {
                    self.line(ind, format!("tag {}", self.span(&t.span)));
                }
                if let Some(d) = &f.digest {
                    self.line(ind, format!("digest {}", self.span(&d.span)));
                }
                if let (Some(k), Some(a)) = (&f.as_keyword, &f.alias) {
                    self.line(ind, format!("as {} alias {}", self.span(k), self.span(&a.span)));
                }
            }
            Body::Command(c) => self.command(ind, c),
            Body::Healthcheck(h) => {
                self.line(ind, format!("healthcheck {} none={}", self.span(&h.kind.span), h.none));
                if let Some(c) = &h.command {
                    self.command(ind + 2, c);
                }
            }
            Body::Pairs(pairs) => {
                if pairs.is_empty() {
                    self.line(ind, "(no pairs)");
                }
                for p in pairs {
                    self.line(
                        ind,
                        format!(
                            "pair {} = {} text {:?}{}",
                            self.span(&p.key.span),
                            self.span(&p.value.span),
                            p.value.text,
                            if p.legacy { " (legacy form)" } else { "" }
                        ),
                    );
                }
            }
            Body::Args(decls) => {
                for d in decls {
                    let default = d
                        .default
                        .as_ref()
                        .map_or("(no default)".into(), |v| format!("= {} text {:?}", self.span(&v.span), v.text));
                    self.line(ind, format!("arg {} {default}", self.span(&d.name.span)));
                }
            }
            Body::List { json, items } => {
                let items: Vec<String> = items.iter().map(|w| format!("{:?}={}", w.text, self.span(&w.span))).collect();
                self.line(ind, format!("list json={json} [{}]", items.join(", ")));
            }
            Body::Text(w) => self.line(ind, format!("text {}", self.span(&w.span))),
            Body::Onbuild(inner) => {
                self.line(ind, "onbuild trigger:");
                self.instruction(ind + 2, None, inner);
            }
        }
        for (i, h) in ins.heredocs.iter().enumerate() {
            let fd = h.fd.map_or("-".into(), |f| f.to_string());
            self.line(
                ind,
                format!(
                    "heredoc {i} {:?} word {} expand={} chomp={} fd={fd}{}",
                    h.name,
                    self.span(&h.word),
                    h.expand,
                    h.chomp,
                    if h.script { " (shell script)" } else { "" }
                ),
            );
            self.line(ind + 2, format!("body {}", self.span(&h.body)));
            if h.content != self.src.text[h.body.clone()] {
                self.line(ind + 2, format!("content {:?}", h.content));
            }
            let term = h.terminator.as_ref().map_or("(unterminated)".into(), |t| self.span(t));
            self.line(ind + 2, format!("terminator {term}"));
        }
        for a in &ins.assignments {
            let hd = a.heredoc.map_or(String::new(), |h| format!(" in heredoc {h}"));
            self.line(
                ind,
                format!(
                    "assign {:?} {} = {} value {:?}{hd}",
                    a.kind,
                    self.span(&a.name_span),
                    self.span(&a.value_span),
                    a.value
                ),
            );
        }
    }

    fn dockerfile(&mut self, df: &Dockerfile) {
        self.line(
            0,
            format!(
                "bom={} escape={:?} template_markers={} comments={}",
                df.bom,
                df.escape,
                df.template_markers,
                df.comments.len()
            ),
        );
        self.line(0, "directives:");
        for d in &df.directives {
            self.line(
                2,
                format!(
                    "{} (line {}) name {} value {} at {}",
                    d.name,
                    d.line,
                    self.span(&d.name_span),
                    self.span(&d.value_span),
                    self.at(&d.span)
                ),
            );
        }
        self.line(0, "instructions:");
        for (i, ins) in df.instructions.iter().enumerate() {
            self.instruction(2, Some(i), ins);
        }
        let global = df.global_scope();
        let mut globals: Vec<_> = df.global_args.iter().map(|g| format!("#{g}")).collect();
        let mut vars: Vec<_> = global
            .args
            .iter()
            .filter(|(k, _)| !k.starts_with("BUILD") && !k.starts_with("TARGET"))
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        vars.sort();
        globals.extend(vars);
        self.line(0, format!("global args: {}", globals.join(" ")));
        self.line(0, "stages:");
        for s in &df.stages {
            let base = match &s.base {
                Base::Scratch => "scratch".to_string(),
                Base::Stage(p) => format!("stage {p}"),
                Base::Image(r) => {
                    format!("image {:?} (name {:?} tag {:?} digest {:?})", r.reference, r.name, r.tag, r.digest)
                }
                Base::Unknown => "unknown".to_string(),
            };
            let last = if df.final_stage().is_some_and(|f| f.index == s.index) { " final" } else { "" };
            self.line(
                2,
                format!(
                    "stage {} name {:?} from #{} instructions #{}..#{} base {base} open_env={}{last}",
                    s.index, s.name, s.from, s.instructions.start, s.instructions.end, s.open_env
                ),
            );
            let scope = df.stage_scope(s.index);
            let mut args: Vec<_> = scope
                .args
                .iter()
                .filter(|(k, _)| !k.starts_with("BUILD") && !k.starts_with("TARGET"))
                .map(|(k, v)| format!("{k}={v:?}"))
                .collect();
            args.sort();
            if !args.is_empty() {
                self.line(6, format!("args at end: {}", args.join(" ")));
            }
            let c = &s.config;
            let user = c.user.as_ref().map_or("-".into(), |u| {
                format!("{} -> {:?} ({})", self.span(&u.span), u.value, Self::origin(&u.origin))
            });
            self.line(6, format!("user: {user}"));
            let wd = c.workdir.as_ref().map_or("-".into(), |w| {
                format!("{} -> {:?} ({})", self.span(&w.span), w.path, Self::origin(&w.origin))
            });
            self.line(6, format!("workdir: {wd}"));
            for e in &c.env {
                self.line(
                    6,
                    format!(
                        "env {}={} -> {:?} ({})",
                        e.name,
                        self.span(&e.value_span),
                        e.value,
                        Self::origin(&e.origin)
                    ),
                );
            }
            let o = |x: &Option<Origin>| x.as_ref().map_or("-".into(), Self::origin);
            self.line(
                6,
                format!("healthcheck: {}  entrypoint: {}  cmd: {}", o(&c.healthcheck), o(&c.entrypoint), o(&c.cmd)),
            );
            for l in &s.links {
                let t = match &l.target {
                    LinkTarget::Stage(p) => format!("stage {p}"),
                    LinkTarget::Image(i) => format!("image {i:?}"),
                    LinkTarget::Unknown => "unknown".into(),
                };
                self.line(6, format!("link #{} {} -> {t}", l.instruction, self.span(&l.span)));
            }
        }
        self.line(0, "errors:");
        for e in &df.errors {
            self.line(2, format!("{:?} line {}: {} at {}", e.kind, e.line, e.message, self.span(&e.span)));
        }
        for w in &df.warnings {
            self.line(0, format!("warning line {}: {} at {}", w.line, w.message, self.at(&w.span)));
        }
    }
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("fixtures/dockerfile/conformance")
        .expect("fixtures/dockerfile/conformance exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

fn dump(path: &std::path::Path, text: &str) -> String {
    let src = SourceFile::new(path.to_path_buf(), text.to_string());
    let df = parse(text);
    let mut d = Dump { src: &src, out: String::new() };
    d.dockerfile(&df);
    d.out
}

#[test]
fn conformance_snapshots() {
    let files = fixtures();
    assert!(files.len() >= 40, "the conformance fixtures are missing");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("fixture is UTF-8");
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let out = dump(&path, &text);
        insta::with_settings!({snapshot_path => "snapshots/dockerfile", prepend_module_to_snapshot => false, omit_expression => true, description => path.display().to_string()}, {
            insta::assert_snapshot!(name, out);
        });
    }
}

/// Every span the model holds.
fn spans(df: &Dockerfile) -> Vec<Range<usize>> {
    fn ins_spans(ins: &Instruction, out: &mut Vec<Range<usize>>) {
        out.extend([ins.keyword.clone(), ins.span.clone(), ins.full_span.clone(), ins.args.clone()]);
        for f in &ins.flags {
            out.extend([f.span.clone(), f.name_span.clone()]);
            out.extend(f.value_span.clone());
        }
        let cmd = |c: &CommandLine, out: &mut Vec<Range<usize>>| {
            out.push(c.span.clone());
            out.extend(c.exec.iter().map(|w| w.span.clone()));
            out.push(ins.command_span(c, 0..c.text.len()));
        };
        match &ins.body {
            Body::Empty => {}
            Body::From(f) => {
                out.extend([f.image.span.clone(), f.name.span.clone()]);
                out.extend(f.tag.iter().chain(&f.digest).chain(&f.alias).map(|w| w.span.clone()));
                out.extend(f.as_keyword.clone());
            }
            Body::Command(c) => cmd(c, out),
            Body::Healthcheck(h) => {
                out.push(h.kind.span.clone());
                if let Some(c) = &h.command {
                    cmd(c, out);
                }
            }
            Body::Pairs(p) => p.iter().for_each(|p| out.extend([p.key.span.clone(), p.value.span.clone()])),
            Body::Args(a) => a.iter().for_each(|a| {
                out.push(a.name.span.clone());
                out.extend(a.default.as_ref().map(|d| d.span.clone()));
            }),
            Body::List { items, .. } => out.extend(items.iter().map(|w| w.span.clone())),
            Body::Text(w) => out.push(w.span.clone()),
            Body::Onbuild(inner) => ins_spans(inner, out),
        }
        for h in &ins.heredocs {
            out.extend([h.word.clone(), h.body.clone()]);
            out.extend(h.terminator.clone());
        }
        for a in &ins.assignments {
            out.extend([a.name_span.clone(), a.value_span.clone()]);
        }
    }
    let mut out = Vec::new();
    for d in &df.directives {
        out.extend([d.span.clone(), d.name_span.clone(), d.value_span.clone()]);
    }
    out.extend(df.comments.iter().cloned());
    for ins in &df.instructions {
        ins_spans(ins, &mut out);
    }
    for s in &df.stages {
        out.extend(s.links.iter().map(|l| l.span.clone()));
        let c = &s.config;
        out.extend(c.user.iter().map(|u| u.span.clone()));
        out.extend(c.workdir.iter().map(|u| u.span.clone()));
        out.extend(c.env.iter().flat_map(|e| [e.key_span.clone(), e.value_span.clone()]));
    }
    out.extend(df.errors.iter().map(|e| e.span.clone()));
    out.extend(df.warnings.iter().map(|e| e.span.clone()));
    out
}

fn assert_sound(text: &str, what: &str) {
    let df = parse(text);
    for r in spans(&df) {
        assert!(
            r.start <= r.end && text.get(r.clone()).is_some(),
            "{what}: span {r:?} not in the text ({} bytes)",
            text.len()
        );
    }
    for i in 0..df.instructions.len() {
        let _: Scope = df.scope_at(i);
    }
    for s in &df.stages {
        let _ = df.root_base(s.index);
    }
}

#[test]
fn every_prefix_of_every_fixture_parses_with_sound_spans() {
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_sound(&text[..i], &format!("{} prefix {i}", path.display()));
        }
    }
}

#[test]
fn generated_noise_never_panics() {
    const PIECES: &[&str] = &[
        "FROM ",
        "RUN ",
        "COPY ",
        "ENV ",
        "ARG ",
        "USER ",
        "ONBUILD ",
        "HEALTHCHECK ",
        "CMD ",
        "<<EOF",
        "<<-'X'",
        "EOF",
        "\tX",
        "\\",
        "`",
        "\n",
        "\r\n",
        " ",
        "\"",
        "'",
        "$",
        "${",
        "}",
        ":-",
        "=",
        "[",
        "]",
        ",",
        "--from=",
        "--mount=",
        "# escape=`",
        "# comment",
        "as ",
        "é",
        "\u{feff}",
        "{{ x }}",
        "&&",
        "|",
        ";",
        "2<<E",
        "E",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for case in 0..3000 {
        let mut s = String::new();
        for _ in 0..(seed % 40) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
        }
        assert_sound(&s, &format!("case {case}: {s:?}"));
    }
}

#[test]
fn a_100k_line_dockerfile_parses() {
    let mut s = String::from("# syntax=docker/dockerfile:1\nARG PY=3.12\n");
    let mut stages = 0;
    let mut lines = 2;
    while lines < 100_000 {
        lines += 15;
        let n = stages;
        stages += 1;
        let _ = write!(
            s,
            "FROM python:${{PY}}-slim AS s{n}\nENV A{n}=1 B=\"two words\" \\\n    C=3\nRUN apt-get update \\\n    # comment\n    && apt-get install -y curl\nRUN <<EOF\nset -e\necho {n}\nEOF\nCOPY --from=s0 <<-X /f{n}\n\tbody\n\tX\nUSER app\n\n"
        );
    }
    let df = parse(&s);
    assert!(s.lines().count() >= 100_000);
    assert!(df.errors.is_empty(), "{:?}", &df.errors[..df.errors.len().min(3)]);
    assert_eq!(df.stages.len(), stages);
    assert_eq!(df.instructions.len(), 1 + stages * 6);
    let last = df.final_stage().unwrap();
    assert_eq!(last.config.user.as_ref().and_then(|u| u.value.as_deref()), Some("app"));
    assert!(matches!(&last.base, Base::Image(r) if r.reference == "python:3.12-slim"));
}
