//! DJ026 password-validation-weak: with `django.contrib.auth` installed, `AUTH_PASSWORD_VALIDATORS`
//! is empty (Django's default), or `PASSWORD_HASHERS[0]`, the hasher new passwords get, is a weak
//! one: MD5, SHA1, their unsalted variants, or crypt.

use super::{has_app, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ026",
    name: "password-validation-weak",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "No password validators, or a weak first password hasher (MD5, SHA1, unsalted, crypt)",
    check: Check::Settings(check),
};

/// Weak hashers: class name, what it is, the Django release that removed it.
const WEAK: &[(&str, &str, Option<&str>)] = &[
    ("MD5PasswordHasher", "salted MD5", None),
    ("SHA1PasswordHasher", "salted SHA1", Some("5.1")),
    ("UnsaltedMD5PasswordHasher", "unsalted MD5", Some("5.1")),
    ("UnsaltedSHA1PasswordHasher", "unsalted SHA1", Some("5.1")),
    ("CryptPasswordHasher", "crypt(3), which keeps 8 characters", Some("5.0")),
];

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    if has_app(ctx, "django.contrib.auth") != Some(true) {
        return;
    }
    if let Some(s) = Setting::get(ctx, "AUTH_PASSWORD_VALIDATORS") {
        if s.value.as_seq().is_some_and(<[_]>::is_empty) {
            let what = if s.assigned { "AUTH_PASSWORD_VALIDATORS is empty, so " } else { "" };
            let message = format!(
                "{what}Django accepts any password when a user sets or changes one (`password`, `123456`, the \
                 username itself), the first ones an attacker tries"
            );
            out.extend(s.diagnostic(&RULE, &s.value, message).map(|d| {
                d.with_help(
                    "AUTH_PASSWORD_VALIDATORS = [{\"NAME\": \"django.contrib.auth.password_validation.\
                     UserAttributeSimilarityValidator\"}, {\"NAME\": \"django.contrib.auth.password_validation.\
                     MinimumLengthValidator\"}, {\"NAME\": \"django.contrib.auth.password_validation.\
                     CommonPasswordValidator\"}, {\"NAME\": \"django.contrib.auth.password_validation.\
                     NumericPasswordValidator\"}]",
                )
            }));
        }
    }
    let Some(s) = Setting::get(ctx, "PASSWORD_HASHERS") else { return };
    let Some(first) = s.value.as_seq().and_then(<[_]>::first) else { return };
    let Some(path) = first.as_str() else { return };
    let class = path.rsplit('.').next().unwrap_or(path);
    let Some((_, what, removed)) = WEAK.iter().find(|(c, _, _)| *c == class) else { return };
    let removed = removed.map_or(String::new(), |v| {
        format!(" (Django {v} removed it: on current Django every password check fails with ImportError)")
    });
    let message = format!(
        "PASSWORD_HASHERS[0] is `{path}`: every new or changed password is stored as {what}, which a GPU \
         guesses billions of times a second once the database leaks{removed}"
    );
    out.extend(s.diagnostic(&RULE, first, message).map(|d| {
        d.with_label("the hasher new passwords get").with_help(
            "put \"django.contrib.auth.hashers.Argon2PasswordHasher\" (or PBKDF2PasswordHasher) first; a weak \
             hasher kept after it still checks old hashes, which are upgraded at the next login",
        )
    }));
}
