//! ENV102 lowercase-key: a key with lower-case letters.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV102",
    name: "lowercase-key",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "A key with lower-case letters",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    for entry in &ctx.env.entries {
        if !entry.key.chars().any(char::is_lowercase) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &RULE,
                ctx.span(super::key_range(entry)),
                format!(
                    "`{}` has lower-case letters: names are case-sensitive, so code that reads `{}` does not find it",
                    entry.key,
                    entry.key.to_uppercase()
                ),
            )
            .with_label("lower-case letters")
            .with_help(format!("write the key in upper case: `{}`", entry.key.to_uppercase())),
        );
    }
}
