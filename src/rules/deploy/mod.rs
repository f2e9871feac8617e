//! DEP: deployment wiring, judged on the deployment model (`model::deployment`): production
//! Compose services linked to their Dockerfile stage, env files and settings module.

pub mod app_server_workers_default;
pub mod commands;
pub mod dev_server_in_production;
pub mod development_settings_in_production;
pub mod dockerignore;
pub mod env_file_in_image;
pub mod env_file_reference_missing;
pub mod image_unpinned;
pub mod required_env_var_missing;
pub mod runtime_version_outdated;
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
                    crate::model::deployment::add_dockerfile_env(&mut env, m, stage, f);
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

/// A range of a compose string's text mapped into the file: exact when the scalar is written
/// plainly or quoted without escapes, else the whole scalar.
pub fn text_range(src: &str, span: Span, text: &str, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let written = src.get(span.range()).unwrap_or("");
    if written == text {
        span.start + r.start..span.start + r.end
    } else if written.len() == text.len() + 2 && written[1..written.len() - 1] == *text && !written.contains('\\') {
        span.start + 1 + r.start..span.start + 1 + r.end
    } else {
        span.range()
    }
}

/// The production Compose services that run an image as it is (a service with `build:` names
/// the image its build makes), with the `image:` value and its text, when known.
pub fn prebuilt_images(
    project: &Project,
) -> impl Iterator<Item = (&crate::parse::compose::Service, &crate::parse::compose::service::Text, &str)> {
    let dep = &project.deployment;
    dep.services.iter().filter_map(move |link| {
        let s = dep.service(link)?;
        if s.build.is_some() {
            return None;
        }
        let image = s.image.as_ref()?;
        Some((s, image, image.known()?))
    })
}

/// An image reference split at its tag, the text after the last `:` that follows the last `/`
/// (a registry may have a port): `("registry:5000/app", Some("1.2"))`.
pub fn split_tag(reference: &str) -> (&str, Option<&str>) {
    match reference.rfind(':') {
        Some(i) if !reference[i..].contains('/') => (&reference[..i], Some(&reference[i + 1..])),
        _ => (reference, None),
    }
}

/// A Dockerfile whose image production runs: a production-named one, or one a production service
/// builds, with the stages that run (the stage each such service builds, else the final stage).
pub struct Shipped<'a> {
    pub id: crate::source::FileId,
    pub file: &'a crate::project::ProjectFile,
    pub model: &'a crate::parse::dockerfile::DockerfileModel,
    /// The production services built from it (empty when only its name makes it production).
    pub links: Vec<&'a crate::model::deployment::ServiceLink>,
    pub stages: Vec<usize>,
}

pub fn shipped_dockerfiles(project: &Project) -> Vec<Shipped<'_>> {
    let dep = &project.deployment;
    let mut out = Vec::new();
    for (id, file) in project.files.iter().enumerate() {
        let Parsed::Dockerfile(model) = &file.parsed else { continue };
        let links: Vec<_> = dep.built_from(id).collect();
        if !file.class().is_production() && links.is_empty() {
            continue;
        }
        let mut stages: Vec<usize> = links.iter().filter_map(|l| l.stage).collect();
        if links.is_empty() {
            stages.extend(model.dockerfile.final_stage().map(|s| s.index));
        }
        out.push(Shipped { id, file, model, links, stages });
    }
    out
}
