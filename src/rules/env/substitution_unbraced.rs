//! ENV109 substitution-unbraced: a `$VAR` substitution without braces, or an unterminated `${`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV109",
    name: "substitution-unbraced",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "A `$VAR` substitution without braces, or an unterminated `${`",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    // Single-quoted values hold no substitutions: the parser records none there.
    for value in ctx.env.entries.iter().filter_map(|e| e.value.as_ref()) {
        for r in &value.refs {
            let name = &r.name;
            let d = if !r.braced {
                Diagnostic::new(
                    &RULE,
                    ctx.span(r.span.clone()),
                    format!("`${name}` has no braces: Compose substitutes it, python-dotenv keeps it as literal text"),
                )
                .with_label("unbraced substitution")
                .with_help(format!("write `${{{name}}}`, which every loader substitutes"))
            } else if !r.terminated {
                // `${` and the name: the rest of the value is not part of the reference.
                let open = r.span.start..r.span.start + 2 + name.len();
                Diagnostic::new(
                    &RULE,
                    ctx.span(open),
                    format!(
                        "`${{{name}` has no closing `}}`: python-dotenv keeps it as literal text and Compose \
                         rejects it"
                    ),
                )
                .with_label("unterminated substitution")
                .with_help(format!("close it: `${{{name}}}`"))
            } else {
                continue;
            };
            out.push(d);
        }
    }
}
