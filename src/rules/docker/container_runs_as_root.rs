//! DF001 container-runs-as-root: the final stage has no `USER`, or its last `USER` is root.

use super::{covering_services, from_span, runs_unprivileged, shipped_stage_of};
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::Base;
use crate::project::DockerfileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DF001",
    name: "container-runs-as-root",
    family: Family::Dockerfile,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::Production,
    summary: "The final stage runs as root: no `USER`, or the last `USER` is root/0",
    check: Check::Dockerfile(check),
};

const HELP: &str = "create an unprivileged user and switch to it at the end of the final stage \
                    (`RUN useradd --create-home --uid 1000 app` then `USER app`), or drop privileges \
                    at start with gosu/su-exec in the entrypoint";

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let df = ctx.df();
    let Some(stage) = shipped_stage_of(ctx) else { return };
    let services = covering_services(ctx);
    // A Compose `user:` on every production service that runs the image decides.
    if !services.is_empty() && services.iter().all(|s| s.non_root_user) {
        return;
    }
    // gosu/su-exec/... in ENTRYPOINT, CMD or the entrypoint script (`--show-files` says which).
    if ctx.model.privilege_drop(stage.index).is_some() {
        return;
    }
    let from = df.instructions[stage.from].line;
    match &stage.config.user {
        Some(user) => match &user.value {
            Some(value) => {
                let name = value.split(':').next().unwrap_or_default();
                if name != "root" && name != "0" {
                    return;
                }
                // Point at the user part of `root:root` when it is written as it reads.
                let span =
                    if user.raw == *value { user.span.start..user.span.start + name.len() } else { user.span.clone() };
                let inherited = user.origin.stage != stage.index;
                let message = if inherited {
                    let line = df.instructions[user.origin.instruction].line;
                    let from = match &df.stages[user.origin.stage].name {
                        Some(name) => format!("stage `{name}`"),
                        None => format!("stage {}", user.origin.stage),
                    };
                    format!("the final stage runs as root: it inherits `USER {}` (line {line}) from {from}", user.raw)
                } else if user.raw == *value {
                    format!("the final stage runs as root: its last USER is `{value}`")
                } else {
                    format!("the final stage runs as root: its last USER `{}` is `{value}`", user.raw)
                };
                let mut d = Diagnostic::new(&RULE, ctx.span(span), message).with_label("root").with_help(HELP);
                if inherited {
                    d = d.with_related(ctx.span(from_span(df, stage)), format!("the final stage (line {from})"));
                }
                out.push(d);
            }
            None => {
                // DJ031-style: unknown is neither a pass nor a failure.
                let mut d = Diagnostic::new(
                    &RULE,
                    ctx.span(user.span.clone()),
                    format!(
                        "the final stage's user cannot be determined: `USER {}` uses a variable with no \
                         value known here (a build argument or the base image's ENV); it runs as root if \
                         that is root or 0",
                        user.raw
                    ),
                )
                .with_label("unknown user")
                .with_help("give the ARG a non-root default, or write the user name or uid directly");
                d.severity = Severity::Info;
                out.push(d);
            }
        },
        None => {
            let base = df.root_base(stage.index);
            let base_note = match base {
                Base::Image(image) if runs_unprivileged(image, ctx.project.config()) => return,
                Base::Image(image) => format!("`{}` runs as root unless told otherwise", image.reference),
                Base::Scratch => "`scratch` has no user database: processes run as uid 0".to_string(),
                Base::Unknown | Base::Stage(_) => "the base image is assumed to run as root".to_string(),
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    ctx.span(from_span(df, stage)),
                    format!("the final stage sets no USER, so the container runs as root ({base_note})"),
                )
                .with_label("final stage: no USER")
                .with_help(HELP),
            );
        }
    }
}
