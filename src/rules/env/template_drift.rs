//! ENV004 env-template-drift: a production env file and its template (`.env.example`) list
//! different keys.

use std::collections::HashSet;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::{self, Environment, Kind};
use crate::parse::dotenv::{EnvFile, Item};
use crate::project::{EnvFileCtx, ProjectFile};
use crate::registry::{Check, Family, Rule, Scope};
use crate::source::{FileId, Span};

pub const RULE: Rule = Rule {
    code: "ENV004",
    name: "env-template-drift",
    family: Family::Env,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::Production,
    summary: "A key in a production env file missing from its template (`.env.example`), or the reverse",
    check: Check::EnvFile(check),
};

use crate::discover::{DEVELOPMENT_TOKENS, TEMPLATE_TOKENS};

/// An env file of one folder, with what pairing needs.
struct Member<'a> {
    id: FileId,
    file: &'a ProjectFile,
    env: &'a EnvFile,
    /// The file name's tokens, sorted, template tokens removed (`.env.prod.example` → `env prod`).
    stem: Vec<String>,
}

impl Member<'_> {
    fn name(&self) -> String {
        self.file.found.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    fn env_class(&self) -> Environment {
        self.file.class().env
    }
}

fn stem(path: &Path) -> Vec<String> {
    let name = path.file_name().map(Path::new).unwrap_or(path);
    let mut toks: Vec<String> =
        discover::tokens(name).into_iter().filter(|t| !TEMPLATE_TOKENS.contains(&t.as_str())).collect();
    toks.sort();
    toks
}

/// Whether two files sit in the same folder, a leading `./` ignored (`./.env` and `.env` share
/// one). A byte comparison: it runs for every pair of env files.
fn same_folder(a: &Path, b: &Path) -> bool {
    fn dir(p: &Path) -> &[u8] {
        // The bytes before the last separator (`Path::parent` re-parses components: too slow here).
        let all = p.as_os_str().as_encoded_bytes();
        let mut bytes = all.iter().rposition(|&c| std::path::is_separator(c as char)).map_or(&all[..0], |i| &all[..i]);
        while let Some(rest) = bytes.strip_prefix(b"./") {
            bytes = rest;
        }
        if bytes == b"." {
            &[]
        } else {
            bytes
        }
    }
    dir(a) == dir(b)
}

/// Runs per env file (so the pipeline parses env files whenever this rule is on); a production
/// file looks for templates among the env files of its own folder.
fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    if !ctx.class().is_production() || ctx.file.kind() != Kind::EnvFile {
        return;
    }
    let here = &ctx.file.found.path;
    let members: Vec<Member<'_>> = ctx
        .project
        .env_files()
        .filter(|(_, f, _)| f.kind() == Kind::EnvFile && same_folder(&f.found.path, here))
        .map(|(id, file, env)| Member { id, file, env, stem: stem(&file.found.path) })
        .collect();
    let templates: Vec<&Member<'_>> = members.iter().filter(|m| m.env_class() == Environment::Template).collect();
    let Some(prod) = members.iter().find(|m| m.id == ctx.id) else { return };
    let paired = pair(prod, &members, &templates);
    if !paired.is_empty() {
        compare(prod, &paired, out);
    }
}

/// The templates a production file is compared with (the doc's "Pairing" section):
/// 1. the templates named after it (`.env.prod.example` for `.env.prod`);
/// 2. else the generic ones (`.env.example`, `env.sample`, `.env.dist`);
/// 3. else every template of the folder that is neither named after another env file there nor
///    named for development (`.env.dev.example`), as one union.
fn pair<'a>(prod: &Member<'_>, members: &[Member<'_>], templates: &[&'a Member<'a>]) -> Vec<&'a Member<'a>> {
    let exact: Vec<_> = templates.iter().copied().filter(|t| t.stem == prod.stem).collect();
    if !exact.is_empty() {
        return exact;
    }
    let generic: Vec<_> = templates.iter().copied().filter(|t| t.stem.iter().all(|w| w == "env")).collect();
    if !generic.is_empty() {
        return generic;
    }
    templates
        .iter()
        .copied()
        .filter(|t| !t.stem.iter().any(|w| DEVELOPMENT_TOKENS.contains(&w.as_str())))
        .filter(|t| {
            !members.iter().any(|m| m.id != prod.id && m.env_class() != Environment::Template && m.stem == t.stem)
        })
        .collect()
}

/// Keys a file lists: its assignments (bare `KEY` included), in order, first occurrence kept.
fn keys(env: &EnvFile) -> Vec<(&str, std::ops::Range<usize>)> {
    let mut seen = HashSet::new();
    env.entries.iter().filter(|e| seen.insert(e.key.as_str())).map(|e| (e.key.as_str(), e.key_span.clone())).collect()
}

/// Keys of commented-out assignments (`# SENTRY_DSN=`): documented, deliberately unset.
fn commented_keys<'t>(env: &EnvFile, text: &'t str) -> HashSet<&'t str> {
    env.items
        .iter()
        .filter_map(|item| match item {
            Item::Comment(r) => text.get(r.clone()),
            _ => None,
        })
        .filter_map(|c| {
            let body = c.trim_start_matches('#').trim_start();
            let body = body.strip_prefix("export ").map_or(body, str::trim_start);
            let (key, _) = body.split_once('=')?;
            let valid = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            valid.then_some(key)
        })
        .collect()
}

fn quoted_names(templates: &[&Member<'_>]) -> String {
    let names: Vec<String> = templates.iter().map(|t| format!("`{}`", t.name())).collect();
    match names.len() {
        1 => format!("its template {}", names[0]),
        _ => format!("its templates {}", names.join(", ")),
    }
}

fn compare(prod: &Member<'_>, templates: &[&Member<'_>], out: &mut Vec<Diagnostic>) {
    let prod_keys = keys(prod.env);
    let prod_listed: HashSet<&str> = prod_keys.iter().map(|(k, _)| *k).collect();
    let prod_commented = commented_keys(prod.env, &prod.file.source.text);
    let mut template_listed: HashSet<&str> = HashSet::new();
    let mut template_commented: HashSet<&str> = HashSet::new();
    for t in templates {
        template_listed.extend(keys(t.env).into_iter().map(|(k, _)| k));
        template_commented.extend(commented_keys(t.env, &t.file.source.text));
    }
    let described = quoted_names(templates);

    for (key, span) in &prod_keys {
        if !template_listed.contains(key) && !template_commented.contains(key) {
            let first = templates[0].name();
            out.push(
                Diagnostic::new(
                    &RULE,
                    Span::new(prod.id, span.clone()),
                    format!(
                        "`{key}` is missing from {described}: whoever deploys from the template will not \
                         know to set it"
                    ),
                )
                .with_label(format!("not in `{first}`"))
                .with_help(format!(
                    "add `{key}=` with a placeholder value to `{first}`, or remove it here if nothing reads it"
                )),
            );
        }
    }

    let mut reported = HashSet::new();
    for t in templates {
        for (key, span) in keys(t.env) {
            if prod_listed.contains(key) || prod_commented.contains(key) || !reported.insert(key) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &RULE,
                    Span::new(prod.id, 0..0),
                    format!(
                        "`{key}` from the template `{}` is missing from this production file: the deployment \
                         runs without a variable the template says it needs",
                        t.name()
                    ),
                )
                .with_label(format!("no `{key}` in this file"))
                .with_related(Span::new(t.id, span), format!("`{key}` listed in the template here"))
                .with_help(format!(
                    "add `{key}` with its production value, or remove it from `{}` if production no longer \
                     needs it",
                    t.name()
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_drop_template_tokens() {
        assert_eq!(stem(Path::new("deploy/.env.prod.example")), ["env", "prod"]);
        assert_eq!(stem(Path::new(".env.prod-sample")), ["env", "prod"]);
        assert_eq!(stem(Path::new("prod.env.dist")), ["env", "prod"]);
        assert_eq!(stem(Path::new(".envs/.production/.django.example")), ["django"]);
        assert_eq!(stem(Path::new("env.example")), ["env"]);
    }
}
