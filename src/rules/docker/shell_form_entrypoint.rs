//! DF008 shell-form-entrypoint: `CMD` or `ENTRYPOINT` in shell form. `/bin/sh -c` becomes PID 1
//! and does not pass SIGTERM on, so `docker stop` waits, then kills the app mid-request.
//!
//! Judged: the CMD and ENTRYPOINT that take effect in some stage (one overridden later in its
//! stage never runs). A shell form whose last command starts with `exec` hands PID 1 to the
//! program and is silent.

use std::collections::BTreeSet;

use super::basename;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::{split_commands, Form};
use crate::project::DockerfileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DF008",
    name: "shell-form-entrypoint",
    family: Family::Dockerfile,
    severity: Severity::Info,
    default_enabled: true,
    scope: Scope::Production,
    summary: "`CMD`/`ENTRYPOINT` in shell form: the app gets no signals",
    check: Check::Dockerfile(check),
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let df = ctx.df();
    let effective: BTreeSet<usize> =
        df.stages.iter().flat_map(|s| [s.config.entrypoint, s.config.cmd]).flatten().map(|o| o.instruction).collect();
    for idx in effective {
        let ins = &df.instructions[idx];
        let Some(cmd) = ins.command() else { continue };
        if cmd.form != Form::Shell || cmd.text.trim().is_empty() {
            continue;
        }
        let cmds = split_commands(&cmd.text);
        if cmds.last().and_then(|c| c.words.first()).is_some_and(|w| w.text == "exec") {
            continue;
        }
        let program = cmds
            .last()
            .and_then(|c| c.words.iter().find(|w| !w.text.contains('=')))
            .map(|w| basename(&w.text).to_string())
            .unwrap_or_default();
        let kw = ins.kind.name();
        let exec: Vec<String> = if cmds.len() == 1 {
            cmds[0].words.iter().map(|w| serde_json::to_string(&w.text).unwrap_or_default()).collect()
        } else {
            Vec::new()
        };
        let help = if exec.is_empty() {
            format!(
                "use the exec form (`{kw} [\"/entrypoint.sh\"]` running a script that ends in `exec \"$@\"`), \
                 or start the last command with `exec`"
            )
        } else {
            format!("use the exec form: `{kw} [{}]`", exec.join(", "))
        };
        out.push(
            Diagnostic::new(
                &RULE,
                ctx.span(cmd.span.clone()),
                format!(
                    "{kw} in shell form: `/bin/sh -c` runs as PID 1 and does not pass SIGTERM on, so \
                     `{program}` is killed instead of shutting down gracefully"
                ),
            )
            .with_label("shell form")
            .with_help(help),
        );
    }
}
