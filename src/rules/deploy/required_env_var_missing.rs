//! DEP003 required-env-var-missing: production settings read an environment variable with no
//! default (`os.environ["X"]`, `env("X")`, `config("X")`), and the production environment they
//! are evaluated under does not provide it, so the container fails at start.
//!
//! Fires only when that environment is closed (`ServiceLink::closed`): every production service
//! evaluated with it is built here and takes its variables only from sources Preflight reads (the
//! image's `ENV`, its `env_file`s, `environment:` with values). Otherwise unknown is not missing.
//! An empty value counts as provided (ENV003 judges it), and so does a variable the image's
//! readable entrypoint script exports.

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::split_commands;
use crate::project::{Parsed, SettingsCtx};
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Loc, StepKind, Value};

pub const RULE: Rule = Rule {
    code: "DEP003",
    name: "required-env-var-missing",
    family: Family::Deployment,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "Production settings read an env var with no default that the production environment does not set",
    check: Check::Settings(check),
};

/// The marker the evaluator writes in the reason of a required read no source satisfies.
const MISSING: &str = ", which no production source sets, with no default";

/// The variable a missing required read names, from the evaluator's reason
/// (`reads X, which no production source sets, with no default (...)`).
fn missing_var(reason: &str) -> Option<&str> {
    let i = reason.find(MISSING)?;
    let head = &reason[..i];
    let start = head.rfind("reads ")? + "reads ".len();
    Some(&head[start..])
}

/// The required reads of a value and of what it holds: (variable, where it is read).
fn collect(v: &Value, depth: usize, out: &mut Vec<(String, Option<Loc>)>) {
    if depth > 8 {
        return;
    }
    if let Some(var) = v.unknown_reason().and_then(missing_var) {
        let at = v.steps.to_vec().into_iter().rev().find_map(|s| match s.kind {
            StepKind::EnvRead { var: ref r } if r == var => Some(s.at),
            _ => None,
        });
        out.push((var.to_string(), at.flatten()));
    }
    if let Some(items) = v.as_seq() {
        for i in items {
            collect(i, depth + 1, out);
        }
    }
    if let Some(d) = v.as_dict() {
        for (_, i) in d.iter() {
            collect(i, depth + 1, out);
        }
    }
}

/// The variables a shell script exports (`export A=1 B`, `export A`).
pub fn exported(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    for c in split_commands(script) {
        let words: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
        if words.first() != Some(&"export") {
            continue;
        }
        for w in &words[1..] {
            if w.starts_with('-') {
                continue;
            }
            let name = w.split('=').next().unwrap_or_default();
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.push(name.to_string());
            }
        }
    }
    out
}

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    if model.services.is_empty() {
        return;
    }
    let dep = &ctx.project.deployment;
    let links: Vec<_> = dep.services.iter().filter(|l| l.django && model.services.contains(&l.name)).collect();
    if links.is_empty() || !links.iter().all(|l| l.closed) {
        return;
    }
    // What the images' entrypoint scripts export.
    let mut exports: HashSet<String> = HashSet::new();
    for l in &links {
        let (Some(id), Some(stage)) = (l.dockerfile, l.stage) else { continue };
        if let Some(Parsed::Dockerfile(m)) = ctx.project.files.get(id).map(|f| &f.parsed) {
            for s in crate::parse::dockerfile::stage_chain(&m.dockerfile, stage) {
                for script in m.scripts_of(s) {
                    exports.extend(exported(&script.text));
                }
            }
        }
    }
    let mut reads: Vec<(String, Option<Loc>)> = Vec::new();
    for (_, v) in &model.eval.values {
        collect(v, 0, &mut reads);
    }
    let mut seen: Vec<(String, Option<Loc>)> = Vec::new();
    for (var, at) in reads {
        if exports.contains(&var) || seen.contains(&(var.clone(), at)) {
            continue;
        }
        seen.push((var.clone(), at));
        let Some(span) = at.and_then(|loc| ctx.span(loc)) else { continue };
        let names = links.iter().map(|l| format!("`{}`", l.name)).collect::<Vec<_>>().join(", ");
        let mut d = Diagnostic::new(
            &RULE,
            span,
            format!(
                "the settings require env var `{var}` (no default), and the production environment of {} {names} \
                 does not set it: the container fails at start",
                if links.len() == 1 { "service" } else { "services" }
            ),
        )
        .with_label(format!("`{var}` is required here"))
        .with_help(format!(
            "set `{var}` in the service's `env_file` or `environment:`, or give the read a default if one is safe"
        ));
        for l in &links {
            if let Some(s) = dep.service(l) {
                d = d.with_related(s.key_span, format!("service `{}` runs without `{var}`", l.name));
            }
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::{exported, missing_var};

    #[test]
    fn reasons_and_exports() {
        assert_eq!(
            missing_var(
                "reads DB_URL, which no production source sets, with no default (`os.environ[...]` raises KeyError)"
            ),
            Some("DB_URL")
        );
        assert_eq!(missing_var("reads X, which is unknown"), None);
        let script = "#!/bin/sh\nset -e\nexport DATABASE_URL=\"postgres://$U@db/x\"\nexport -n A B=1\necho export C\n";
        assert_eq!(exported(script), ["DATABASE_URL", "A", "B"]);
    }
}
