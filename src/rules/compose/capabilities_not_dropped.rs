//! DC005 capabilities-not-dropped: `cap_drop` lacks `ALL` (warning); `cap_add` of a capability
//! that amounts to root on the host (error).

use super::with_origin;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::compose::service::Text;
use crate::project::ComposeCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC005",
    name: "capabilities-not-dropped",
    family: Family::Compose,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A service keeps the default capabilities (`cap_drop` lacks ALL), or adds a dangerous one",
    check: Check::Compose(check),
};

/// Capabilities that give the container control of the host (error when added).
const DANGEROUS: &[&str] = &["ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH"];

fn cap(t: &Text) -> Option<String> {
    let c = t.known()?.trim().to_ascii_uppercase();
    Some(c.strip_prefix("CAP_").map(str::to_string).unwrap_or(c))
}

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    let unknown = s.cap_drop.iter().any(|c| c.known().is_none());
    if !unknown && !s.cap_drop.iter().any(|c| cap(c).as_deref() == Some("ALL")) {
        out.push(
            Diagnostic::new(
                &RULE,
                s.key_span,
                format!("service `{}` does not drop capabilities: it keeps Docker's default set", s.name),
            )
            .with_label("no `cap_drop: [ALL]`")
            .with_help("add `cap_drop: [ALL]`, then `cap_add:` back only what the service needs (`NET_BIND_SERVICE`)"),
        );
    }
    for added in &s.cap_add {
        let Some(c) = cap(added) else { continue };
        if !DANGEROUS.contains(&c.as_str()) {
            continue;
        }
        let what = if c == "ALL" { "every capability".to_string() } else { format!("`{c}`") };
        let mut d = Diagnostic::new(
            &RULE,
            added.span,
            format!("service `{}` adds {what}, which amounts to root on the host", s.name),
        )
        .with_label("dangerous capability")
        .with_help("remove it; if a tool in the container needs it, run that tool outside the production service");
        d.severity = Severity::Error;
        out.push(with_origin(d, s, &added.via));
    }
}
