//! DF011 syntax-error: a Dockerfile that BuildKit refuses, at the position of each problem.
//! Silent on files with Jinja markers (cookiecutter templates are not Dockerfiles until rendered).

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::ErrorKind;
use crate::project::DockerfileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DF011",
    name: "syntax-error",
    family: Family::Dockerfile,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::NonTemplate,
    summary: "A Dockerfile that cannot be parsed (BuildKit refuses it)",
    check: Check::Dockerfile(check),
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let df = ctx.df();
    if df.template_markers {
        return;
    }
    // A frontend other than the standard one (`# syntax=docker/dockerfile:1-labs`, a custom
    // image) may know flags the standard one does not.
    let custom_frontend = df.directive("syntax").is_some_and(|d| {
        let v = d.value.trim().trim_start_matches("docker.io/");
        !v.starts_with("docker/dockerfile") || v.contains("labs")
    });
    for e in &df.errors {
        if e.kind == ErrorKind::Flag && custom_frontend {
            continue;
        }
        let label = match e.kind {
            ErrorKind::Directive => "parser directive",
            ErrorKind::UnterminatedHeredoc => "heredoc never closed",
            ErrorKind::UnknownInstruction => "unknown instruction",
            ErrorKind::MissingArgument => "argument missing",
            ErrorKind::InvalidArgument => "invalid argument",
            ErrorKind::Flag => "flag",
            ErrorKind::NoStage => "before the first FROM",
            ErrorKind::NoFrom => "no FROM",
            ErrorKind::NoInstructions => "no instructions",
        };
        out.push(
            Diagnostic::new(&RULE, ctx.span(e.span.clone()), format!("Dockerfile cannot be built: {}", e.message))
                .with_label(label)
                .with_help("`docker build --check .` shows how BuildKit reads the file"),
        );
    }
}
