//! DC001 privileged-container: `privileged: true`.

use super::with_origin;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::ComposeCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC001",
    name: "privileged-container",
    family: Family::Compose,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A service runs privileged (`privileged: true`)",
    check: Check::Compose(check),
};

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    let Some(flag) = &s.privileged else { return };
    if flag.value() != Some(true) {
        return;
    }
    let d = Diagnostic::new(
        &RULE,
        flag.text.span,
        format!(
            "service `{}` runs privileged: the container gets every capability and the host's devices, \
             so a compromise of it is a compromise of the host",
            s.name
        ),
    )
    .with_label("privileged")
    .with_help("remove `privileged: true`, and grant only the capability the service needs with `cap_add:`");
    out.push(with_origin(d, s, &flag.text.via));
}
