//! DF: Dockerfile rules, run once per parsed Dockerfile.
//!
//! Rules about the running container (DF001, DF002) judge the stage that ships: the final stage
//! ([`shipped_stage`]). DF009 and DF010 judge what ships too: the final stage and the stages it
//! is built `FROM` ([`shipped_chain`]). The other rules are hygiene and look at every stage.
//! The helpers here read the shell commands of RUN instructions ([`run_commands`]): the shell
//! form, the heredoc scripts a shell runs, and the exec form, with source spans on every word.
//! What needs the build context (the entrypoint scripts, the privilege drop at start) is in the
//! model, read in the parse stage (`parse::dockerfile::context`): rules do no I/O.

pub mod add_instead_of_copy;
pub mod apt_install_unpinned_or_uncleaned;
pub mod base_image_unpinned;
pub mod container_runs_as_root;
pub mod healthcheck_missing;
pub mod pip_cache_kept;
pub mod remote_script_piped_to_shell;
pub mod shell_form_entrypoint;
pub mod ssh_port_exposed;
pub mod sudo_in_run;
pub mod syntax_error;

use std::ops::Range;

use crate::config::Config;
use crate::parse::dockerfile::{
    split_commands, stage_chain, Body, Dockerfile, Form, ImageRef, Instruction, Kind, Stage,
};
use crate::project::DockerfileCtx;

/// Shells: a remote script piped into one of these runs.
pub const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"];

/// Words that come before the command word without being the program: shell keywords, `exec`,
/// and commands that run the rest of the line.
const PREFIXES: &[&str] =
    &["if", "then", "elif", "else", "do", "while", "until", "!", "{", "time", "exec", "nohup", "command", "builtin"];

/// A word of a command, quotes removed, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmdWord {
    pub text: String,
    pub span: Range<usize>,
}

/// How a command is joined to the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joint {
    /// `a | b`: b reads a's output.
    Pipe,
    /// `b <(a)`: b reads a's output as a file.
    ProcessSubstitution,
    Other,
}

/// One simple command of a RUN instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<CmdWord>,
    /// From the first word to the last.
    pub span: Range<usize>,
    /// How the next command of the same script follows this one (`None` for the last).
    pub next: Option<Joint>,
}

impl Command {
    pub fn text(&self, i: usize) -> &str {
        self.words.get(i).map_or("", |w| w.text.as_str())
    }

    /// The index of the command word ([`command_index`]).
    pub fn command(&self) -> Option<usize> {
        command_index(&self.words)
    }

    /// The index of the program run, past `sudo` and its options ([`program_index`]).
    pub fn program(&self) -> Option<usize> {
        program_index(&self.words)
    }

    /// The span from word `a` to word `b` (inclusive).
    pub fn words_span(&self, a: usize, b: usize) -> Range<usize> {
        self.words[a].span.start..self.words[b.max(a)].span.end
    }
}

/// The last path component: `/usr/bin/apt-get` → `apt-get`.
pub fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn is_assignment(w: &str) -> bool {
    w.split_once('=').is_some_and(|(n, _)| {
        n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The command word: past shell keywords, `exec`, inline assignments (`SECRET_KEY=x python`) and
/// `env [options] [NAME=value]...`.
pub fn command_index(words: &[CmdWord]) -> Option<usize> {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let t = w.text.as_str();
        if PREFIXES.contains(&t) || is_assignment(t) {
            i += 1;
        } else if basename(t) == "env" {
            i += 1;
            while let Some(w) = words.get(i) {
                let t = w.text.as_str();
                if matches!(t, "-u" | "-C" | "-S" | "--unset" | "--chdir" | "--split-string") {
                    i += 2;
                } else if t.starts_with('-') || is_assignment(t) {
                    i += 1;
                } else {
                    break;
                }
            }
        } else {
            return Some(i);
        }
    }
    None
}

/// The program a command runs: the command word, or what `sudo [options]` runs.
pub fn program_index(words: &[CmdWord]) -> Option<usize> {
    let i = command_index(words)?;
    if basename(&words[i].text) != "sudo" {
        return Some(i);
    }
    let mut j = i + 1;
    while let Some(w) = words.get(j) {
        let t = w.text.as_str();
        if t == "--" {
            j += 1;
            break;
        }
        if !t.starts_with('-') {
            break;
        }
        // Options that take a value in the next word.
        let takes = t.len() == 2 && matches!(&t[1..], "u" | "g" | "h" | "p" | "C" | "U" | "r" | "t" | "D" | "R" | "T");
        j += if takes { 2 } else { 1 };
    }
    let rest = words.get(j..)?;
    command_index(rest).map(|k| j + k)
}

/// Splits a shell script into commands; `map` turns a byte range of the script into a source
/// span.
fn script_commands(script: &str, map: &dyn Fn(Range<usize>) -> Range<usize>) -> Vec<Command> {
    let cmds = split_commands(script);
    let mut out = Vec::with_capacity(cmds.len());
    for (i, c) in cmds.iter().enumerate() {
        let words: Vec<CmdWord> =
            c.words.iter().map(|w| CmdWord { text: w.text.clone(), span: map(w.range.clone()) }).collect();
        let span = match (c.words.first(), c.words.last()) {
            (Some(a), Some(b)) => map(a.range.start..b.range.end),
            _ => map(c.range.clone()),
        };
        let next = cmds.get(i + 1).map(|n| {
            let end = c.words.last().map_or(c.range.end, |w| w.range.end);
            let between = script.get(end.min(n.range.start)..n.range.start).unwrap_or("");
            // One operator separates two commands; redirections may come before it
            // (`curl x 2>/dev/null | sh`), and their words hold no `|`.
            if between.contains("||") {
                Joint::Other
            } else if between.contains('|') {
                Joint::Pipe
            } else if between.contains("<(") {
                Joint::ProcessSubstitution
            } else {
                Joint::Other
            }
        });
        if !words.is_empty() {
            out.push(Command { words, span, next });
        }
    }
    out
}

/// The commands a RUN instruction runs, in order: its shell-form command line, then the bodies
/// of the heredocs a shell runs as scripts; or its exec-form words (and the script of
/// `["sh", "-c", "..."]`). `src` is the Dockerfile's text.
pub fn run_commands(ins: &Instruction, src: &str) -> Vec<Command> {
    let Some(cmd) = ins.command() else { return Vec::new() };
    let mut out = Vec::new();
    match cmd.form {
        Form::Shell => {
            out.extend(script_commands(&cmd.text, &|r| ins.command_span(cmd, r)));
            for h in ins.heredocs.iter().filter(|h| h.script) {
                let base = h.body.start;
                if let Some(body) = src.get(h.body.clone()) {
                    out.extend(script_commands(body, &|r| base + r.start..base + r.end));
                }
            }
        }
        Form::Exec => {
            let words: Vec<CmdWord> =
                cmd.exec.iter().map(|w| CmdWord { text: w.text.clone(), span: w.span.clone() }).collect();
            let Some(first) = words.first() else { return out };
            let span = first.span.start..words.last().map_or(first.span.end, |w| w.span.end);
            // `["sh", "-c", "script"]`: the script's commands too.
            let script = (SHELLS.contains(&basename(&first.text)))
                .then(|| words.iter().position(|w| w.text == "-c"))
                .flatten()
                .and_then(|c| words.get(c + 1))
                .cloned();
            out.push(Command { words, span, next: None });
            if let Some(s) = script {
                // Offsets map into the JSON string when it holds no escape; else to the string.
                let literal = src.get(s.span.clone()).unwrap_or("");
                let exact = literal.len() == s.text.len() + 2 && !literal.contains('\\');
                let start = s.span.start + 1;
                let whole = s.span.clone();
                out.extend(script_commands(&s.text, &|r| {
                    if exact {
                        start + r.start..start + r.end
                    } else {
                        whole.clone()
                    }
                }));
            }
        }
    }
    out
}

/// The instructions of the given stages, with their indices (ONBUILD triggers excluded: they run
/// in other builds).
pub fn stage_instructions<'a>(
    df: &'a Dockerfile,
    stages: &'a [usize],
) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
    stages.iter().flat_map(move |&s| df.stages[s].instructions.clone().map(move |i| (i, &df.instructions[i])))
}

/// Every RUN instruction of every stage.
pub fn runs(df: &Dockerfile) -> impl Iterator<Item = (usize, &Instruction)> {
    df.instructions.iter().enumerate().filter(|(_, i)| i.kind == Kind::Run && i.stage.is_some())
}

/// The stage whose container runs: the final stage. (When the deployment rules link a Compose
/// service to the Dockerfile, its `build.target` names the stage instead.)
pub fn shipped_stage(df: &Dockerfile) -> Option<&Stage> {
    df.final_stage()
}

/// The shipped stage and the stages it is built `FROM`: their layers are in the image.
pub fn shipped_chain(df: &Dockerfile) -> Vec<usize> {
    shipped_stage(df).map(|s| stage_chain(df, s.index)).unwrap_or_default()
}

/// The FROM keyword of a stage: where absences (no USER, no HEALTHCHECK) are reported.
pub fn from_span(df: &Dockerfile, stage: &Stage) -> Range<usize> {
    let from = &df.instructions[stage.from];
    match &from.body {
        Body::From(f) => from.keyword.start..f.image.span.end,
        _ => from.keyword.clone(),
    }
}

/// Base images known to run unprivileged or to drop root in their own entrypoint (RULES.md,
/// DF001): the official postgres, redis, mysql, mariadb, mongo, rabbitmq and memcached images,
/// `*-unprivileged`, distroless `:nonroot` (the list DC002 shares), Chainguard images (they run
/// as a non-root user), and the config's `nonroot-images`.
pub fn runs_unprivileged(image: &ImageRef, config: &Config) -> bool {
    let r = image.reference.as_str();
    crate::rules::compose::known_unprivileged_image(r)
        || image.name.starts_with("cgr.dev/chainguard/")
        || config.is_nonroot_image(r)
}

/// A Compose service known to run from this Dockerfile's image (the hook the deployment rules
/// fill in; RULES.md, "Dockerfile scope": DF001 is satisfied when every production service built
/// from the Dockerfile sets a non-root `user:`, DF002 when a compose healthcheck covers it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoveringService {
    pub name: String,
    /// The service's `user:` is set and is not root.
    pub non_root_user: bool,
    /// The service has an enabled `healthcheck:`.
    pub healthcheck: bool,
}

/// The production Compose services built from a Dockerfile (the deployment model's links).
pub fn covering_services(ctx: &DockerfileCtx<'_>) -> Vec<CoveringService> {
    let dep = &ctx.project.deployment;
    dep.built_from(ctx.id)
        .filter_map(|link| {
            let s = dep.service(link)?;
            let non_root_user = s.user.as_ref().and_then(|u| u.known()).is_some_and(|v| {
                let name = v.split(':').next().unwrap_or_default().trim();
                !name.is_empty() && name != "root" && name != "0"
            });
            let healthcheck = s.healthcheck.as_ref().is_some_and(|h| {
                h.disable.as_ref().and_then(|f| f.value()) != Some(true) && h.test_none.is_none() && h.has_test
            });
            Some(CoveringService { name: link.name.clone(), non_root_user, healthcheck })
        })
        .collect()
}

/// The stage that runs for this Dockerfile: the `build.target` every production service built
/// from it names (they agree), else the final stage.
pub fn shipped_stage_of<'a>(ctx: &DockerfileCtx<'a>) -> Option<&'a Stage> {
    let df = &ctx.model.dockerfile;
    let mut targets = ctx.project.deployment.built_from(ctx.id).map(|l| l.stage);
    match targets.next() {
        Some(Some(first)) if targets.all(|t| t == Some(first)) => df.stages.get(first),
        _ => shipped_stage(df),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::dockerfile::parse;

    fn cmds(text: &str) -> Vec<(Vec<String>, String, Option<Joint>)> {
        let df = parse(text);
        let ins = df.instructions.iter().find(|i| i.kind == Kind::Run).unwrap();
        run_commands(ins, text)
            .into_iter()
            .map(|c| (c.words.iter().map(|w| w.text.clone()).collect(), text[c.span.clone()].to_string(), c.next))
            .collect()
    }

    #[test]
    fn commands_of_shell_form_heredocs_and_exec_form() {
        let got = cmds("FROM a\nRUN curl -fsSL https://x \\\n  | sh && echo ok\n");
        assert_eq!(got[0].1, "curl -fsSL https://x");
        assert_eq!(got[0].2, Some(Joint::Pipe));
        assert_eq!(got[1].1, "sh");
        assert_eq!(got[1].2, Some(Joint::Other));
        let got = cmds("FROM a\nRUN <<EOF\nset -e\nsudo apt-get update\nEOF\n");
        assert_eq!(got[1].0, ["sudo", "apt-get", "update"]);
        assert_eq!(got[1].1, "sudo apt-get update");
        let got = cmds("FROM a\nRUN [\"sh\", \"-c\", \"curl x | bash\"]\n");
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].1, "curl x");
        assert_eq!(got[2].1, "bash");
        let got = cmds("FROM a\nRUN bash <(curl -s https://x) 2>/dev/null || true\n");
        assert_eq!(got[0].2, Some(Joint::ProcessSubstitution));
        let got = cmds("FROM a\nRUN curl x 2>/dev/null | sh; a || b\n");
        assert_eq!(got[0].2, Some(Joint::Pipe));
        assert_eq!(got[2].2, Some(Joint::Other));
    }

    #[test]
    fn command_and_program_words() {
        let w =
            |s: &str| -> Vec<CmdWord> { s.split(' ').map(|t| CmdWord { text: t.to_string(), span: 0..0 }).collect() };
        assert_eq!(command_index(&w("then DEBIAN_FRONTEND=x sudo apt-get")), Some(2));
        assert_eq!(program_index(&w("then DEBIAN_FRONTEND=x sudo -E -u root apt-get install")), Some(6));
        assert_eq!(program_index(&w("env -i A=1 /usr/bin/pip install")), Some(3));
        assert_eq!(command_index(&w("A=1 B=2")), None);
    }
}
