//! DC007 host-namespace-shared: `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host`.

use super::with_origin;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::ComposeCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC007",
    name: "host-namespace-shared",
    family: Family::Compose,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A service shares a host namespace (`network_mode`, `pid`, `ipc` or `userns_mode` set to host)",
    check: Check::Compose(check),
};

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    let keys = [
        (
            "network_mode",
            &s.network_mode,
            "the host's network stack: every port it opens is open on the host, and it reaches services bound to \
             the host's loopback",
            "publish the ports the service needs with `ports:` instead",
        ),
        (
            "pid",
            &s.pid,
            "the host's process table: it sees, and may signal or trace, every process of the host",
            "a monitoring agent that needs the host's processes belongs on the host, not in the application's stack",
        ),
        (
            "ipc",
            &s.ipc,
            "the host's shared memory and semaphores",
            "share memory between services with `ipc: \"service:NAME\"` or `shareable` instead",
        ),
        (
            "userns_mode",
            &s.userns_mode,
            "the host's user namespace: its root is the host's root",
            "leave user-namespace remapping on",
        ),
    ];
    for (key, value, what, instead) in keys {
        let Some(t) = value else { continue };
        if t.known().map(str::trim) != Some("host") {
            continue;
        }
        let d = Diagnostic::new(&RULE, t.span, format!("service `{}` shares {what} (`{key}: host`)", s.name))
            .with_label("host namespace")
            .with_help(format!("remove `{key}: host`; {instead}"));
        out.push(with_origin(d, s, &t.via));
    }
}
