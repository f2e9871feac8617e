//! ENV111 unquoted-value-with-spaces: a value holding whitespace, without quotes.

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dotenv::Quote;
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV111",
    name: "unquoted-value-with-spaces",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "A value with whitespace that is not quoted",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    for entry in &ctx.env.entries {
        let Some(value) = &entry.value else { continue };
        if value.quote != Quote::None || !value.value.contains(char::is_whitespace) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &RULE,
                ctx.span(value.span.clone()),
                format!(
                    "the value of `{}` holds whitespace but no quotes: a shell that sources this file runs its \
                     second word as a command and leaves the key unset",
                    entry.key
                ),
            )
            .with_label("unquoted value with whitespace")
            .with_help("quote the value: `KEY=\"two words\"` (single quotes when it holds `\"` or `$`)"),
        );
    }
}
