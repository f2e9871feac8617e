//! DC011 resource-limits-missing: no memory limit.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::ComposeCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC011",
    name: "resource-limits-missing",
    family: Family::Compose,
    severity: Severity::Info,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A service has no memory limit (`mem_limit` or `deploy.resources.limits.memory`)",
    check: Check::Compose(check),
};

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    if s.mem_limit.is_some() || s.limits_memory.is_some() {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            s.key_span,
            format!("service `{}` has no memory limit: a leak in it can take the whole host down", s.name),
        )
        .with_label("no memory limit")
        .with_help(
            "add `deploy.resources.limits.memory: 512M` (or `mem_limit: 512m`), sized from what the service uses",
        ),
    );
}
