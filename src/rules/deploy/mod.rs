//! DEP: deployment wiring, judged on the deployment model (`model::deployment`): production
//! Compose services linked to their Dockerfile stage, env files and settings module.

pub mod dev_server_in_production;
pub mod development_settings_in_production;
pub mod env_file_reference_missing;
pub mod image_unpinned;
pub mod settings_default_development;
pub mod settings_module_not_found;

use std::path::PathBuf;

use crate::parse::compose::apps::normalize;
use crate::project::{Parsed, Project};
use crate::settings::{EnvValue, Environment};
use crate::source::Span;

/// A `DJANGO_SETTINGS_MODULE` value a production source sets (DEP001, DEP002): a production
/// service's environment (its image's `ENV`, its `env_file`s, its `environment:`), the `ENV` of
/// a production Dockerfile's shipped stage, or a production env file. `manage.py`/`wsgi.py`
/// defaults and a variable set inline in one `RUN` select nothing (RULES.md, "DEP rules").
#[derive(Debug, Clone)]
pub struct Selection {
    pub module: String,
    /// The value where it is written.
    pub span: Span,
    /// The production services that run with it (empty for an image or env file on its own).
    pub services: Vec<String>,
}

/// Every production selection of a settings module, once per place it is written.
pub fn selections(project: &Project) -> Vec<Selection> {
    let ids: std::collections::HashMap<PathBuf, usize> =
        project.files.iter().enumerate().map(|(id, f)| (normalize(&f.found.path), id)).collect();
    let mut out: Vec<Selection> = Vec::new();
    let mut add = |env: &Environment, service: Option<&str>| {
        let Some(var) = env.get("DJANGO_SETTINGS_MODULE") else { return };
        let EnvValue::Set(module) = &var.value else { return };
        let Some(origin) = &var.origin else { return };
        let Some(&file) = ids.get(&normalize(&origin.path)) else { return };
        let span = Span::new(file, origin.range.clone());
        let i = match out.iter().position(|s| s.span == span) {
            Some(i) => i,
            None => {
                out.push(Selection { module: module.trim().to_string(), span, services: Vec::new() });
                out.len() - 1
            }
        };
        if let Some(name) = service {
            if !out[i].services.iter().any(|s| s == name) {
                out[i].services.push(name.to_string());
            }
        }
    };
    let dep = &project.deployment;
    for link in &dep.services {
        add(&link.env, Some(&link.name));
    }
    for (id, f) in project.files.iter().enumerate() {
        match &f.parsed {
            Parsed::Dockerfile(m) => {
                let linked: Vec<usize> = dep.built_from(id).filter_map(|l| l.stage).collect();
                if !f.class().is_production() && linked.is_empty() {
                    continue;
                }
                let stages: Vec<usize> = if linked.is_empty() {
                    m.dockerfile.final_stage().map(|s| s.index).into_iter().collect()
                } else {
                    linked
                };
                for stage in stages {
                    let mut env = Environment::new();
                    crate::model::deployment::add_dockerfile_env(&mut env, m, stage, &f.found.path);
                    add(&env, None);
                }
            }
            Parsed::Env(parsed) if f.class().is_production() => {
                let mut env = Environment::new();
                env.add_env_file(&f.found.path, &f.source.text, parsed);
                add(&env, None);
            }
            _ => {}
        }
    }
    out
}

/// Where a selection is read, for messages: `service `web``, `services `web`, `worker``, or
/// nothing.
pub fn selected_by(sel: &Selection) -> String {
    match sel.services.as_slice() {
        [] => String::new(),
        [one] => format!(" (service `{one}`)"),
        many => format!(" (services {})", many.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")),
    }
}
