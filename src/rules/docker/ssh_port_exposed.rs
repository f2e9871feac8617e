//! DF007 ssh-port-exposed: `EXPOSE 22` (`22/tcp`, or a range holding 22).

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::{Body, Kind};
use crate::project::DockerfileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DF007",
    name: "ssh-port-exposed",
    family: Family::Dockerfile,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::Production,
    summary: "`EXPOSE 22`: the image offers SSH",
    check: Check::Dockerfile(check),
};

/// `22`, `22/tcp`, `20-25`: whether the TCP port 22 is in it.
fn exposes_ssh(port: &str) -> bool {
    let (ports, proto) = port.split_once('/').unwrap_or((port, "tcp"));
    if !proto.eq_ignore_ascii_case("tcp") {
        return false;
    }
    let (lo, hi) = ports.split_once('-').unwrap_or((ports, ports));
    match (lo.trim().parse::<u32>(), hi.trim().parse::<u32>()) {
        (Ok(lo), Ok(hi)) => (lo..=hi).contains(&22),
        _ => false,
    }
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let df = ctx.df();
    for (idx, ins) in df.instructions.iter().enumerate() {
        if ins.kind != Kind::Expose || ins.stage.is_none() {
            continue;
        }
        let Body::List { items, .. } = &ins.body else { continue };
        for item in items {
            let Some(port) = df.expand_at(idx, &item.text) else { continue };
            if !exposes_ssh(&port) {
                continue;
            }
            let shown = if port == item.text { format!("`{port}`") } else { format!("`{}` (= `{port}`)", item.text) };
            out.push(
                Diagnostic::new(
                    &RULE,
                    ctx.span(item.span.clone()),
                    format!("EXPOSE {shown} offers SSH: a Django container needs no SSH server"),
                )
                .with_label("SSH port")
                .with_help(
                    "remove port 22 and the SSH server; use `docker exec` (or your platform's exec) to get a \
                     shell in a running container",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::exposes_ssh;

    #[test]
    fn ssh_ports() {
        for p in ["22", "22/tcp", "22/TCP", "20-25", "20-25/tcp"] {
            assert!(exposes_ssh(p), "{p}");
        }
        for p in ["2222", "8000", "22/udp", "220", "23-30", "x"] {
            assert!(!exposes_ssh(p), "{p}");
        }
    }
}
