//! DF002 healthcheck-missing: the final stage has no `HEALTHCHECK`, or `HEALTHCHECK NONE`.

use super::{covering_services, from_span, shipped_stage_of};
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::Body;
use crate::project::DockerfileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DF002",
    name: "healthcheck-missing",
    family: Family::Dockerfile,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::Production,
    summary: "The final stage has no `HEALTHCHECK` (or `HEALTHCHECK NONE`)",
    check: Check::Dockerfile(check),
};

const HELP: &str = "add a HEALTHCHECK that asks the app (`HEALTHCHECK CMD [\"python\", \"-c\", \"import \
                    urllib.request as u; u.urlopen('http://localhost:8000/health/')\"]`), or a \
                    `healthcheck:` on the Compose service";

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let df = ctx.df();
    let Some(stage) = shipped_stage_of(ctx) else { return };
    let services = covering_services(ctx);
    if !services.is_empty() && services.iter().all(|s| s.healthcheck) {
        return;
    }
    match stage.config.healthcheck {
        None => out.push(
            Diagnostic::new(
                &RULE,
                ctx.span(from_span(df, stage)),
                "the final stage has no HEALTHCHECK: nothing tells Docker when the app stops answering",
            )
            .with_label("final stage: no HEALTHCHECK")
            .with_help(HELP),
        ),
        Some(origin) => {
            let ins = &df.instructions[origin.instruction];
            let Body::Healthcheck(h) = &ins.body else { return };
            if !h.none {
                return;
            }
            let mut d = Diagnostic::new(
                &RULE,
                ctx.span(h.kind.span.clone()),
                "`HEALTHCHECK NONE` turns off health checking for the final stage",
            )
            .with_label("health check disabled")
            .with_help(HELP);
            if origin.stage != stage.index {
                let line = df.instructions[stage.from].line;
                d = d.with_related(
                    ctx.span(from_span(df, stage)),
                    format!("inherited by the final stage (line {line})"),
                );
            }
            out.push(d);
        }
    }
}
