//! ENV105 trailing-whitespace: a line that ends with whitespace.

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dotenv::Quote;
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV105",
    name: "trailing-whitespace",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "A line that ends with whitespace",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let text = ctx.text();
    // Blanks inside a quoted value that spans lines are part of the value, not trailing.
    let quoted: Vec<_> = ctx
        .env
        .entries
        .iter()
        .filter_map(|e| e.value.as_ref())
        .filter(|v| v.quote != Quote::None)
        .map(|v| v.inner.clone())
        .collect();
    for (line, _) in super::lines(text) {
        let content = &text[line.clone()];
        let kept = content.trim_end_matches(super::is_inline_space).len();
        let blanks = line.start + kept..line.end;
        if blanks.is_empty() || quoted.iter().any(|q| q.start <= blanks.start && blanks.end <= q.end) {
            continue;
        }
        let message = if kept == 0 {
            "a line holding only whitespace: it looks blank in review but is not empty"
        } else {
            "trailing whitespace: invisible in review, and `docker run --env-file` keeps it in values"
        };
        out.push(
            Diagnostic::new(&RULE, ctx.span(blanks), message)
                .with_label("trailing whitespace")
                .with_help("delete the whitespace at the end of the line"),
        );
    }
}
