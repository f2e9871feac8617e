//! DC012 syntax-error: the file is not valid YAML, or not a compose mapping, or its `include:` or
//! `extends:` go round in a circle (which Compose refuses).

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::ComposeFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC012",
    name: "syntax-error",
    family: Family::Compose,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::NonTemplate,
    summary: "A compose file is not valid YAML or not a compose mapping (Compose refuses it)",
    check: Check::ComposeFile(check),
};

fn check(ctx: &ComposeFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    // Cookiecutter/copier templates: the Jinja markers are not YAML until rendered.
    if ctx.compose.jinja {
        return;
    }
    for e in &ctx.compose.errors {
        let mut d = Diagnostic::new(&RULE, ctx.span(e.span.clone()), e.message.clone())
            .with_help("`docker compose config` shows how Compose reads the file");
        if let Some(label) = &e.label {
            d = d.with_label(label.clone());
        }
        for (span, message) in &e.related {
            d = d.with_related(ctx.span(span.clone()), message.clone());
        }
        out.push(d);
    }
    // Circular `include:`/`extends:` found while merging (Compose: "circular reference").
    for (span, message) in ctx.project.deployment.compose.cycles.iter().filter(|(s, _)| s.file == ctx.id) {
        out.push(
            Diagnostic::new(&RULE, *span, format!("{message}: Compose refuses the file"))
                .with_help("`extends` and `include` must end at a service or file that names neither"),
        );
    }
}
