//! DEP005 dev-server-in-production: `manage.py runserver` (or django-extensions'
//! `runserver_plus`) is what a production container runs: a compose `command:`/`entrypoint:` of
//! a production service, or the CMD/ENTRYPOINT of the stage a production Dockerfile ships (the
//! stage a production service builds). A RUN is build time (a smoke test), and a word that is
//! only printed (`echo manage.py runserver`) starts nothing: both are silent.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::split_commands;
use crate::project::{Parsed, Project};
use crate::registry::{Check, Family, Rule, Scope};
use crate::rules::docker::{basename, command_index, run_commands, CmdWord, SHELLS};
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: "DEP005",
    name: "dev-server-in-production",
    family: Family::Deployment,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`manage.py runserver` as a production command",
    check: Check::Project(check),
};

const HELP: &str = "run a production server: `gunicorn config.wsgi:application --bind 0.0.0.0:8000` \
                    (or uvicorn/daphne for ASGI); keep `runserver` in the development compose file";

/// The `runserver`/`runserver_plus` word of a simple command that runs `manage.py` or
/// `django-admin` (directly or through `python`), as an index into `words`.
fn runserver_word(words: &[CmdWord]) -> Option<usize> {
    let ci = command_index(words)?;
    let program = basename(&words[ci].text);
    let is_python = program.starts_with("python") || matches!(program, "pipenv" | "poetry" | "uv");
    let is_django = |w: &str| matches!(basename(w), "manage.py" | "django-admin" | "django-admin.py");
    let start = if is_django(&words[ci].text) {
        ci
    } else if is_python || matches!(program, "run") {
        // `python [opts] manage.py`, `pipenv run python manage.py`, `uv run manage.py`.
        (ci + 1..words.len()).find(|&i| is_django(&words[i].text))?
    } else {
        return None;
    };
    let sub = (start + 1..words.len()).find(|&i| !words[i].text.starts_with('-'))?;
    matches!(words[sub].text.as_str(), "runserver" | "runserver_plus").then_some(sub)
}

/// The `runserver` words of a shell script, with ranges into it; `sh -c "..."` scripts too.
fn script_hits(script: &str, depth: usize) -> Vec<Range<usize>> {
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
        out.extend(words_hits(&words, depth, &map));
    }
    out
}

/// The `runserver` words of one command's words; `map` turns a range of a `-c` script (given
/// its word) into a range of the source.
fn words_hits(
    words: &[CmdWord],
    depth: usize,
    map: &dyn Fn(&CmdWord, Range<usize>) -> Range<usize>,
) -> Vec<Range<usize>> {
    if let Some(i) = runserver_word(words) {
        return vec![words[i].span.clone()];
    }
    let Some(ci) = command_index(words) else { return Vec::new() };
    if depth > 2 || !SHELLS.contains(&basename(&words[ci].text)) {
        return Vec::new();
    }
    let Some(c) = words.iter().position(|w| w.text == "-c") else { return Vec::new() };
    let Some(script) = words.get(c + 1) else { return Vec::new() };
    script_hits(&script.text, depth + 1).into_iter().map(|r| map(script, r)).collect()
}

/// A range of a compose string's text mapped into the file: exact when the scalar is written
/// plainly or quoted without escapes, else the whole scalar.
fn text_range(src: &str, span: Span, text: &str, r: Range<usize>) -> Range<usize> {
    let written = src.get(span.range()).unwrap_or("");
    if written == text {
        span.start + r.start..span.start + r.end
    } else if written.len() == text.len() + 2 && written[1..written.len() - 1] == *text && !written.contains('\\') {
        span.start + 1 + r.start..span.start + 1 + r.end
    } else {
        span.range()
    }
}

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    let dep = &project.deployment;
    // Compose services.
    for link in &dep.services {
        let Some(s) = dep.service(link) else { continue };
        for (key, cmd) in [("command", &s.command), ("entrypoint", &s.entrypoint)] {
            let Some(cmd) = cmd else { continue };
            let mut spans: Vec<Span> = Vec::new();
            if let Some(t) = &cmd.shell {
                let src = project.files.get(t.span.file).map(|f| f.source.text.as_str()).unwrap_or("");
                for r in script_hits(&t.text, 0) {
                    spans.push(Span::new(t.span.file, text_range(src, t.span, &t.text, r)));
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
                for r in words_hits(&words, 0, &map) {
                    spans.push(Span::new(file, r));
                }
            }
            for span in spans {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        span,
                        format!(
                            "service `{}` runs Django's development server (its `{key}:`): `runserver` is \
                             single-process, unhardened and not meant for production traffic",
                            link.name
                        ),
                    )
                    .with_label("development server")
                    .with_help(HELP),
                );
            }
        }
    }
    // Dockerfiles: production ones, and those a production service builds, at the stage that runs.
    for (id, f) in project.files.iter().enumerate() {
        let Parsed::Dockerfile(m) = &f.parsed else { continue };
        let df = &m.dockerfile;
        let links: Vec<_> = dep.built_from(id).collect();
        if !f.class().is_production() && links.is_empty() {
            continue;
        }
        let mut stages: Vec<usize> = links.iter().filter_map(|l| l.stage).collect();
        if links.is_empty() {
            stages.extend(df.final_stage().map(|s| s.index));
        }
        stages.sort_unstable();
        stages.dedup();
        let mut seen: Vec<usize> = Vec::new();
        for stage in stages {
            let config = &df.stages[stage].config;
            for (kw, origin) in [("ENTRYPOINT", config.entrypoint), ("CMD", config.cmd)] {
                let Some(origin) = origin else { continue };
                // Every service built from it replaces it: it never runs.
                let replaced = !links.is_empty()
                    && links.iter().filter(|l| l.stage == Some(stage)).all(|l| {
                        dep.service(l).is_some_and(|s| s.entrypoint.is_some() || (kw == "CMD" && s.command.is_some()))
                    });
                if replaced || seen.contains(&origin.instruction) {
                    continue;
                }
                seen.push(origin.instruction);
                let ins = &df.instructions[origin.instruction];
                for c in run_commands(ins, &f.source.text) {
                    let Some(i) = runserver_word(&c.words) else { continue };
                    out.push(
                        Diagnostic::new(
                            &RULE,
                            Span::new(id, c.words[i].span.clone()),
                            format!(
                                "the image's {kw} runs Django's development server: `runserver` is \
                                 single-process, unhardened and not meant for production traffic"
                            ),
                        )
                        .with_label("development server")
                        .with_help(HELP),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::script_hits;

    #[test]
    fn finds_runserver() {
        assert_eq!(script_hits("python manage.py runserver 0.0.0.0:8000", 0).len(), 1);
        assert_eq!(script_hits("python -u ./manage.py runserver_plus", 0).len(), 1);
        assert_eq!(script_hits("sh -c 'python manage.py migrate && python manage.py runserver'", 0).len(), 1);
        assert!(script_hits("echo manage.py runserver", 0).is_empty());
        assert!(script_hits("gunicorn config.wsgi", 0).is_empty());
        assert!(script_hits("python manage.py migrate", 0).is_empty());
    }
}
