//! DEP004 env-file-in-image: a production image gets a secret file from the build context. A
//! `COPY`/`ADD` of the stage a production Dockerfile ships (or of a stage it is built `FROM`)
//! names one (`COPY .env .`), or copies a folder or glob holding one (`COPY . .`, `COPY . /app`)
//! that the ignore file does not exclude.
//!
//! The build context's sensitive files and ignore file are read in the parse stage
//! (`DockerfileModel::context`). `COPY --from=<stage>` is not followed: it copies what the build
//! made, and a builder that gets `.env` only passes on what the final `COPY --from` names.

use super::Shipped;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::{is_sensitive, stage_chain, BuildContext, Kind};
use crate::project::Project;
use crate::registry::{Check, Family, Rule, Scope};
use crate::rules::deploy::dockerignore::DockerIgnore;
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: "DEP004",
    name: "env-file-in-image",
    family: Family::Deployment,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A Dockerfile `COPY`/`ADD` brings `.env`, `.envs/`, a key or a certificate into the image",
    check: Check::Project(check),
};

const HELP_EXPLICIT: &str = "do not copy the file: give it to the container at run time (`env_file:`, a \
                             mounted secret), or use `RUN --mount=type=secret` for a build-time secret";

const HELP: &str = "exclude secrets in `.dockerignore` (`.env*`, `!.env.example`, `.envs/`, `*.pem`, `*.key`, \
                    `id_rsa*`, `*.p12`) and give them to the container at run time (`env_file:`, secrets)";

/// `a/./b/` → `a/b`; `.` → ``.
fn clean(p: &str) -> String {
    p.split('/').filter(|s| !s.is_empty() && *s != ".").collect::<Vec<_>>().join("/")
}

fn listed(files: &[String]) -> String {
    let mut shown: Vec<String> = files.iter().take(5).map(|f| format!("`{f}`")).collect();
    if files.len() > 5 {
        shown.push(format!("and {} more", files.len() - 5));
    }
    shown.join(", ")
}

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    for Shipped { id, model: m, links, stages, .. } in super::shipped_dockerfiles(project) {
        // The build context: the one each production service's `build.context` names, else the
        // one the Dockerfile model found.
        let candidates: Vec<Option<&BuildContext>> = if links.is_empty() {
            vec![m.context.as_ref()]
        } else {
            links.iter().map(|l| l.context.as_ref().or(m.context.as_ref())).collect()
        };
        let mut contexts: Vec<&BuildContext> = Vec::new();
        for c in candidates.into_iter().flatten() {
            if !contexts.iter().any(|k| k.dir == c.dir) {
                contexts.push(c);
            }
        }
        let mut seen: Vec<(usize, usize)> = Vec::new();
        for ctx in contexts {
            judge(id, m, ctx, &stages, &mut seen, out);
        }
    }
}

/// Judges the COPY/ADD of `stages` (and the stages they are built FROM) against one context.
fn judge(
    id: usize,
    m: &crate::parse::dockerfile::DockerfileModel,
    ctx: &BuildContext,
    stages: &[usize],
    seen: &mut Vec<(usize, usize)>,
    out: &mut Vec<Diagnostic>,
) {
    let df = &m.dockerfile;
    {
        let ignore = ctx.ignore.as_ref().map(|(_, t)| DockerIgnore::parse(t)).unwrap_or_default();
        let ignore_name =
            ctx.ignore.as_ref().and_then(|(p, _)| p.file_name()).map(|n| n.to_string_lossy().into_owned());
        let chain: Vec<usize> = stages.iter().flat_map(|&s| stage_chain(df, s)).collect();
        for s in chain {
            for idx in df.stages[s].instructions.clone() {
                let ins = &df.instructions[idx];
                if !matches!(ins.kind, Kind::Copy | Kind::Add) || ins.flag("from").is_some() {
                    continue;
                }
                for src in ins.copy_paths().0 {
                    if ins.heredoc_for(src).is_some() || seen.contains(&(idx, src.span.start)) {
                        continue;
                    }
                    let Some(text) = df.expand_at(idx, &src.text) else { continue };
                    if text.contains("://") || text.starts_with("git@") {
                        continue;
                    }
                    let rel = clean(text.trim_start_matches('/'));
                    let explicit = !rel.is_empty() && !rel.contains(['*', '?', '[']) && is_sensitive(&rel);
                    let mut files: Vec<String> = if rel.is_empty() {
                        ctx.sensitive.clone()
                    } else if explicit {
                        vec![rel.clone()]
                    } else if rel.contains(['*', '?', '[']) {
                        // A glob copies what it matches, folders with their contents.
                        let glob = DockerIgnore::parse(&rel);
                        ctx.sensitive.iter().filter(|f| glob.excludes(f)).cloned().collect()
                    } else {
                        let prefix = format!("{rel}/");
                        ctx.sensitive.iter().filter(|f| f.starts_with(&prefix)).cloned().collect()
                    };
                    // An ignored file is not in the context: an explicit COPY of it fails the build.
                    files.retain(|f| !ignore.excludes(f));
                    if files.is_empty() {
                        continue;
                    }
                    seen.push((idx, src.span.start));
                    let kw = ins.kind.name();
                    let message = if explicit {
                        format!("{kw} `{}` puts the secret file {} into the image", src.text, listed(&files))
                    } else {
                        let why = match &ignore_name {
                            Some(n) => format!("`{n}` does not exclude them"),
                            None => "no `.dockerignore` excludes them".to_string(),
                        };
                        format!(
                            "{kw} `{}` puts secret files from the build context into the image: {} ({why})",
                            src.text,
                            listed(&files)
                        )
                    };
                    out.push(
                        Diagnostic::new(&RULE, Span::new(id, src.span.clone()), message)
                            .with_label(if explicit { "secret file copied" } else { "copies secret files" })
                            .with_help(if explicit { HELP_EXPLICIT } else { HELP }),
                    );
                }
            }
        }
    }
}
