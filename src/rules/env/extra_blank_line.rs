//! ENV106 extra-blank-line: two or more blank lines in a row.

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dotenv::Item;
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV106",
    name: "extra-blank-line",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "Two or more blank lines in a row",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    // Blank lines after the last non-blank line are ENV107's (the file's end).
    let Some(content_end) = super::content_end(ctx.env) else { return };
    let mut previous_blank = false;
    for item in &ctx.env.items {
        let Item::Blank(range) = item else {
            previous_blank = false;
            continue;
        };
        if previous_blank && range.start < content_end {
            out.push(
                Diagnostic::new(
                    &RULE,
                    ctx.span(range.clone()),
                    "extra blank line: one blank line is enough to separate groups of keys",
                )
                .with_label("extra blank line")
                .with_help("delete this line"),
            );
        }
        previous_blank = true;
    }
}
