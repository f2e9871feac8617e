//! ENV107 missing-final-newline: a file that does not end with exactly one newline.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV107",
    name: "missing-final-newline",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "An env file that does not end with exactly one newline",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let text = ctx.text();
    let content = super::content_end(ctx.env);
    let start = content.unwrap_or(if ctx.env.bom { 3 } else { 0 });
    // What follows the last line with something on it: its trailing blanks and terminator, then
    // any blank lines.
    let tail = super::lines(&text[start..]);
    let Some(first_end) = tail.first().map(|(_, end)| end).filter(|end| !end.is_empty()) else {
        // No terminator after the last line (a file of blank space only needs none).
        if content.is_some() {
            out.push(missing(ctx));
        }
        return;
    };
    let extra = tail.len() - 1;
    if extra == 0 {
        return;
    }
    let lines = if extra == 1 { "a blank line".to_string() } else { format!("{extra} blank lines") };
    out.push(
        Diagnostic::new(
            &RULE,
            ctx.span(start + first_end.end..text.len()),
            format!("the file ends with {lines} after its last line: one final newline is enough"),
        )
        .with_label(if extra == 1 { "blank line at the end" } else { "blank lines at the end" })
        .with_help("delete the blank lines at the end; end the file with exactly one newline"),
    );
}

/// Points at the last character of the file: a label at the very end would not show.
fn missing(ctx: &EnvFileCtx<'_>) -> Diagnostic {
    let text = ctx.text();
    let last = text.char_indices().next_back().map_or(0, |(i, _)| i);
    Diagnostic::new(
        &RULE,
        ctx.span(last..text.len()),
        "the file does not end with a newline: a line appended to it (`echo KEY=value >> .env`) joins the last one",
    )
    .with_label("the file ends here, with no newline")
    .with_help("end the file with exactly one newline")
}
