//! DEP004 env-file-in-image: a production image gets a secret file from the build context. A
//! `COPY`/`ADD` of the stage a production Dockerfile ships (or of a stage it is built `FROM`)
//! names one (`COPY .env .`), or copies a folder or glob holding one (`COPY . .`, `COPY . /app`)
//! that the ignore file does not exclude.
//!
//! The build context's sensitive files and ignore file are read in the parse stage
//! (`DockerfileModel::context`). A `COPY --from=<stage>` in what ships is followed: it carries the
//! secret files that stage copied from the context when the copied path covers where they landed
//! (`COPY . .` under `WORKDIR /app` in a builder, `COPY --from=builder /app /app` in the final
//! stage); a builder that gets `.env` passes on only what the final `COPY --from` names.

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

/// The secret files one context source of a COPY/ADD brings in, relative to the context.
struct Brought {
    /// The instruction and its source word.
    idx: usize,
    src: crate::parse::dockerfile::Word,
    files: Vec<String>,
    /// The source names a secret file itself (`COPY .env .`).
    explicit: bool,
    /// The source as written, relative to the context, cleaned (`` for `.`).
    rel: String,
}

/// Every context COPY/ADD source of `chain` that brings secret files not excluded by the ignore
/// file.
fn brought(
    df: &crate::parse::dockerfile::Dockerfile,
    chain: &[usize],
    ctx: &BuildContext,
    ignore: &DockerIgnore,
) -> Vec<Brought> {
    let mut out = Vec::new();
    for &s in chain {
        for (idx, src, text) in df.context_sources(df.stages[s].instructions.clone()) {
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
            if !files.is_empty() {
                out.push(Brought { idx, src: src.clone(), files, explicit, rel });
            }
        }
    }
    out
}

/// The WORKDIR in effect at instruction `idx` of the stages `chain` (`/` when none is set or it is
/// not known).
fn workdir_at(df: &crate::parse::dockerfile::Dockerfile, chain: &[usize], idx: usize) -> String {
    let mut dir = "/".to_string();
    for &s in chain {
        for i in df.stages[s].instructions.clone().take_while(|&i| i < idx) {
            let ins = &df.instructions[i];
            if ins.kind != Kind::Workdir {
                continue;
            }
            let crate::parse::dockerfile::Body::Text(w) = &ins.body else { continue };
            let Some(v) = df.expand_at(i, &w.text) else { return "/".into() };
            dir = if v.starts_with('/') { clean(&v) } else { clean(&format!("{dir}/{v}")) };
        }
    }
    format!("/{}", clean(&dir))
}

/// Where a brought file lands in the image: the destination (made absolute against the WORKDIR),
/// plus its path below the copied source folder (a single file copied to a file path lands there).
fn image_path(df: &crate::parse::dockerfile::Dockerfile, chain: &[usize], b: &Brought, file: &str) -> Option<String> {
    let ins = &df.instructions[b.idx];
    let dest = df.expand_at(b.idx, &ins.copy_paths().1?.text)?;
    let dest_abs =
        if dest.starts_with('/') { clean(&dest) } else { clean(&format!("{}/{dest}", workdir_at(df, chain, b.idx))) };
    let below = if b.explicit || b.rel.contains(['*', '?', '[']) {
        file.rsplit('/').next().unwrap_or(file).to_string()
    } else if b.rel.is_empty() {
        file.to_string()
    } else {
        file.strip_prefix(&format!("{}/", b.rel)).unwrap_or(file).to_string()
    };
    let into_dir = dest.ends_with('/') || dest == "." || !b.explicit;
    Some(if into_dir { format!("/{}", clean(&format!("{dest_abs}/{below}"))) } else { format!("/{dest_abs}") })
}

/// Judges the COPY/ADD of `stages` (and the stages they are built FROM) against one context, and
/// the `COPY --from` of those stages that carry what another stage copied from it.
fn judge(
    id: usize,
    m: &crate::parse::dockerfile::DockerfileModel,
    ctx: &BuildContext,
    stages: &[usize],
    seen: &mut Vec<(usize, usize)>,
    out: &mut Vec<Diagnostic>,
) {
    let df = &m.dockerfile;
    let ignore = ctx.ignore.as_ref().map(|(_, t)| DockerIgnore::parse(t)).unwrap_or_default();
    let ignore_name = ctx.ignore.as_ref().and_then(|(p, _)| p.file_name()).map(|n| n.to_string_lossy().into_owned());
    let why = match &ignore_name {
        Some(n) => format!("`{n}` does not exclude them"),
        None => "no `.dockerignore` excludes them".to_string(),
    };
    let chain: Vec<usize> = stages.iter().flat_map(|&s| stage_chain(df, s)).collect();
    for b in brought(df, &chain, ctx, &ignore) {
        if seen.contains(&(b.idx, b.src.span.start)) {
            continue;
        }
        seen.push((b.idx, b.src.span.start));
        let kw = df.instructions[b.idx].kind.name();
        let message = if b.explicit {
            format!("{kw} `{}` puts the secret file {} into the image", b.src.text, listed(&b.files))
        } else {
            format!(
                "{kw} `{}` puts secret files from the build context into the image: {} ({why})",
                b.src.text,
                listed(&b.files)
            )
        };
        out.push(
            Diagnostic::new(&RULE, Span::new(id, b.src.span.clone()), message)
                .with_label(if b.explicit { "secret file copied" } else { "copies secret files" })
                .with_help(if b.explicit { HELP_EXPLICIT } else { HELP }),
        );
    }
    // `COPY --from=<stage>` in what ships: the secret files that stage copied from the context,
    // where the copied path covers them.
    for &s in &chain {
        for link in &df.stages[s].links {
            let crate::parse::dockerfile::LinkTarget::Stage(from) = link.target else { continue };
            let ins = &df.instructions[link.instruction];
            if ins.kind != Kind::Copy || chain.contains(&from) || seen.contains(&(link.instruction, 0)) {
                continue;
            }
            let from_chain = stage_chain(df, from);
            // (where it lands in that stage, the file, the source word that copied it)
            let landed: Vec<(String, String, std::ops::Range<usize>)> = brought(df, &from_chain, ctx, &ignore)
                .iter()
                .flat_map(|b| {
                    b.files
                        .iter()
                        .filter_map(|f| Some((image_path(df, &from_chain, b, f)?, f.clone(), b.src.span.clone())))
                        .collect::<Vec<_>>()
                })
                .collect();
            for src in ins.copy_paths().0 {
                let Some(text) = df.expand_at(link.instruction, &src.text) else { continue };
                if text.contains(['*', '?', '[']) {
                    continue;
                }
                // `COPY --from` paths are relative to the source stage's root.
                let covered = format!("/{}", clean(&text));
                let carried: Vec<&(String, String, std::ops::Range<usize>)> = landed
                    .iter()
                    .filter(|(p, _, _)| covered == "/" || *p == covered || p.starts_with(&format!("{covered}/")))
                    .collect();
                if carried.is_empty() {
                    continue;
                }
                seen.push((link.instruction, 0));
                let files: Vec<String> = carried.iter().map(|(_, f, _)| f.clone()).collect();
                let stage_name = df.stages[from].name.clone().unwrap_or_else(|| format!("#{from}"));
                let mut d = Diagnostic::new(
                    &RULE,
                    Span::new(id, src.span.clone()),
                    format!(
                        "COPY --from={stage_name} `{}` carries secret files that stage copied from the build context into the image: {} ({why})",
                        src.text,
                        listed(&files)
                    ),
                )
                .with_label("carries secret files")
                .with_help(HELP);
                let mut at: Vec<std::ops::Range<usize>> = carried.iter().map(|(_, _, r)| r.clone()).collect();
                at.dedup();
                for range in at {
                    d = d.with_related(
                        Span::new(id, range),
                        format!("stage `{stage_name}` copies them from the build context here"),
                    );
                }
                out.push(d);
            }
        }
    }
}
