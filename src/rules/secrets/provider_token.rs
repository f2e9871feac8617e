//! SEC002 provider-token: a value matches a known credential format of `rules/secrets.toml`, in
//! any file read (values and raw text, comments included), in every environment: a real token in
//! `.env.example` is still a leak.

use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::Environment;
use crate::project::FileCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::secrets::mask;

pub const RULE: Rule = Rule {
    code: "SEC002",
    name: "provider-token",
    family: Family::Secrets,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::Everywhere,
    summary: "A value matches a known provider credential format (AWS, GitHub, Stripe, OpenAI, private keys...)",
    check: Check::File { check, settings: false },
};

fn check(ctx: &FileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let template = ctx.class().env == Environment::Template;
    for token in &ctx.secrets().tokens {
        let Some(secret) = ctx.text().get(token.range.clone()) else { continue };
        let pattern = token.pattern();
        let span = ctx.span(token.range.clone());
        let mut message = format!(
            "{} `{}` is committed: whoever can read the repository can use this credential",
            pattern.def.description,
            mask(secret)
        );
        if template {
            message.push_str(" (a template is copied, with its values, into every checkout)");
        }
        out.push(
            Diagnostic::new(&RULE, span, message)
                .with_label(pattern.id().to_string())
                .with_help(
                    "revoke it at the provider now (it stays in the repository's history), then provide the new \
                     one from the environment or a secret store; in a template, write a placeholder such as \
                     `<your-token>`",
                )
                .with_secret(span),
        );
    }
}
