//! ENV002 env-duplicate-key: a key assigned twice; the later assignment wins.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV002",
    name: "env-duplicate-key",
    family: Family::Env,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::NonTemplate,
    summary: "A key assigned twice in one env file (the later assignment wins)",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &crate::parse::dotenv::EnvEntry> = HashMap::new();
    for entry in &ctx.env.entries {
        match first.get(entry.key.as_str()) {
            None => {
                first.insert(&entry.key, entry);
            }
            Some(earlier) => out.push(
                Diagnostic::new(
                    &RULE,
                    ctx.span(entry.key_span.clone()),
                    format!("`{}` is assigned again; this later value wins over line {}", entry.key, earlier.line),
                )
                .with_label("this assignment wins")
                .with_related(ctx.span(earlier.key_span.clone()), format!("`{}` first assigned here", entry.key))
                .with_help("keep one assignment and delete the other"),
            ),
        }
    }
}
