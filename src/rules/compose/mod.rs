//! DC: Compose rules. DC001–DC011 run once per service of every production compose file set
//! (after interpolation, `<<`, `extends`, `include` and override files: `parse::compose::apps`);
//! DC012 runs once per compose file.

pub mod capabilities_not_dropped;
pub mod datastore_auth_disabled;
pub mod datastore_port_published;
pub mod docker_socket_mounted;
pub mod healthcheck_missing;
pub mod host_namespace_shared;
pub mod no_new_privileges_missing;
pub mod privileged_container;
pub mod resource_limits_missing;
pub mod restart_policy_missing;
pub mod root_filesystem_writable;
pub mod service_runs_as_root;
pub mod syntax_error;

use crate::diagnostic::Diagnostic;
use crate::discover::DEVELOPMENT_TOKENS;
use crate::parse::compose::service::Service;
use crate::parse::compose::yaml::{Via, ViaKind};

/// Adds a related label for every step that brought a value into the service: the `<<` merge
/// key, the alias, the `extends`.
pub fn with_origin(mut d: Diagnostic, service: &Service, via: &[Via]) -> Diagnostic {
    for v in via {
        let message = match &v.kind {
            ViaKind::MergeKey => format!("merged into `{}` by this `<<`", service.name),
            ViaKind::Alias => "the value comes through this alias".to_string(),
            ViaKind::Extends(base) => format!("`{}` inherits it from `{base}` through this `extends`", service.name),
        };
        d = d.with_related(v.span, message);
    }
    d
}

/// What the image itself may provide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFact {
    User,
    Healthcheck,
}

/// The assumption DC002 and DC009 state while services are not linked to their Dockerfiles: the
/// image may set what the service leaves out, and Preflight cannot see it from the compose file.
/// (The deployment rules will replace this with the Dockerfile's own answer.)
pub fn image_assumption(service: &Service, fact: ImageFact) -> String {
    let what = match fact {
        ImageFact::User => "USER",
        ImageFact::Healthcheck => "HEALTHCHECK",
    };
    if let Some(build) = &service.build {
        let from = match (&build.context, &build.dockerfile) {
            (_, Some(df)) => format!("`{}`", df.shown()),
            (Some(ctx), None) => format!("the Dockerfile in `{}`", ctx.shown()),
            (None, None) => "its build context".to_string(),
        };
        return format!("the image's {what} cannot be seen from here (it is built from {from})");
    }
    match &service.image {
        Some(image) => format!("the {what} of image `{}` cannot be seen from here", image.shown()),
        None => format!("the image's {what} cannot be seen from here"),
    }
}

/// Images known to run unprivileged, or whose entrypoint drops root itself (RULES.md, DF001:
/// official postgres, redis, mysql, mariadb, mongo, rabbitmq and memcached images; `*-unprivileged`;
/// distroless `:nonroot`).
pub fn known_unprivileged_image(image: &str) -> bool {
    let image = image.split('@').next().unwrap_or(image);
    // The tag is after the last `:` that follows the last `/` (a registry may have a port).
    let (repo, tag) = match image.rfind(':') {
        Some(i) if !image[i..].contains('/') => (&image[..i], &image[i + 1..]),
        _ => (image, ""),
    };
    let name = repo.rsplit('/').next().unwrap_or(repo);
    // Docker Hub's official images: `postgres`, `library/postgres`, `docker.io/postgres`...
    let hub = ["docker.io/", "index.docker.io/", "registry-1.docker.io/"]
        .iter()
        .find_map(|p| repo.strip_prefix(p))
        .unwrap_or(repo);
    let official = hub == name || hub.strip_prefix("library/") == Some(name);
    (official && matches!(name, "postgres" | "redis" | "mysql" | "mariadb" | "mongo" | "rabbitmq" | "memcached"))
        || name.ends_with("-unprivileged")
        || (repo.contains("distroless") && tag.split(['-', '_']).any(|t| t == "nonroot"))
}

/// Services that run only under a development or debug profile (`profiles: [debug]`): not
/// started by `docker compose up`, so production rules leave them alone.
pub fn debug_only(service: &Service) -> bool {
    !service.profiles.is_empty()
        && service.profiles.iter().all(|p| {
            p.known().is_some_and(|name| {
                name.split(['-', '_', '.'])
                    .map(str::to_ascii_lowercase)
                    .any(|t| t == "debug" || DEVELOPMENT_TOKENS.contains(&t.as_str()))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unprivileged_images() {
        for i in [
            "postgres",
            "postgres:16-alpine",
            "library/redis:7",
            "docker.io/library/mysql:8",
            "docker.io/postgres:16.6",
            "nginxinc/nginx-unprivileged:1.27",
            "gcr.io/distroless/python3-debian12:nonroot",
            "gcr.io/distroless/static:debug-nonroot",
            "postgres@sha256:abcd",
        ] {
            assert!(known_unprivileged_image(i), "{i}");
        }
        for i in [
            "nginx",
            "python:3.12",
            "bitnami/postgresql",
            "myorg/postgres",
            "gcr.io/distroless/python3",
            "registry:5000/app",
        ] {
            assert!(!known_unprivileged_image(i), "{i}");
        }
    }
}
