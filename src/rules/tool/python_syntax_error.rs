//! PF002 python-syntax-error: a settings module has a syntax error. The rest of the module is
//! still evaluated, and the other files still linted.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Loc, SrcId};

pub const RULE: Rule = Rule {
    code: "PF002",
    name: "python-syntax-error",
    family: Family::Tool,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::Everywhere,
    summary: "A settings module that Python cannot parse (the rest is still evaluated)",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    for (i, source) in ctx.eval().sources.iter().enumerate() {
        // Cookiecutter/copier templates hold Jinja, which is not Python until rendered.
        let jinja = source.text.as_deref().is_some_and(crate::rules::env::has_jinja_markers);
        if jinja {
            continue;
        }
        for err in &source.syntax_errors {
            let Some(span) = ctx.span(Loc::new(SrcId(i as u32), err.range.clone())) else { continue };
            out.push(
                Diagnostic::new(&RULE, span, format!("syntax error: {}", err.message))
                    .with_label(if err.missing { "something is missing here" } else { "Python cannot parse this" })
                    .with_help(
                        "fix the syntax: Django cannot import this module, so the deployment fails at start; \
                         Preflight evaluated the statements around it",
                    ),
            );
        }
    }
}
