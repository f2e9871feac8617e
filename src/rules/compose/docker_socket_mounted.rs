//! DC006 docker-socket-mounted: a volume mounts the Docker socket.

use super::with_origin;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::compose::interp::HOLE;
use crate::parse::compose::service::VolumeType;
use crate::project::ComposeCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC006",
    name: "docker-socket-mounted",
    family: Family::Compose,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A service mounts the Docker socket (`/var/run/docker.sock`)",
    check: Check::Compose(check),
};

/// True for `/var/run/docker.sock`, `/run/docker.sock`, and a socket named `docker.sock` under an
/// unknown folder (`${XDG_RUNTIME_DIR}/docker.sock`, the rootless daemon's).
fn is_docker_socket(source: &str) -> bool {
    let mut path = String::with_capacity(source.len());
    for c in source.trim().chars() {
        if !(c == '/' && path.ends_with('/')) {
            path.push(c);
        }
    }
    let path = path.trim_end_matches('/');
    matches!(path, "/var/run/docker.sock" | "/run/docker.sock")
        || path.rsplit_once('/').is_some_and(|(dir, name)| name == "docker.sock" && dir.contains(HOLE))
}

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    for v in &s.volumes {
        if v.kind != VolumeType::Bind {
            continue;
        }
        let Some(source) = v.source.as_deref().filter(|src| is_docker_socket(src)) else { continue };
        let shown = source.replace(HOLE, "…");
        let ro = if v.read_only { " (read-only changes nothing: the API still answers)" } else { "" };
        let d = Diagnostic::new(
            &RULE,
            v.span,
            format!(
                "service `{}` mounts the Docker socket `{shown}`{ro}: whoever controls the container controls the \
                 Docker daemon, and so the host",
                s.name
            ),
        )
        .with_label("Docker socket")
        .with_help(
            "remove the mount; a service that must talk to Docker should go through a filtering proxy \
             (docker-socket-proxy) with only the API calls it needs",
        );
        out.push(with_origin(d, s, &v.via));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sockets() {
        for p in ["/var/run/docker.sock", "/run/docker.sock", "//var/run//docker.sock/", "\u{E000}/docker.sock"] {
            assert!(super::is_docker_socket(p), "{p}");
        }
        for p in ["/var/run/docker.sock.d", "/home/me/docker.sock", "/var/run/podman.sock", "./docker.sock"] {
            assert!(!super::is_docker_socket(p), "{p}");
        }
    }
}
