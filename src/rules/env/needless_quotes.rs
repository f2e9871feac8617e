//! ENV104 needless-quotes: a quoted value that reads the same without its quotes.

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dotenv::Quote;
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV104",
    name: "needless-quotes",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "A quoted value that needs no quotes",
    check: Check::EnvFile(check),
};

/// Characters that make quotes worth keeping: whitespace, an inline-comment `#`, a substitution
/// `$`, quotes and escapes, and what a shell sourcing the file treats specially.
fn needs_quotes(c: char) -> bool {
    c.is_whitespace() || "#$'\"\\`;&|<>()*?[]{}!~".contains(c)
}

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    for entry in &ctx.env.entries {
        let Some(value) = &entry.value else { continue };
        if value.quote == Quote::None || ctx.text()[value.inner.clone()].chars().any(needs_quotes) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &RULE,
                ctx.span(value.span.clone()),
                format!(
                    "the value of `{}` is quoted but needs no quotes: `docker run --env-file` would keep them \
                     as part of it",
                    entry.key
                ),
            )
            .with_label("needless quotes")
            .with_help(
                "drop the quotes; keep them only for whitespace, `#`, `$`, quotes, backslashes or shell \
                 characters",
            ),
        );
    }
}
