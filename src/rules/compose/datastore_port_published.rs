//! DC008 datastore-port-published: a database or cache port published on every interface.

use super::with_origin;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::ComposeCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC008",
    name: "datastore-port-published",
    family: Family::Compose,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A database or cache port (5432, 3306, 6379, 27017, 11211, 9200, 5672) published on all interfaces",
    check: Check::Compose(check),
};

/// Container ports of datastores and what usually listens there.
pub const DATASTORE_PORTS: &[(u32, &str)] = &[
    (5432, "PostgreSQL"),
    (3306, "MySQL/MariaDB"),
    (6379, "Redis"),
    (27017, "MongoDB"),
    (11211, "Memcached"),
    (9200, "Elasticsearch"),
    (5672, "RabbitMQ"),
];

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    for port in &s.ports {
        let Some((lo, hi)) = port.target_range() else { continue };
        let Some((number, what)) = DATASTORE_PORTS.iter().find(|(p, _)| (lo..=hi).contains(p)) else { continue };
        if port.on_all_interfaces() != Some(true) {
            continue;
        }
        let d = Diagnostic::new(
            &RULE,
            port.span,
            format!(
                "service `{}` publishes {what}'s port {number} on every interface of the host: anyone who can reach \
                 the host can reach the datastore",
                s.name
            ),
        )
        .with_label("published on 0.0.0.0")
        .with_help(
            "remove the mapping (services on the same Compose network reach it by name), or bind it to the \
             loopback: `\"127.0.0.1:PORT:PORT\"`",
        );
        out.push(with_origin(d, s, &port.via));
    }
}
