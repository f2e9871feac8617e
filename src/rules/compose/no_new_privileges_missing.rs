//! DC004 no-new-privileges-missing: `security_opt` lacks `no-new-privileges:true`.

use super::with_origin;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::compose::service::compose_bool;
use crate::project::ComposeCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC004",
    name: "no-new-privileges-missing",
    family: Family::Compose,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A service's `security_opt` lacks `no-new-privileges:true`",
    check: Check::Compose(check),
};

const HELP: &str = "add `security_opt: [\"no-new-privileges:true\"]`";

/// `Some(true)` for `no-new-privileges`, `no-new-privileges:true` or `=true`; `Some(false)` for a
/// false value; None for another option.
fn setting(opt: &str) -> Option<bool> {
    let opt = opt.trim();
    let rest = opt.strip_prefix("no-new-privileges")?;
    match rest.chars().next() {
        None => Some(true),
        Some(':' | '=') => Some(compose_bool(&rest[1..]).unwrap_or(false)),
        Some(_) => None,
    }
}

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    // An unknown option may be the one.
    if s.security_opt.iter().any(|o| o.known().is_none()) {
        return;
    }
    let settings: Vec<_> = s.security_opt.iter().filter_map(|o| setting(&o.text).map(|v| (o, v))).collect();
    if settings.iter().any(|(_, v)| *v) {
        return;
    }
    match settings.last() {
        Some((opt, _)) => {
            let d = Diagnostic::new(
                &RULE,
                opt.span,
                format!("service `{}` turns `no-new-privileges` off: setuid binaries can raise its privileges", s.name),
            )
            .with_label("no-new-privileges off")
            .with_help(HELP);
            out.push(with_origin(d, s, &opt.via));
        }
        None => out.push(
            Diagnostic::new(
                &RULE,
                s.key_span,
                format!(
                    "service `{}` does not set `no-new-privileges:true`: setuid binaries can raise its privileges",
                    s.name
                ),
            )
            .with_label("no `no-new-privileges:true`")
            .with_help(HELP),
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn forms() {
        assert_eq!(super::setting("no-new-privileges:true"), Some(true));
        assert_eq!(super::setting("no-new-privileges=true"), Some(true));
        assert_eq!(super::setting("no-new-privileges"), Some(true));
        assert_eq!(super::setting("no-new-privileges:false"), Some(false));
        assert_eq!(super::setting("seccomp:unconfined"), None);
    }
}
