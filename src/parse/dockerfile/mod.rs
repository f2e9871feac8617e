//! A Dockerfile parser faithful to BuildKit, with a byte span on everything, and a stage model.
//!
//! **Parser choice.** Our own lexer, modelled on BuildKit's (`frontend/dockerfile/parser/`
//! `parser.go`, `line_parsers.go`, `split_command.go`, `directives.go`, `shell/lex.go` and
//! `instructions/parse.go`), won on the 46 conformance fixtures in
//! `fixtures/dockerfile/conformance/`. `parse-dockerfile` 0.1.9 rejects 4 files that BuildKit
//! builds, because it takes a heredoc only when `<<` comes first (`RUN python3 <<EOF`,
//! `RUN cat <<EOF > /f`, two heredocs in one RUN). On each of the 10 files with an error (the
//! Jinja template too) it returns the first error and no model. It accepts `CMD ["python", 3]`,
//! which BuildKit rejects, and it gives ENV and ARG as one unsplit string. `arborium-dockerfile`
//! 2.18 (tree-sitter) puts ERROR nodes in 9 files that BuildKit builds. The cases are `ARG A=1 B=2`
//! (the whole file becomes one ERROR), `# escape=` with a backtick, CRLF continuations, quoted and
//! escaped ENV values, `--link`, `--parents`, `--` after flags and the JSON-to-shell fallback. It
//! reports nothing on an unterminated heredoc. Neither crate resolves ARG/ENV, links stages or sees
//! `RUN X=1 cmd` assignments. Ours matches BuildKit on all 46 (snapshots in
//! `tests/snapshots/dockerfile/`), never fails, and needs no new dependency.
//!
//! The model:
//! - [`parse`] never fails: problems are [`ParseError`]s with spans, and what parses is kept (a
//!   cookiecutter template with Jinja markers still yields its instructions).
//! - [`Instruction`]s carry the keyword span, the flags, the argument span and a typed [`Body`].
//!   They also keep the logical line BuildKit sees (continuations joined, comment and blank lines
//!   inside them dropped), which maps back to the source with [`Instruction::source_span`].
//! - [`Heredoc`] bodies belong to their instruction and are never parsed as instructions.
//! - [`Stage`]s link to the earlier stage they are built from, and list their `COPY --from` and
//!   `RUN --mount=from=` links. Each has an inherited [`ImageConfig`]: USER, ENV, WORKDIR,
//!   HEALTHCHECK, ENTRYPOINT, CMD.
//! - [`expand`] resolves `$VAR` through a [`Scope`] of ARG and ENV. It gives `None` when a value
//!   cannot be known.
//! - [`Instruction::assignments`] lists a RUN's inline environment assignments
//!   (`RUN SECRET_KEY=dummy python manage.py collectstatic`): build-time values scoped to one
//!   command or one RUN.
//! - [`DockerfileModel`] adds what rules need from the build context, read in the parse stage:
//!   the scripts that ENTRYPOINT and CMD start ([`context`]).
//!
//! Choices where BuildKit leaves room, or where a linter must guess:
//! - Exec form is a JSON array of strings with nothing after it (BuildKit decodes with
//!   `json.Unmarshal`): `CMD ["a"] x` is shell form. Valid JSON with a non-string element is an
//!   error, as in BuildKit.
//! - An unknown flag is an [`ErrorKind::Flag`] error, as BuildKit reports it; a labs frontend
//!   chosen by `# syntax=` may know flags this list does not.
//! - ENV wins over ARG of the same name. All pairs of one ENV or in-stage ARG expand against the
//!   variables before that instruction; global ARGs expand one after the other.
//! - A stage on an external image is an *open* scope: a name it does not declare may come from
//!   the image's ENV, so it is unknown, not empty. On `scratch` it is unset.
//! - ONBUILD triggers are parsed but not applied to the stages built from the stage.

pub mod context;
mod expand;
mod instr;
mod lexer;
mod shell;
mod stages;
mod words;

use std::ops::Range;

pub use context::{
    is_sensitive, path_segments, stage_chain, BuildContext, ContextScript, DockerfileModel, PrivilegeDrop, ScriptSource,
};
pub use expand::{expand, unquote, Lookup, Scope};
pub use shell::{split_commands, AssignmentKind, InlineAssignment, ShellWord, SimpleCommand};

/// Parses a Dockerfile. Never fails and never panics: errors are values in
/// [`Dockerfile::errors`].
pub fn parse(text: &str) -> Dockerfile {
    let mut df = lexer::lex(text);
    stages::build(&mut df);
    df
}

/// The instruction keywords BuildKit knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Anything else (BuildKit: "unknown instruction").
    Unknown,
}

impl Kind {
    /// Case-insensitive, as BuildKit dispatches.
    pub fn from_keyword(word: &str) -> Kind {
        match word.to_ascii_lowercase().as_str() {
            "add" => Kind::Add,
            "arg" => Kind::Arg,
            "cmd" => Kind::Cmd,
            "copy" => Kind::Copy,
            "entrypoint" => Kind::Entrypoint,
            "env" => Kind::Env,
            "expose" => Kind::Expose,
            "from" => Kind::From,
            "healthcheck" => Kind::Healthcheck,
            "label" => Kind::Label,
            "maintainer" => Kind::Maintainer,
            "onbuild" => Kind::Onbuild,
            "run" => Kind::Run,
            "shell" => Kind::Shell,
            "stopsignal" => Kind::Stopsignal,
            "user" => Kind::User,
            "volume" => Kind::Volume,
            "workdir" => Kind::Workdir,
            _ => Kind::Unknown,
        }
    }

    /// The upper-case keyword (`"?"` for unknown).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Add => "ADD",
            Kind::Arg => "ARG",
            Kind::Cmd => "CMD",
            Kind::Copy => "COPY",
            Kind::Entrypoint => "ENTRYPOINT",
            Kind::Env => "ENV",
            Kind::Expose => "EXPOSE",
            Kind::From => "FROM",
            Kind::Healthcheck => "HEALTHCHECK",
            Kind::Label => "LABEL",
            Kind::Maintainer => "MAINTAINER",
            Kind::Onbuild => "ONBUILD",
            Kind::Run => "RUN",
            Kind::Shell => "SHELL",
            Kind::Stopsignal => "STOPSIGNAL",
            Kind::User => "USER",
            Kind::Volume => "VOLUME",
            Kind::Workdir => "WORKDIR",
            Kind::Unknown => "?",
        }
    }
}

/// A parser directive at the top of the file: `# syntax=`, `# escape=`, `# check=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased (`syntax`, `escape`, `check`).
    pub name: String,
    pub name_span: Range<usize>,
    pub value: String,
    pub value_span: Range<usize>,
    /// From `#` to the end of the value.
    pub span: Range<usize>,
    /// 1-based.
    pub line: usize,
}

/// A token: its text and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Shell-form words: as written (quotes, escapes and `$VAR` kept; see [`unquote`] and
    /// [`expand`]). JSON elements: the decoded string.
    pub text: String,
    /// Shell-form words: the token. JSON elements: the string literal, quotes included.
    pub span: Range<usize>,
}

/// An instruction flag, `--name=value` or `--name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// Without the leading `--`.
    pub name: String,
    /// Quotes removed, escapes applied (BuildKit's flag parsing); `None` for a bare `--name`.
    pub value: Option<String>,
    /// The whole flag word.
    pub span: Range<usize>,
    /// `--name`.
    pub name_span: Range<usize>,
    /// After `=` (empty for `--name=`).
    pub value_span: Option<Range<usize>>,
}

impl Flag {
    /// `--mount=type=bind,from=builder,target=/x` → `[("type","bind"), ("from","builder"), ...]`.
    pub fn options(&self) -> Vec<(String, String)> {
        self.value
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim().trim_matches('"').to_string()),
                None => (p.trim().to_ascii_lowercase(), String::new()),
            })
            .collect()
    }
}

/// Exec (JSON array) or shell form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Shell,
    Exec,
}

/// The command of RUN, CMD, ENTRYPOINT, SHELL and `HEALTHCHECK CMD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub form: Form,
    /// The argument text.
    pub span: Range<usize>,
    /// As BuildKit hands it on: shell form, the logical text (continuations joined); exec form,
    /// the JSON text.
    pub text: String,
    /// Where `text` starts in [`Instruction::text`].
    pub offset: usize,
    /// Exec form: the decoded elements.
    pub exec: Vec<Word>,
}

/// `HEALTHCHECK [options] CMD ...` or `HEALTHCHECK NONE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healthcheck {
    /// `CMD` or `NONE` as written.
    pub kind: Word,
    pub none: bool,
    pub command: Option<CommandLine>,
}

/// A value as written and with quotes removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// As written: quotes, escapes and `$VAR` kept.
    pub raw: String,
    /// Quotes removed and escapes applied, variable references kept ([`unquote`]).
    pub text: String,
    pub span: Range<usize>,
}

/// One `key=value` of ENV or LABEL (or the legacy `ENV key value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    pub value: Value,
    /// `ENV key value`, no `=`.
    pub legacy: bool,
}

/// One name of an ARG instruction, with its default if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    pub name: Word,
    pub default: Option<Value>,
}

/// `FROM [--platform=...] image[:tag][@digest] [AS name]`, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromArgs {
    /// The whole image reference.
    pub image: Word,
    /// The repository part (registry and path), without tag and digest.
    pub name: Word,
    pub tag: Option<Word>,
    pub digest: Option<Word>,
    /// The `AS` keyword.
    pub as_keyword: Option<Range<usize>>,
    /// The stage name as written (BuildKit lower-cases it; see [`Stage::name`]).
    pub alias: Option<Word>,
}

/// The arguments of an instruction, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// No arguments, or an unknown instruction.
    Empty,
    From(FromArgs),
    /// RUN, CMD, ENTRYPOINT, SHELL.
    Command(CommandLine),
    Healthcheck(Healthcheck),
    /// ENV, LABEL.
    Pairs(Vec<KeyValue>),
    /// ARG.
    Args(Vec<ArgDecl>),
    /// COPY and ADD (sources then destination), VOLUME, EXPOSE. JSON elements are decoded.
    List {
        json: bool,
        items: Vec<Word>,
    },
    /// USER, WORKDIR, STOPSIGNAL, MAINTAINER: the whole argument, one value.
    Text(Word),
    /// ONBUILD and the instruction it registers.
    Onbuild(Box<Instruction>),
}

/// A here-document attached to RUN, COPY or ADD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter, quotes removed.
    pub name: String,
    /// The opener word in the instruction (`<<EOF`, `<<-"EOF"`, `2<<EOF`).
    pub word: Range<usize>,
    /// A file descriptor written before `<<`.
    pub fd: Option<u32>,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub chomp: bool,
    /// False when the delimiter is quoted: no variable expansion in the body.
    pub expand: bool,
    /// The body lines, line ends included; the terminator line excluded.
    pub body: Range<usize>,
    /// The body as BuildKit uses it (leading tabs stripped for `<<-`).
    pub content: String,
    /// The terminator (after stripped tabs); `None` when unterminated.
    pub terminator: Option<Range<usize>>,
    /// RUN only: the shell runs the body as a script (`RUN <<EOF` without a non-shell `#!`, or
    /// `RUN bash <<EOF`), so its commands are the RUN's commands; `RUN python3 <<EOF` is not.
    pub script: bool,
}

/// One instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub kind: Kind,
    /// The keyword as written (any case).
    pub keyword: Range<usize>,
    /// From the keyword to the last character of the instruction's last line (heredoc bodies
    /// excluded).
    pub span: Range<usize>,
    /// `span` plus the heredoc bodies and terminators.
    pub full_span: Range<usize>,
    /// 1-based line of the keyword.
    pub line: usize,
    /// 1-based last line, heredocs included.
    pub end_line: usize,
    pub flags: Vec<Flag>,
    /// The argument text after the flags (empty, at the end of the instruction, when none).
    pub args: Range<usize>,
    pub body: Body,
    pub heredocs: Vec<Heredoc>,
    /// RUN only: environment assignments inline in the shell command or a shell heredoc.
    pub assignments: Vec<InlineAssignment>,
    /// The stage this instruction belongs to (`None` before the first FROM).
    pub stage: Option<usize>,
    logical: Logical,
    /// `args` as a byte range of the logical line.
    args_at: Range<usize>,
}

impl Instruction {
    /// The logical line BuildKit parses: continuations joined, comment and blank lines inside
    /// them dropped, trimmed.
    pub fn text(&self) -> &str {
        &self.logical.text
    }

    /// The argument text after the flags, as BuildKit sees it (continuations joined).
    pub fn args_text(&self) -> &str {
        &self.logical.text[self.args_at.clone()]
    }

    /// Maps a byte range of [`Instruction::text`] back to the source.
    pub fn source_span(&self, logical: Range<usize>) -> Range<usize> {
        self.logical.span(logical)
    }

    /// The first flag with this name.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// RUN, CMD, ENTRYPOINT, SHELL, or the command of `HEALTHCHECK CMD`.
    pub fn command(&self) -> Option<&CommandLine> {
        match &self.body {
            Body::Command(c) => Some(c),
            Body::Healthcheck(h) => h.command.as_ref(),
            _ => None,
        }
    }

    /// Maps a byte range of a command's text back to the source.
    pub fn command_span(&self, cmd: &CommandLine, range: Range<usize>) -> Range<usize> {
        self.source_span(cmd.offset + range.start..cmd.offset + range.end)
    }

    /// COPY/ADD: the sources (heredoc openers included) and the destination.
    pub fn copy_paths(&self) -> (&[Word], Option<&Word>) {
        match &self.body {
            Body::List { items, .. } if matches!(self.kind, Kind::Copy | Kind::Add) && !items.is_empty() => {
                (&items[..items.len() - 1], items.last())
            }
            _ => (&[], None),
        }
    }

    /// The heredoc opened by this word, if it is one.
    pub fn heredoc_for(&self, word: &Word) -> Option<&Heredoc> {
        self.heredocs.iter().find(|h| h.word == word.span)
    }
}

/// The classes of problem [`parse`] reports. BuildKit fails the build on each, except
/// [`ErrorKind::NoInstructions`] on a file BuildKit is never given in practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A duplicated directive, or an escape other than `\` and a backtick.
    Directive,
    UnterminatedHeredoc,
    UnknownInstruction,
    /// An instruction without the arguments it needs.
    MissingArgument,
    InvalidArgument,
    /// An unknown flag (a newer or labs frontend may know it), a flag missing its value.
    Flag,
    /// An instruction other than ARG before the first FROM.
    NoStage,
    /// Instructions, but no FROM at all.
    NoFrom,
    /// An empty file, or only comments.
    NoInstructions,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Range<usize>,
    /// 1-based line of `span.start`.
    pub line: usize,
}

/// BuildKit's warning for blank lines inside a continuation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWarning {
    pub message: String,
    pub span: Range<usize>,
    pub line: usize,
}

/// Where a setting of the image config was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub stage: usize,
    pub instruction: usize,
}

/// The effective USER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSetting {
    pub origin: Origin,
    /// The argument as written.
    pub raw: String,
    pub span: Range<usize>,
    /// Expanded through ARG/ENV; `None` when a variable cannot be resolved.
    pub value: Option<String>,
}

/// One variable of the effective ENV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvSetting {
    pub name: String,
    pub origin: Origin,
    pub key_span: Range<usize>,
    pub value_span: Range<usize>,
    pub raw: String,
    /// Expanded; `None` when unknown.
    pub value: Option<String>,
}

/// The effective WORKDIR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkdirSetting {
    pub origin: Origin,
    pub raw: String,
    pub span: Range<usize>,
    /// Absolute and cleaned; `None` when a variable or the base image's WORKDIR is unknown.
    pub path: Option<String>,
}

/// The image config a stage ends with, inherited from the earlier stage it is built from.
/// Settings an external base image makes are not visible (they stay `None`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageConfig {
    pub user: Option<UserSetting>,
    /// In first-set order; a later ENV of the same name replaces the value in place.
    pub env: Vec<EnvSetting>,
    pub workdir: Option<WorkdirSetting>,
    /// `HEALTHCHECK NONE` included (check [`Healthcheck::none`]).
    pub healthcheck: Option<Origin>,
    pub entrypoint: Option<Origin>,
    /// Reset by an ENTRYPOINT unless CMD was set in the same stage (as BuildKit does).
    pub cmd: Option<Origin>,
}

impl ImageConfig {
    pub fn env(&self, name: &str) -> Option<&EnvSetting> {
        self.env.iter().find(|e| e.name == name)
    }
}

/// An image reference after ARG expansion, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub reference: String,
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// What a stage is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    Scratch,
    /// An earlier stage, by name.
    Stage(usize),
    Image(ImageRef),
    /// The reference uses an ARG whose value is unknown.
    Unknown,
}

/// The target of `COPY --from=` or `RUN --mount=from=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    Stage(usize),
    Image(String),
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageLink {
    pub instruction: usize,
    /// The flag value (or the mount's `from=` option's flag).
    pub span: Range<usize>,
    pub target: LinkTarget,
}

/// A build stage: a FROM and the instructions up to the next FROM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// The FROM instruction's index.
    pub from: usize,
    /// The `AS` name, lower-cased as BuildKit does.
    pub name: Option<String>,
    /// Indices into [`Dockerfile::instructions`], FROM included.
    pub instructions: Range<usize>,
    pub base: Base,
    /// `COPY --from` and `RUN --mount=...,from=` links.
    pub links: Vec<StageLink>,
    /// The config at the end of the stage.
    pub config: ImageConfig,
    /// Undeclared variables may be set by an external base image (the base is not `scratch` and
    /// not a stage built from `scratch`).
    pub open_env: bool,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    /// The file starts with a UTF-8 byte-order mark (skipped).
    pub bom: bool,
    /// `\` or a backtick.
    pub escape: char,
    pub directives: Vec<Directive>,
    pub instructions: Vec<Instruction>,
    /// Whole-line comments (directives included), inside continuations too; never heredoc lines.
    pub comments: Vec<Range<usize>>,
    /// Indices of the ARG instructions before the first FROM.
    pub global_args: Vec<usize>,
    pub stages: Vec<Stage>,
    pub errors: Vec<ParseError>,
    pub warnings: Vec<ParseWarning>,
    /// The text contains `{{` or `{%` (a Jinja/cookiecutter template).
    pub template_markers: bool,
}

impl Dockerfile {
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }

    /// The last stage: what `docker build` ships without `--target`.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// A stage by `AS` name, case-insensitive (a Compose `build.target`).
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        let name = name.to_ascii_lowercase();
        self.stages.iter().find(|s| s.name.as_deref() == Some(name.as_str()))
    }

    /// The external image a stage ultimately builds on, following stage-to-stage links.
    pub fn root_base(&self, stage: usize) -> &Base {
        let mut s = &self.stages[stage];
        let mut hops = 0;
        while let Base::Stage(p) = s.base {
            if p >= s.index || hops > self.stages.len() {
                break;
            }
            s = &self.stages[p];
            hops += 1;
        }
        &s.base
    }

    /// The ARG scope of FROM lines: the ARGs before the first FROM.
    pub fn global_scope(&self) -> Scope {
        stages::global_scope(self, usize::MAX)
    }

    /// The variables in effect just before instruction `index` runs (for a FROM: the global
    /// ARGs).
    pub fn scope_at(&self, index: usize) -> Scope {
        stages::scope_at(self, index)
    }

    /// The variables in effect at the end of a stage: its ENV (inherited too) and its ARGs.
    pub fn stage_scope(&self, stage: usize) -> Scope {
        stages::stage_end_scope(self, stage)
    }
}

/// A logical line and where each of its bytes comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Logical {
    pub text: String,
    /// `(logical offset, source offset)` at the start of each contiguous piece.
    pub segs: Vec<(usize, usize)>,
    /// The source offset of logical offset 0 when there is no piece.
    pub base: usize,
}

impl Logical {
    pub fn push(&mut self, s: &str, src: usize) {
        if self.segs.is_empty() && self.text.is_empty() {
            self.base = src;
        }
        if !s.is_empty() {
            self.segs.push((self.text.len(), src));
            self.text.push_str(s);
        }
    }

    pub fn src(&self, pos: usize) -> usize {
        let i = self.segs.partition_point(|s| s.0 <= pos);
        if i == 0 {
            return self.base + pos;
        }
        let (l, s) = self.segs[i - 1];
        s + (pos - l)
    }

    pub fn span(&self, r: Range<usize>) -> Range<usize> {
        if r.end <= r.start {
            let p = self.src(r.start);
            return p..p;
        }
        self.src(r.start)..self.src(r.end - 1) + 1
    }

    pub fn slice(&self, r: Range<usize>) -> Logical {
        let mut out = Logical { text: self.text[r.clone()].to_string(), segs: Vec::new(), base: self.src(r.start) };
        for (i, &(l, s)) in self.segs.iter().enumerate() {
            let l_end = self.segs.get(i + 1).map_or(self.text.len(), |n| n.0);
            let a = l.max(r.start);
            let b = l_end.min(r.end);
            if a < b {
                out.segs.push((a - r.start, s + (a - l)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(df: &Dockerfile) -> Vec<Kind> {
        df.instructions.iter().map(|i| i.kind).collect()
    }

    fn at(text: &str, r: &Range<usize>) -> String {
        text[r.clone()].to_string()
    }

    #[test]
    fn escaped_escape_at_line_end_does_not_continue() {
        let df = parse("FROM a\nRUN echo \\\\\nUSER x\n");
        assert_eq!(kinds(&df), [Kind::From, Kind::Run, Kind::User]);
        let df = parse("FROM a\nRUN echo \\ \t\nUSER x\n");
        assert_eq!(kinds(&df), [Kind::From, Kind::Run]);
        assert_eq!(df.instructions[1].text(), "RUN echo USER x");
    }

    #[test]
    fn logical_offsets_map_back_across_continuations() {
        let text = "FROM a\nRUN echo a \\\n  # note\n\n    && echo bee\n";
        let df = parse(text);
        let run = &df.instructions[1];
        assert_eq!(run.text(), "RUN echo a     && echo bee");
        let i = run.text().find("bee").unwrap();
        assert_eq!(at(text, &run.source_span(i..i + 3)), "bee");
        let cmd = run.command().unwrap();
        assert_eq!(at(text, &cmd.span), "echo a \\\n  # note\n\n    && echo bee");
        assert_eq!(df.comments.len(), 1);
        assert_eq!(df.warnings.len(), 1);
        assert_eq!(run.end_line, 5);
    }

    #[test]
    fn heredoc_needs_the_delimiter_glued_to_the_operator() {
        let df = parse("FROM a\nRUN cat << EOF\nEOF\n");
        assert!(df.instructions[1].heredocs.is_empty());
        assert_eq!(kinds(&df), [Kind::From, Kind::Run, Kind::Unknown]);
    }

    #[test]
    fn no_heredoc_in_json_form_or_on_a_line_that_does_not_lex() {
        let df = parse("FROM a\nRUN [\"cat\", \"<<EOF\"]\nEOF\n");
        assert!(df.instructions[1].heredocs.is_empty());
        assert_eq!(df.instructions.len(), 3);
        let df = parse("FROM a\nRUN echo \"open <<EOF\nEOF\n");
        assert!(df.instructions[1].heredocs.is_empty());
    }

    #[test]
    fn heredoc_opened_on_a_continuation_line_and_crlf_terminator() {
        let text = "FROM a\r\nRUN cat \\\r\n  <<EOF\r\nbody\r\nEOF\r\nUSER x\r\n";
        let df = parse(text);
        assert_eq!(kinds(&df), [Kind::From, Kind::Run, Kind::User]);
        let h = &df.instructions[1].heredocs[0];
        assert_eq!(at(text, &h.word), "<<EOF");
        assert_eq!(h.content, "body\r\n");
        assert_eq!(h.terminator.as_ref().map(|t| at(text, t)), Some("EOF".into()));
    }

    #[test]
    fn heredoc_as_copy_destination_is_an_error() {
        let df = parse("FROM a\nCOPY x <<EOF\nbody\nEOF\n");
        assert_eq!(df.errors.len(), 1);
        assert_eq!(df.errors[0].kind, ErrorKind::InvalidArgument);
        assert_eq!(df.errors[0].line, 2);
    }

    #[test]
    fn first_unterminated_heredoc_is_reported_once() {
        let df = parse("FROM a\nRUN <<A <<B\nbody\n");
        assert_eq!(df.instructions[1].heredocs.len(), 2);
        let errs: Vec<_> = df.errors.iter().filter(|e| e.kind == ErrorKind::UnterminatedHeredoc).collect();
        assert_eq!(errs.len(), 1);
    }

    #[test]
    fn escape_directive_after_bom_applies() {
        let text = "\u{feff}# escape=`\nFROM a\nRUN echo `\n  more\nCOPY a\\ b\\\nUSER x\n";
        let df = parse(text);
        assert!(df.bom);
        assert_eq!(df.escape, '`');
        assert_eq!(kinds(&df), [Kind::From, Kind::Run, Kind::Copy, Kind::User]);
        assert_eq!(df.instructions[1].text(), "RUN echo   more");
        assert_eq!(df.directives[0].line, 1);
    }

    #[test]
    fn lone_carriage_return_is_not_a_line_break() {
        let df = parse("FROM a\rRUN b\n");
        assert_eq!(df.instructions.len(), 1);
    }

    #[test]
    fn spans_exclude_trailing_blanks() {
        let text = "FROM a   \nUSER  app  \nRUN --network=none echo \\\n  hi\n";
        let df = parse(text);
        assert_eq!(at(text, &df.instructions[0].span), "FROM a");
        assert_eq!(at(text, &df.instructions[1].args), "app");
        assert_eq!(df.instructions[2].args_text(), "echo   hi");
    }

    #[test]
    fn run_assignments_after_flags_and_across_lines() {
        let text = "FROM a\nRUN --mount=type=secret,id=k \\\n    SECRET_KEY=\"dummy\" python manage.py check\n";
        let df = parse(text);
        let a = &df.instructions[1].assignments;
        assert_eq!(a.len(), 1);
        assert_eq!(at(text, &a[0].name_span), "SECRET_KEY");
        assert_eq!(at(text, &a[0].value_span), "\"dummy\"");
        assert_eq!(a[0].value, "dummy");
        assert_eq!(a[0].kind, AssignmentKind::Prefix);
        let m = df.instructions[1].flag("mount").unwrap().options();
        assert_eq!(m, [("type".to_string(), "secret".to_string()), ("id".to_string(), "k".to_string())]);
    }

    #[test]
    fn onbuild_heredoc_attaches_to_the_onbuild() {
        let df = parse("FROM a\nONBUILD RUN <<EOF\nUSER root\nEOF\nUSER app\n");
        assert_eq!(kinds(&df), [Kind::From, Kind::Onbuild, Kind::User]);
        assert_eq!(df.instructions[1].heredocs.len(), 1);
        assert_eq!(df.final_stage().unwrap().config.user.as_ref().and_then(|u| u.value.as_deref()), Some("app"));
    }

    #[test]
    fn scopes_and_stage_lookup() {
        let df = parse("ARG V=1\nFROM python:${V} AS Build\nARG V\nENV A=$V\nRUN x\nFROM build\n");
        assert_eq!(df.scope_at(4).lookup("A"), Lookup::Set("1".into()));
        assert_eq!(df.scope_at(1).lookup("V"), Lookup::Set("1".into()));
        assert_eq!(df.scope_at(2).lookup("V"), Lookup::Unknown);
        assert_eq!(df.stage_named("BUILD").map(|s| s.index), Some(0));
        assert_eq!(df.stages[1].base, Base::Stage(0));
        assert!(matches!(df.root_base(1), Base::Image(r) if r.reference == "python:1"));
        assert_eq!(df.stage_scope(1).lookup("A"), Lookup::Set("1".into()));
        assert_eq!(df.stage_scope(1).lookup("V"), Lookup::Unknown);
    }

    #[test]
    fn keyword_case_and_kinds() {
        assert_eq!(Kind::from_keyword("HealthCheck"), Kind::Healthcheck);
        assert_eq!(Kind::from_keyword("RUNN"), Kind::Unknown);
        let text = "from a\nrUn x\n";
        let df = parse(text);
        assert_eq!(at(text, &df.instructions[1].keyword), "rUn");
    }
}
