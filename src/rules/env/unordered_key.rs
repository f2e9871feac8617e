//! ENV110 unordered-key: keys not in alphabetical order within a block.
//!
//! A block is a run of entries between blank lines and comment lines. An entry whose value
//! substitutes a key of the current block must come after it: it closes the block, like a
//! blank line (dotenv-linter's rule).

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dotenv::{EnvEntry, Item};
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV110",
    name: "unordered-key",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "Keys not in alphabetical order within a block",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let mut block: Vec<&EnvEntry> = Vec::new();
    for item in &ctx.env.items {
        let entry = match item {
            Item::Blank(_) | Item::Comment(_) => {
                block.clear();
                continue;
            }
            Item::Error(_) => continue,
            Item::Entry(i) => &ctx.env.entries[*i],
        };
        let uses_block_key = entry.value.iter().flat_map(|v| &v.refs).any(|r| block.iter().any(|e| e.key == r.name));
        if uses_block_key {
            block.clear();
            continue;
        }
        // The key it should precede: the smallest earlier key of the block that sorts after it.
        let after = block.iter().filter(|e| e.key > entry.key).min_by(|a, b| a.key.cmp(&b.key));
        if let Some(after) = after {
            out.push(
                Diagnostic::new(
                    &RULE,
                    ctx.span(super::key_range(entry)),
                    format!("`{}` is out of order: it sorts before `{}` in this block", entry.key, after.key),
                )
                .with_label(format!("should go before `{}`", after.key))
                .with_related(ctx.span(super::key_range(after)), format!("`{}` is here", after.key))
                .with_help(
                    "sort the keys of each block alphabetically, or start a new block with a blank line or a comment",
                ),
            );
        }
        block.push(entry);
    }
}
