//! DC002 service-runs-as-root: no `user:` (or `user: root`/`0`), and nothing shows the image
//! runs as another user.

use super::{image_assumption, known_unprivileged_image, with_origin, ImageFact};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::ComposeCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DC002",
    name: "service-runs-as-root",
    family: Family::Compose,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A service runs as root: no `user:` (or `user: root`) and the image sets no other user",
    check: Check::Compose(check),
};

fn check(ctx: &ComposeCtx<'_>, out: &mut Vec<Diagnostic>) {
    let s = ctx.service;
    let help =
        "set `user:` to an unprivileged uid:gid (`user: \"1000:1000\"`), or switch to a non-root `USER` in the image";
    match &s.user {
        Some(user) => {
            let Some(value) = user.known() else { return };
            let name = value.split(':').next().unwrap_or_default().trim();
            if name == "root" || name == "0" {
                let d =
                    Diagnostic::new(&RULE, user.span, format!("service `{}` runs as root (`user: {value}`)", s.name))
                        .with_label("root")
                        .with_help(help);
                out.push(with_origin(d, s, &user.via));
            }
        }
        None => {
            if s.build.is_none() && s.image.as_ref().and_then(|i| i.known()).is_some_and(known_unprivileged_image) {
                return;
            }
            // An image built here: its Dockerfile's USER (or privilege drop) decides.
            let built = ctx.project.deployment.built_image(ctx.project, ctx.app, s);
            if built.as_ref().is_some_and(|b| b.non_root) {
                return;
            }
            if let Some(b) = built {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        s.key_span,
                        format!(
                            "service `{}` sets no `user:`, and {} switches to no non-root USER: it runs as root",
                            s.name, b.described
                        ),
                    )
                    .with_label("no `user:`")
                    .with_help(help),
                );
                return;
            }
            out.push(
                Diagnostic::new(
                    &RULE,
                    s.key_span,
                    format!(
                        "service `{}` sets no `user:`, and {}: it runs as root unless the image switches user",
                        s.name,
                        image_assumption(s, ImageFact::User)
                    ),
                )
                .with_label("no `user:`")
                .with_help(help),
            );
        }
    }
}
