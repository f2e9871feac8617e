//! ENV101 leading-character: a key that starts with something other than a letter or `_`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV101",
    name: "leading-character",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "A key that starts with a character other than a letter or `_`",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    for entry in &ctx.env.entries {
        let lead = super::invalid_lead_len(&entry.key);
        if lead == 0 {
            continue;
        }
        let start = super::key_range(entry).start;
        out.push(
            Diagnostic::new(
                &RULE,
                ctx.span(start..start + lead),
                format!(
                    "`{}` starts with `{}`: a shell cannot export it and Compose cannot interpolate it",
                    entry.key,
                    &entry.key[..lead]
                ),
            )
            .with_label("not a letter or `_`")
            .with_help("rename the key so it starts with a letter or `_`, and the code that reads it too"),
        );
    }
}
