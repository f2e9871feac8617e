//! ENV103 space-around-equals: whitespace before or after the `=` of a `KEY=value` line.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV103",
    name: "space-around-equals",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "Whitespace before or after the `=` of a `KEY=value` line",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    for entry in &ctx.env.entries {
        let (Some(eq), Some(value)) = (&entry.eq, &entry.value) else { continue };
        let before = entry.key_span.end..eq.start;
        // Blanks after `=` with nothing behind them but a comment or the line end are trailing
        // whitespace (ENV105) or the gap before an inline comment, not a spaced-out value.
        let after = eq.end..if value.span.is_empty() { eq.end } else { value.span.start };
        let (span, place) = match (before.is_empty(), after.is_empty()) {
            (true, true) => continue,
            (false, true) => (before, "before"),
            (true, false) => (after, "after"),
            (false, false) => (before.start..after.end, "around"),
        };
        out.push(
            Diagnostic::new(
                &RULE,
                ctx.span(span),
                format!(
                    "whitespace {place} the `=` of `{}`: a shell that sources this file runs a command instead \
                     of assigning the value",
                    entry.key
                ),
            )
            .with_label(format!("whitespace {place} `=`"))
            .with_help(format!("write `{}=value` with nothing between the key, `=` and the value", entry.key)),
        );
    }
}
