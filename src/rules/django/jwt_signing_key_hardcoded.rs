//! DJ020 jwt-signing-key-hardcoded: the key that signs JWTs is written in the settings code (a
//! literal, or the literal default / `or` fallback of an env read no production source sets):
//! `SIMPLE_JWT["SIGNING_KEY"]` (djangorestframework-simplejwt), the legacy
//! `JWT_AUTH["JWT_SECRET_KEY"]` (djangorestframework-jwt), or a `JWT_SECRET_KEY` setting.
//! A signing key that is `SECRET_KEY` itself (simplejwt's default, `"SIGNING_KEY": SECRET_KEY`)
//! is silent here: a hardcoded `SECRET_KEY` is DJ002's finding.

use super::{env_var_of, written_in_code, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::Value;
use crate::source::mask_secret;

pub const RULE: Rule = Rule {
    code: "DJ020",
    name: "jwt-signing-key-hardcoded",
    family: Family::Django,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "The JWT signing key (`SIMPLE_JWT[\"SIGNING_KEY\"]`, `JWT_SECRET_KEY`) is written in the code",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let secret_key = Setting::known(ctx, "SECRET_KEY").map(|s| s.value);
    let is_secret_key =
        |v: &Value| secret_key.as_ref().is_some_and(|k| k.origin == v.origin && k.py_eq(v) == Some(true));
    for (name, entry, what) in [
        ("SIMPLE_JWT", Some("SIGNING_KEY"), "SIMPLE_JWT[\"SIGNING_KEY\"]"),
        ("JWT_AUTH", Some("JWT_SECRET_KEY"), "JWT_AUTH[\"JWT_SECRET_KEY\"]"),
        ("JWT_SECRET_KEY", None, "JWT_SECRET_KEY"),
    ] {
        let Some(setting) = Setting::known(ctx, name) else { continue };
        let key = match entry {
            Some(entry) => match setting.value.get(entry) {
                Some(k) => k.clone(),
                None => continue,
            },
            None => setting.value.clone(),
        };
        if !written_in_code(ctx, &key) || is_secret_key(&key) {
            continue;
        }
        let shown = mask_secret(key.as_str().unwrap_or_default());
        let how = match &key.env_default {
            Some(var) => format!(
                "falls back to a key written in the code (`{shown}`): no production source sets {var}, so \
                 the code default is the production key"
            ),
            None => format!("is hardcoded in the settings code (`{shown}`)"),
        };
        let message = format!(
            "{what} {how}; anyone who can read the repository can mint valid tokens for any user, admins \
             included"
        );
        let Some(d) = setting.diagnostic(&RULE, &key, message) else { continue };
        let var = env_var_of(&key).unwrap_or_else(|| "DJANGO_JWT_SIGNING_KEY".to_string());
        let line = match entry {
            Some(entry) => format!("\"{entry}\": env(\"{var}\")"),
            None => format!("{name} = env(\"{var}\")"),
        };
        out.push(d.with_label("signing key written in the code").with_help(format!(
            "read it from the production environment with no default (`{line}`), and rotate this key: it \
             stays in the repository's history"
        )));
    }
}
