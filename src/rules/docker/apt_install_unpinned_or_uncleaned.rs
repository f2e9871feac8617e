//! DF009 apt-install-unpinned-or-uncleaned: in the stages that ship, `apt-get install` without
//! `-y` or `--no-install-recommends`, or package lists that `apt-get update` fetched and the same
//! RUN does not remove. One diagnostic per command says everything wrong with it.

use super::{basename, run_commands, shipped_chain, stage_instructions, Command};
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::{Instruction, Kind};
use crate::project::DockerfileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DF009",
    name: "apt-install-unpinned-or-uncleaned",
    family: Family::Dockerfile,
    severity: Severity::Info,
    default_enabled: true,
    scope: Scope::Production,
    summary: "`apt-get install` without `-y`/`--no-install-recommends`, or package lists left in the layer",
    check: Check::Dockerfile(check),
};

const LISTS_KEPT: &str =
    "the package lists `apt-get update` fetches stay in the layer: this RUN does not remove /var/lib/apt/lists";

/// What an apt-get command line says.
#[derive(Debug, Default, PartialEq, Eq)]
struct AptCall {
    /// Index of the subcommand word.
    sub: Option<usize>,
    yes: bool,
    no_recommends: bool,
}

/// Reads `apt-get [options] subcommand [options] packages` from the program word `p`.
fn apt_call(c: &Command, p: usize) -> AptCall {
    let mut call = AptCall::default();
    let mut i = p + 1;
    while let Some(w) = c.words.get(i) {
        let t = w.text.as_str();
        i += 1;
        let option_value = |v: &str, call: &mut AptCall| {
            let (k, v) = v.split_once('=').unwrap_or((v, ""));
            let on = matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes");
            let off = matches!(v.to_ascii_lowercase().as_str(), "0" | "false" | "no");
            if k.eq_ignore_ascii_case("APT::Get::Assume-Yes") && on {
                call.yes = true;
            }
            if k.eq_ignore_ascii_case("APT::Install-Recommends") && off {
                call.no_recommends = true;
            }
        };
        match t {
            "-y" | "--yes" | "--assume-yes" | "--force-yes" => call.yes = true,
            "--no-install-recommends" => call.no_recommends = true,
            "-q=2" | "--quiet=2" => call.yes = true,
            "-o" | "--option" => {
                if let Some(v) = c.words.get(i) {
                    option_value(&v.text, &mut call);
                }
                i += 1;
            }
            "-c" | "-t" | "--config-file" | "--target-release" | "-a" | "--host-architecture" => i += 1,
            _ if t.starts_with("--option=") => option_value(&t["--option=".len()..], &mut call),
            _ if t.starts_with("-o") && !t.starts_with("--") => option_value(&t[2..], &mut call),
            _ if t.starts_with('-') && !t.starts_with("--") => {
                // Short option clusters: `-yq`, `-qqy`. `-qq` implies `-y` (apt-get(8)).
                if t.contains('y') || t.matches('q').count() >= 2 {
                    call.yes = true;
                }
            }
            _ if t.starts_with('-') => {}
            _ => {
                if call.sub.is_none() {
                    call.sub = Some(i - 1);
                }
            }
        }
    }
    call
}

fn is_apt(c: &Command) -> Option<usize> {
    let p = c.program()?;
    matches!(basename(c.text(p)), "apt-get" | "apt").then_some(p)
}

/// The RUN removes the package lists, or keeps them out of the layer with a cache mount.
fn lists_removed(ins: &Instruction, cmds: &[Command]) -> bool {
    let mounted = ins.flags.iter().filter(|f| f.name == "mount").any(|f| {
        let opts = f.options();
        let get = |k: &[&str]| opts.iter().find(|(n, _)| k.contains(&n.as_str())).map(|(_, v)| v.as_str());
        matches!(get(&["type"]), Some("cache" | "tmpfs"))
            && get(&["target", "dst", "destination"]).is_some_and(|t| {
                let t = t.trim_end_matches('/');
                t == "/var/lib/apt" || t == "/var/lib/apt/lists"
            })
    });
    mounted
        || cmds.iter().any(|c| {
            let Some(p) = c.program() else { return false };
            match basename(c.text(p)) {
                "rm" => c.words[p + 1..].iter().any(|w| w.text.starts_with("/var/lib/apt/lists")),
                "apt-get" | "apt" => {
                    apt_call(c, p).sub.is_some_and(|s| matches!(c.text(s), "distclean" | "dist-clean"))
                }
                _ => false,
            }
        })
}

/// An earlier RUN turned recommends off for every later install (`APT::Install-Recommends "0";`
/// written to apt.conf.d).
fn recommends_off(ins: &Instruction, text: &str) -> bool {
    let says =
        |s: &str| s.contains("Install-Recommends") && (s.contains("false") || s.contains("\"0\"") || s.contains("'0'"));
    says(ins.text()) || ins.heredocs.iter().any(|h| says(text.get(h.body.clone()).unwrap_or("")))
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let df = ctx.df();
    let chain = shipped_chain(df);
    let mut global_no_recommends = false;
    for (_, ins) in stage_instructions(df, &chain) {
        if ins.kind != Kind::Run {
            continue;
        }
        let cmds = run_commands(ins, ctx.text());
        let apt: Vec<(&Command, usize, AptCall)> =
            cmds.iter().filter_map(|c| is_apt(c).map(|p| (c, p, apt_call(c, p)))).collect();
        let sub = |(c, _, call): &(&Command, usize, AptCall)| call.sub.map_or("", |s| c.text(s)).to_string();
        let update = apt.iter().find(|a| sub(a) == "update");
        let kept = update.is_some() && !lists_removed(ins, &cmds);
        let mut reported_lists = false;
        for a in apt.iter().filter(|a| sub(a) == "install") {
            let (c, p, call) = a;
            let mut missing = Vec::new();
            if !call.yes {
                missing.push("`-y`");
            }
            if !call.no_recommends && !global_no_recommends {
                missing.push("`--no-install-recommends`");
            }
            if missing.is_empty() && !kept {
                continue;
            }
            let tool = basename(c.text(*p));
            let mut parts = Vec::new();
            if !missing.is_empty() {
                parts.push(format!("`{tool} install` without {}", missing.join(" and ")));
            }
            if kept {
                parts.push(LISTS_KEPT.to_string());
                reported_lists = true;
            }
            let span = c.words_span(*p, call.sub.unwrap_or(*p));
            out.push(
                Diagnostic::new(&RULE, ctx.span(span), parts.join("; "))
                    .with_label(if missing.is_empty() { "lists kept" } else { "missing flags" })
                    .with_help(
                        "write `apt-get update && apt-get install -y --no-install-recommends <packages> \
                         && rm -rf /var/lib/apt/lists/*` in one RUN",
                    ),
            );
        }
        if let (Some((c, p, call)), true, false) = (update, kept, reported_lists) {
            out.push(
                Diagnostic::new(&RULE, ctx.span(c.words_span(*p, call.sub.unwrap_or(*p))), LISTS_KEPT)
                    .with_label("lists kept")
                    .with_help("update, install and `rm -rf /var/lib/apt/lists/*` in the same RUN"),
            );
        }
        global_no_recommends |= recommends_off(ins, ctx.text());
    }
}
