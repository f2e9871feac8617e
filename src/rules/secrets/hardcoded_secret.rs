//! SEC001 hardcoded-secret: a secret-named key with a literal, non-placeholder value in a source
//! production reads: settings literals (nested `DATABASES[...]["PASSWORD"]` and literal env-read
//! defaults included), production and ambiguous env files, Dockerfile `ENV` and `ARG` defaults,
//! compose `environment:` and `build.args`.
//!
//! Not SEC001: a placeholder (ENV003's in production), a provider token (SEC002's), a URL with a
//! literal password (SEC004's), a literal `SECRET_KEY` or JWT signing key in settings (DJ002's,
//! DJ020's), and a build-time dummy inlined in one `RUN` (`RUN SECRET_KEY=dummy manage.py ...`),
//! which is not an image setting.

use super::{literals, production, with_note};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::FileCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::secrets::{is_placeholder, mask};

pub const RULE: Rule = Rule {
    code: "SEC001",
    name: "hardcoded-secret",
    family: Family::Secrets,
    severity: Severity::Error,
    default_enabled: true,
    // The check decides what production reads (settings modules production loads, whatever
    // their names).
    scope: Scope::ProductionSet,
    summary: "A secret-named key has a literal, non-placeholder value in a production source",
    check: Check::File { check, settings: true },
};

fn check(ctx: &FileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(note) = production(ctx) else { return };
    let secrets = ctx.secrets();
    for lit in literals(ctx) {
        if !lit.secret_named()
            || lit.is_flag_or_count()
            || lit.is_plain_url()
            || lit.names.iter().any(|n| is_placeholder(&lit.value, n))
            || secrets.token_in(&lit.span).is_some()
            || secrets.url_in(&lit.span).is_some()
        {
            continue;
        }
        let span = ctx.span(lit.span.clone());
        let d = Diagnostic::new(
            &RULE,
            span,
            format!(
                "{} is hardcoded (`{}`): anyone who can read the repository has this secret",
                lit.shown_key(),
                mask(&lit.value)
            ),
        )
        .with_label("hardcoded secret")
        .with_help(
            "provide it at deploy time from the environment or a secret store (compose `secrets:`, \
             `${VAR}` from the deployment's environment, `env(\"VAR\")` with no default), and rotate this \
             value: it stays in the repository's history",
        )
        .with_secret(span);
        out.push(with_note(d, note));
    }
}
