//! DC010 restart-policy-missing: no `restart:` and no `deploy.restart_policy`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::ComposeCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC010",
    name: "restart-policy-missing",
    family: Family::Compose,
    severity: Severity::Info,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A service has no restart policy (`restart:` or `deploy.restart_policy`)",
    check: Check::Compose(check),
};

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    if s.restart.is_some() || s.restart_policy.is_some() {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            s.key_span,
            format!("service `{}` has no restart policy: after a crash or a reboot it stays down", s.name),
        )
        .with_label("no `restart:`")
        .with_help("add `restart: unless-stopped` (or `deploy.restart_policy` under Swarm)"),
    );
}
