//! ENV001 env-syntax-error: a line no dotenv loader can read.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV001",
    name: "env-syntax-error",
    family: Family::Env,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::NonTemplate,
    summary: "A line in an env file that a dotenv loader cannot parse",
    check: Check::EnvFile(check),
};

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    if super::has_jinja_markers(ctx.text()) {
        return;
    }
    for err in &ctx.env.errors {
        out.push(
            Diagnostic::new(&RULE, ctx.span(err.span.clone()), format!("cannot parse this line: {}", err.message))
                .with_label(err.message.clone())
                .with_help(
                    "write `KEY=value`; quote values with spaces (`KEY=\"two words\"`) and close every quote; \
                     python-dotenv skips this line, Compose rejects the whole file",
                ),
        );
    }
}
