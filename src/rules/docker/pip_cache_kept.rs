//! DF010 pip-cache-kept: in the stages that ship, `pip install` leaves its download cache in the
//! layer: no `--no-cache-dir`, no `PIP_NO_CACHE_DIR` (ENV, ARG or inline), no cache mount, and
//! the same RUN does not remove the cache.

use super::{basename, run_commands, shipped_chain, stage_instructions, Command};
use crate::diagnostic::{Diagnostic, Severity};
use std::collections::HashMap;

use crate::parse::dockerfile::{Body, Dockerfile, Instruction, Kind, Lookup};
use crate::project::DockerfileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DF010",
    name: "pip-cache-kept",
    family: Family::Dockerfile,
    severity: Severity::Info,
    default_enabled: true,
    scope: Scope::Production,
    summary: "`pip install` without `--no-cache-dir` (or a cache mount): the cache ships in the image",
    check: Check::Dockerfile(check),
};

/// The `install` word of `pip install`, `pip3.12 install`, `python -m pip install`.
fn pip_install(c: &Command) -> Option<(usize, usize)> {
    let p = c.program()?;
    let name = basename(c.text(p));
    let is_pip =
        name == "pip" || name.strip_prefix("pip").is_some_and(|v| v.chars().all(|ch| ch.is_ascii_digit() || ch == '.'));
    let is_python = name.strip_prefix("python").is_some_and(|v| v.chars().all(|ch| ch.is_ascii_digit() || ch == '.'));
    let mut i = p + 1;
    if is_python {
        // `python -m pip`, `python3 -Im pip`.
        while let Some(w) = c.words.get(i) {
            if w.text == "-m" {
                break;
            }
            if !w.text.starts_with('-') {
                return None;
            }
            i += 1;
        }
        if c.text(i + 1) != "pip" {
            return None;
        }
        i += 2;
    } else if !is_pip {
        return None;
    }
    // Global options before the subcommand.
    while c.words.get(i).is_some_and(|w| w.text.starts_with('-')) {
        i += 1;
    }
    (c.text(i) == "install").then_some((p, i))
}

fn no_cache_flag(c: &Command) -> bool {
    c.words.iter().any(|w| {
        let t = w.text.as_str();
        t == "--no-cache-dir" || t.starts_with("--no-cache-dir=") || t == "--no-cache"
    })
}

/// A cache mount on pip's cache folder (or any `.cache` folder) keeps the cache out of the layer.
fn cache_mount(ins: &Instruction) -> bool {
    ins.flags.iter().filter(|f| f.name == "mount").any(|f| {
        let opts = f.options();
        let get = |k: &[&str]| opts.iter().find(|(n, _)| k.contains(&n.as_str())).map(|(_, v)| v.as_str());
        matches!(get(&["type"]), Some("cache" | "tmpfs"))
            && get(&["target", "dst", "destination"]).is_some_and(|t| t.contains(".cache") || t.contains("pip"))
    })
}

const NO_CACHE_VAR: &str = "PIP_NO_CACHE_DIR";

/// Whether an ENV or ARG instruction declares `PIP_NO_CACHE_DIR`.
fn declares_no_cache(ins: &Instruction) -> bool {
    match &ins.body {
        Body::Pairs(pairs) if ins.kind == Kind::Env => pairs.iter().any(|kv| kv.key.text == NO_CACHE_VAR),
        Body::Args(decls) => decls.iter().any(|d| d.name.text == NO_CACHE_VAR),
        _ => false,
    }
}

/// `PIP_NO_CACHE_DIR` with any value turns the cache off (pip reads any value as "no cache"):
/// set inline in the RUN, or by an ENV or ARG before it.
fn env_no_cache(
    df: &Dockerfile,
    idx: usize,
    ins: &Instruction,
    declared: &[usize],
    memo: &mut HashMap<(usize, Option<usize>), bool>,
) -> bool {
    if ins.assignments.iter().any(|a| a.name == NO_CACHE_VAR && !a.value.is_empty()) {
        return true;
    }
    // The value only changes at a declaration (or, for an ARG, at a stage boundary): evaluate
    // once per declaration and stage, not once per RUN.
    let Some(&last) = declared.iter().take_while(|&&d| d < idx).last() else { return false };
    *memo
        .entry((last, ins.stage))
        .or_insert_with(|| matches!(df.scope_at(idx).lookup(NO_CACHE_VAR), Lookup::Set(v) if !v.is_empty()))
}

/// The RUN deletes pip's cache (`rm -rf /root/.cache/pip`, `pip cache purge`).
fn cache_removed(cmds: &[Command]) -> bool {
    cmds.iter().any(|c| {
        let Some(p) = c.program() else { return false };
        match basename(c.text(p)) {
            "rm" => c.words[p + 1..]
                .iter()
                .any(|w| w.text.contains(".cache/pip") || w.text.trim_end_matches('/').ends_with("/.cache")),
            n if n.starts_with("pip") => c.text(p + 1) == "cache" && matches!(c.text(p + 2), "purge" | "remove"),
            _ => false,
        }
    })
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let df = ctx.df();
    let chain = shipped_chain(df);
    let declared: Vec<usize> =
        stage_instructions(df, &chain).filter(|(_, ins)| declares_no_cache(ins)).map(|(i, _)| i).collect();
    let mut memo = HashMap::new();
    for (idx, ins) in stage_instructions(df, &chain) {
        if ins.kind != Kind::Run {
            continue;
        }
        let cmds = run_commands(ins, ctx.text());
        let installs: Vec<(&Command, usize, usize)> =
            cmds.iter().filter_map(|c| pip_install(c).map(|(p, i)| (c, p, i))).collect();
        if installs.is_empty()
            || cache_mount(ins)
            || env_no_cache(df, idx, ins, &declared, &mut memo)
            || cache_removed(&cmds)
        {
            continue;
        }
        for (c, p, i) in installs {
            if no_cache_flag(c) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &RULE,
                    ctx.span(c.words_span(p, i)),
                    "`pip install` without `--no-cache-dir`: pip's download cache stays in the image layer",
                )
                .with_label("cache kept")
                .with_help(
                    "add `--no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or use a BuildKit cache mount \
                     (`RUN --mount=type=cache,target=/root/.cache/pip pip install ...`)",
                ),
            );
        }
    }
}
