//! DF006 sudo-in-run: `sudo` as a command word in a RUN (not as a package name:
//! `apt-get install sudo` is silent).

use super::{basename, run_commands, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::DockerfileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DF006",
    name: "sudo-in-run",
    family: Family::Dockerfile,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::Production,
    summary: "`sudo` runs a command in a RUN instruction",
    check: Check::Dockerfile(check),
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Diagnostic>) {
    for (_, ins) in runs(ctx.df()) {
        for c in run_commands(ins, ctx.text()) {
            let Some(i) = c.command() else { continue };
            if basename(c.text(i)) != "sudo" {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &RULE,
                    ctx.span(c.words[i].span.clone()),
                    "`sudo` in RUN: build steps already run as the current USER, and sudo in the image \
                     lets its user become root",
                )
                .with_label("sudo")
                .with_help(
                    "run the step as root before switching USER (`USER root` ... `USER app`), and do not \
                     install sudo in the image",
                ),
            );
        }
    }
}
