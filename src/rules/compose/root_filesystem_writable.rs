//! DC003 root-filesystem-writable: `read_only` not true.

use super::with_origin;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::ComposeCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC003",
    name: "root-filesystem-writable",
    family: Family::Compose,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A service's root filesystem is writable (`read_only` is not true)",
    check: Check::Compose(check),
};

const HELP: &str = "set `read_only: true`, and give the paths the service writes to a `tmpfs:` or a volume";

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    match &s.read_only {
        None => out.push(
            Diagnostic::new(
                &RULE,
                s.key_span,
                format!("service `{}` has no `read_only: true`: its root filesystem is writable", s.name),
            )
            .with_label("no `read_only: true`")
            .with_help(HELP),
        ),
        Some(flag) if flag.value() == Some(false) => {
            let d = Diagnostic::new(
                &RULE,
                flag.text.span,
                format!("service `{}` sets `read_only` false: its root filesystem is writable", s.name),
            )
            .with_label("writable root filesystem")
            .with_help(HELP);
            out.push(with_origin(d, s, &flag.text.via));
        }
        Some(_) => {}
    }
}
