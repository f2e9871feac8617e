//! DEP007 env-file-reference-missing: a production compose `env_file:` (not `required: false`)
//! names a file that does not exist.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::Project;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DEP007",
    name: "env-file-reference-missing",
    family: Family::Deployment,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A compose `env_file:` (not optional) names a file that does not exist",
    check: Check::Project(check),
};

const HELP: &str = "create the file on the host that runs Compose, fix the path (it is relative to the \
                    compose file's folder), or mark it `required: false` if the service runs without it";

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    for link in &project.deployment.services {
        for src in link.sources.iter().filter(|s| s.missing) {
            let Some(span) = src.span else { continue };
            let path = project.files.get(span.file).and_then(|f| f.source.text.get(span.range())).unwrap_or_default();
            out.push(
                Diagnostic::new(
                    &RULE,
                    span,
                    format!(
                        "service `{}` reads env file `{}`, which does not exist: `docker compose up` stops with an error",
                        link.name,
                        path.trim_matches(['"', '\''])
                    ),
                )
                .with_label("no such file")
                .with_help(HELP),
            );
        }
    }
}
