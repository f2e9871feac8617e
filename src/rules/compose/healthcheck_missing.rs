//! DC009 healthcheck-missing: no `healthcheck` (and none seen in the image), or one disabled.

use super::{image_assumption, with_origin, ImageFact};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::ComposeCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC009",
    name: "healthcheck-missing",
    family: Family::Compose,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A service has no healthcheck (and none is seen in its image), or disables it",
    check: Check::Compose(check),
};

const HELP: &str = "add a `healthcheck:` with a `test:` that checks the service answers \
                    (`test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health/\"]`)";

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    let Some(hc) = &s.healthcheck else {
        // An image built here: its Dockerfile's HEALTHCHECK covers the service.
        let built = ctx.project.deployment.built_image(ctx.project, ctx.app, s);
        if built.as_ref().is_some_and(|b| b.healthcheck) {
            return;
        }
        let assumption = match built {
            Some(b) => format!("{} has no HEALTHCHECK", b.described),
            None => image_assumption(s, ImageFact::Healthcheck),
        };
        out.push(
            Diagnostic::new(
                &RULE,
                s.key_span,
                format!("service `{}` has no `healthcheck:`, and {}", s.name, assumption),
            )
            .with_label("no `healthcheck:`")
            .with_help(HELP),
        );
        return;
    };
    if let Some(flag) = hc.disable.as_ref().filter(|f| f.value() == Some(true)) {
        let d = Diagnostic::new(
            &RULE,
            flag.text.span,
            format!("service `{}` disables its healthcheck: nothing notices when it stops answering", s.name),
        )
        .with_label("healthcheck disabled")
        .with_help(HELP);
        out.push(with_origin(d, s, &flag.text.via));
    } else if let Some(none) = &hc.test_none {
        let d = Diagnostic::new(
            &RULE,
            none.span,
            format!(
                "service `{}` disables its healthcheck (`test: NONE`): nothing notices when it stops answering",
                s.name
            ),
        )
        .with_label("healthcheck disabled")
        .with_help(HELP);
        out.push(with_origin(d, s, &none.via));
    }
}
