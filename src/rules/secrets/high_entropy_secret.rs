//! SEC003 high-entropy-secret: a literal of 20 or more characters that looks like random key
//! material under a key that is neither secret-named (SEC001) nor known to hold a non-secret id,
//! digest or public value (`*_ID`, `*_HASH`, `*_UUID`, `*_URL`, `*_PUBLIC_KEY`...; the list is in
//! `rules/placeholders.md`): `SIGNING_SALT`, `HASHIDS_SALT`, `AWS_KEY`. Entropy is Shannon's over
//! the value's detected charset, with length floors ([`crate::secrets::entropy`]).

use super::{literals, production, with_note};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::FileCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::secrets::{entropy, holds_public_value, is_placeholder, mask};

pub const RULE: Rule = Rule {
    code: "SEC003",
    name: "high-entropy-secret",
    family: Family::Secrets,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A value no pattern names looks like random key material (entropy) under a key not known as secret",
    check: Check::File { check, settings: true },
};

fn check(ctx: &FileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(note) = production(ctx) else { return };
    let secrets = ctx.secrets();
    for lit in literals(ctx) {
        if lit.secret_named()
            || lit.names.iter().any(|n| holds_public_value(n) || is_placeholder(&lit.value, n))
            || secrets.token_in(&lit.span).is_some()
            || secrets.url_in(&lit.span).is_some()
        {
            continue;
        }
        let Some(r) = entropy::looks_random(&lit.value) else { continue };
        let span = ctx.span(lit.span.clone());
        let d = Diagnostic::new(
            &RULE,
            span,
            format!(
                "{} holds what looks like random key material (`{}`: {} {} characters, {:.1} bits of entropy \
                 each)",
                lit.shown_key(),
                mask(&lit.value),
                lit.value.len(),
                r.charset.name(),
                r.bits
            ),
        )
        .with_label("random-looking literal")
        .with_help(
            "if it is a secret, provide it from the environment or a secret store and rotate it; if it is \
             not, name the key for what it holds (`*_ID`, `*_HASH`, `*_PUBLIC_KEY`) or suppress this line \
             with a reason",
        )
        .with_secret(span);
        out.push(with_note(d, note));
    }
}
