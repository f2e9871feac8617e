//! The commands production containers run (DEP005, DEP010): the `command:`/`entrypoint:` of
//! production compose services, and the CMD/ENTRYPOINT of the stage a production Dockerfile
//! ships (the stage a production service builds), skipping an image command every service
//! built from it replaces. Shell scripts are split into simple commands, `sh -c "..."` scripts
//! too, with source spans mapped back exactly where the text allows. Production Procfile process
//! lines are found apart ([`procfile_commands`]), for the rules that read Procfiles (DEP010).

use super::Shipped;
use std::ops::Range;

use super::text_range;
use crate::discover::Environment;
use crate::parse::dockerfile::split_commands;
use crate::project::{Parsed, Project};
use crate::rules::docker::{basename, command_index, run_commands, CmdWord, SHELLS};
use crate::source::{FileId, Span};

/// Where a production command is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// A production compose service (index into `deployment.services`) and its key
    /// (`command` or `entrypoint`).
    Service { link: usize, key: &'static str },
    /// A Dockerfile's `CMD` or `ENTRYPOINT` of a stage that runs.
    Image { file: FileId, stage: usize, keyword: &'static str },
    /// A production Procfile's process line (index into its parsed lines).
    Procfile { file: FileId, line: usize },
}

/// One simple command a production container runs that a rule looks for.
#[derive(Debug, Clone)]
pub struct Found {
    pub site: Site,
    /// The command's words, quotes removed.
    pub words: Vec<String>,
    /// The word the rule looked for.
    pub index: usize,
    /// Where that word is written.
    pub span: Span,
}

/// Finds, in a command's words, the word a rule looks for.
pub type Finder<'a> = &'a dyn Fn(&[CmdWord]) -> Option<usize>;

/// The hits of a shell script, with ranges into it; `sh -c "..."` scripts too.
pub fn script_hits(script: &str, depth: usize, find: Finder) -> Vec<(Vec<String>, usize, Range<usize>)> {
    let mut out = Vec::new();
    for c in split_commands(script) {
        let words: Vec<CmdWord> =
            c.words.iter().map(|w| CmdWord { text: w.text.clone(), span: w.range.clone() }).collect();
        // A quoted `-c` script without escapes maps exactly; else to the whole word.
        let map = |w: &CmdWord, r: Range<usize>| {
            let written = script.get(w.span.clone()).unwrap_or("");
            if written.len() == w.text.len() + 2 && !written.contains('\\') {
                w.span.start + 1 + r.start..w.span.start + 1 + r.end
            } else if written == w.text {
                w.span.start + r.start..w.span.start + r.end
            } else {
                w.span.clone()
            }
        };
        out.extend(words_hits(&words, depth, &map, find));
    }
    out
}

/// The hits of one command's words; `map` turns a range of a `-c` script (given its word) into
/// a range of the source.
fn words_hits(
    words: &[CmdWord],
    depth: usize,
    map: &dyn Fn(&CmdWord, Range<usize>) -> Range<usize>,
    find: Finder,
) -> Vec<(Vec<String>, usize, Range<usize>)> {
    if let Some(i) = find(words) {
        return vec![(words.iter().map(|w| w.text.clone()).collect(), i, words[i].span.clone())];
    }
    let Some(ci) = command_index(words) else { return Vec::new() };
    if depth > 2 || !SHELLS.contains(&basename(&words[ci].text)) {
        return Vec::new();
    }
    let Some(c) = words.iter().position(|w| w.text == "-c") else { return Vec::new() };
    let Some(script) = words.get(c + 1) else { return Vec::new() };
    script_hits(&script.text, depth + 1, find).into_iter().map(|(w, i, r)| (w, i, map(script, r))).collect()
}

/// Every hit of `find` in the commands production containers run.
pub fn production_commands(project: &Project, find: Finder) -> Vec<Found> {
    let dep = &project.deployment;
    let mut out = Vec::new();
    // Compose services.
    for (li, link) in dep.services.iter().enumerate() {
        let Some(s) = dep.service(link) else { continue };
        for (key, cmd) in [("command", &s.command), ("entrypoint", &s.entrypoint)] {
            let Some(cmd) = cmd else { continue };
            let site = Site::Service { link: li, key };
            if let Some(t) = &cmd.shell {
                let src = project.files.get(t.span.file).map(|f| f.source.text.as_str()).unwrap_or("");
                for (words, index, r) in script_hits(&t.text, 0, find) {
                    let span = Span::new(t.span.file, text_range(src, t.span, &t.text, r));
                    out.push(Found { site, words, index, span });
                }
            } else if let Some(first) = cmd.exec.first() {
                let file = first.span.file;
                let src = project.files.get(file).map(|f| f.source.text.as_str()).unwrap_or("");
                let words: Vec<CmdWord> =
                    cmd.exec.iter().map(|t| CmdWord { text: t.text.clone(), span: t.span.range() }).collect();
                let map = |w: &CmdWord, r: Range<usize>| {
                    let span = Span::new(file, w.span.clone());
                    text_range(src, span, &w.text, r)
                };
                for (words, index, r) in words_hits(&words, 0, &map, find) {
                    out.push(Found { site, words, index, span: Span::new(file, r) });
                }
            }
        }
    }
    // Dockerfiles: production ones, and those a production service builds, at the stage that runs.
    for Shipped { id, file: f, model: m, links, mut stages } in super::shipped_dockerfiles(project) {
        let df = &m.dockerfile;
        stages.sort_unstable();
        stages.dedup();
        let mut seen: Vec<usize> = Vec::new();
        for stage in stages {
            let config = &df.stages[stage].config;
            for (keyword, origin) in [("ENTRYPOINT", config.entrypoint), ("CMD", config.cmd)] {
                let Some(origin) = origin else { continue };
                // Every service built from it replaces it: it never runs.
                let replaced = !links.is_empty()
                    && links.iter().filter(|l| l.stage == Some(stage)).all(|l| {
                        dep.service(l)
                            .is_some_and(|s| s.entrypoint.is_some() || (keyword == "CMD" && s.command.is_some()))
                    });
                if replaced || seen.contains(&origin.instruction) {
                    continue;
                }
                seen.push(origin.instruction);
                let ins = &df.instructions[origin.instruction];
                for c in run_commands(ins, &f.source.text) {
                    let Some(i) = find(&c.words) else { continue };
                    out.push(Found {
                        site: Site::Image { file: id, stage, keyword },
                        words: c.words.iter().map(|w| w.text.clone()).collect(),
                        index: i,
                        span: Span::new(id, c.words[i].span.clone()),
                    });
                }
            }
        }
    }
    out
}

/// Every hit of `find` in the process lines of production Procfiles (read only when a rule asks
/// for them; a development-named one such as `Procfile.dev` is skipped).
pub fn procfile_commands(project: &Project, find: Finder) -> Vec<Found> {
    let mut out = Vec::new();
    for (id, f) in project.files.iter().enumerate() {
        let Parsed::Procfile(lines) = &f.parsed else { continue };
        if f.class().env != Environment::Production {
            continue;
        }
        for (line, (_, cmd)) in lines.iter().enumerate() {
            let Some(script) = f.source.text.get(cmd.clone()) else { continue };
            for (words, index, r) in script_hits(script, 0, find) {
                let span = Span::new(id, cmd.start + r.start..cmd.start + r.end);
                out.push(Found { site: Site::Procfile { file: id, line }, words, index, span });
            }
        }
    }
    out
}
