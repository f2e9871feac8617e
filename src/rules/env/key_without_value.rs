//! ENV108 key-without-value: a bare `KEY` line with no `=`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV108",
    name: "key-without-value",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "A bare `KEY` line with no `=` (loaders differ on it)",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    for entry in ctx.env.entries.iter().filter(|e| e.eq.is_none()) {
        out.push(
            Diagnostic::new(
                &RULE,
                ctx.span(entry.key_span.clone()),
                format!(
                    "`{}` has no `=`: python-dotenv leaves it unset, while Compose copies it from the shell \
                     that runs `docker compose`",
                    entry.key
                ),
            )
            .with_label("no `=` and no value")
            .with_help(format!("write `{0}=` for an empty value, or `{0}=value`", entry.key)),
        );
    }
}
