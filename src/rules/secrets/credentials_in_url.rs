//! SEC004 credentials-in-url: `scheme://user:password@host` with a literal password (a
//! `DATABASE_URL`, `REDIS_URL`, `CACHES` `LOCATION`, broker URL...) in a file production reads.
//! `${VAR}`, `$VAR`, format fields (`{password}`, `%(password)s`) and placeholders are never
//! literal; a password that is a provider token is SEC002's; a build-time dummy inlined in one
//! Dockerfile `RUN` (`RUN DATABASE_URL=postgres://app:dummy@localhost/app manage.py collectstatic`)
//! is not a deployment credential.

use super::{build_time_dummies, production, with_note};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::FileCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::secrets::mask;

pub const RULE: Rule = Rule {
    code: "SEC004",
    name: "credentials-in-url",
    family: Family::Secrets,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A URL carries a literal password (`scheme://user:password@host`)",
    check: Check::File { check, settings: true },
};

fn check(ctx: &FileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(note) = production(ctx) else { return };
    let secrets = ctx.secrets();
    let text = ctx.text();
    let dummies = build_time_dummies(ctx);
    for url in &secrets.urls {
        let in_dummy = dummies.iter().any(|d| d.start <= url.password.start && url.password.end <= d.end);
        if in_dummy || secrets.token_in(&url.password).is_some() {
            continue;
        }
        let (Some(password), Some(before), Some(after)) = (
            text.get(url.password.clone()),
            text.get(url.url.start..url.password.start),
            text.get(url.password.end..url.url.end),
        ) else {
            continue;
        };
        let span = ctx.span(url.password.clone());
        let d = Diagnostic::new(&RULE, span, format!("`{before}{}{after}` carries a literal password", mask(password)))
            .with_label("literal password")
            .with_help(
                "take the password out of the URL: interpolate it from the deployment's environment \
             (`postgres://app:${DB_PASSWORD}@db/app` in compose) or read the whole URL from the environment \
             with no default (`env.db(\"DATABASE_URL\")`), and rotate this one",
            )
            .with_secret(span);
        out.push(with_note(d, note));
    }
}
