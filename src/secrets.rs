//! Shared knowledge about secrets: which keys name secrets, and which values are placeholders.
//! The documented placeholder list lives in `rules/placeholders.md`; keep the two in step.

use std::ops::Range;

use crate::parse::dotenv::EnvFile;

/// Name fragments that make a key secret-named (matched on the upper-cased key).
const SECRET_FRAGMENTS: &[&str] =
    &["SECRET", "PASSWORD", "PASSWD", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIALS", "ACCESS_KEY"];
/// Suffixes that make a key secret-named.
const SECRET_SUFFIXES: &[&str] = &["_PASS", "_PWD", "_AUTH_KEY", "_SIGNING_KEY", "_ENCRYPTION_KEY"];
/// Suffixes of keys that hold something about a secret rather than the secret itself.
const NON_SECRET_SUFFIXES: &[&str] = &[
    "_FILE",
    "_PATH",
    "_DIR",
    "_ID",
    "_HASH",
    "_CHECKSUM",
    "_VERSION",
    "_URL",
    "_NAME",
    "_LIFETIME",
    "_TIMEOUT",
    "_TTL",
    "_EXPIRY",
    "_EXPIRES",
    "_LENGTH",
    "_HEADER",
    "_ENABLED",
    "_BACKEND",
    "_CLASS",
    "_TYPE",
    "_PREFIX",
    "_FIELD",
    "_ALGORITHM",
    "_MIN_LENGTH",
    "_RESET_TIMEOUT",
    "_HASHERS",
    "_VALIDATORS",
];

/// True when a key names secret material (`SECRET_KEY`, `POSTGRES_PASSWORD`, `GITHUB_TOKEN`).
pub fn is_secret_name(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    if NON_SECRET_SUFFIXES.iter().any(|s| upper.ends_with(s)) {
        return false;
    }
    SECRET_FRAGMENTS.iter().any(|f| upper.contains(f)) || SECRET_SUFFIXES.iter().any(|s| upper.ends_with(s))
}

/// Whole values (case-insensitive) that are placeholders.
const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "changethis",
    "change-this",
    "replaceme",
    "replace-me",
    "replace_me",
    "dummy",
    "example",
    "test",
    "testing",
    "password",
    "passwd",
    "secret",
    "secretkey",
    "secret-key",
    "secret_key",
    "token",
    "apikey",
    "api-key",
    "api_key",
    "placeholder",
    "none",
    "null",
    "nil",
    "todo",
    "tbd",
    "fixme",
    "fill-me",
    "fillme",
    "foo",
    "bar",
    "foobar",
    "xxx",
    "sample",
    "default",
    "undefined",
    "empty",
    "redacted",
    "notset",
    "not-set",
    "unset",
    "insecure",
    "django-insecure",
];
/// Fragments that make any value a placeholder.
const PLACEHOLDER_FRAGMENTS: &[&str] =
    &["change-me", "changeme", "change_me", "replace-me", "replace_me", "your-", "your_"];

/// True when `value` is a placeholder rather than a real secret (RULES.md, "Placeholders").
pub fn is_placeholder(value: &str, key: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if v.is_empty() || PLACEHOLDERS.contains(&lower.as_str()) || lower == key.to_ascii_lowercase() {
        return true;
    }
    if PLACEHOLDER_FRAGMENTS.iter().any(|f| lower.contains(f)) {
        return true;
    }
    // `<db_password>`, `${SECRET_KEY}`, `$SECRET_KEY`, `{{ secret }}`, `!!!SET DJANGO_SECRET_KEY!!!`
    if (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with("${") && v.ends_with('}'))
        || (v.starts_with('$') && v[1..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && v.len() > 1)
        || (v.starts_with("{{") && v.ends_with("}}"))
        || (v.starts_with("!!!") && v.ends_with("!!!"))
        || (v.starts_with('[') && v.ends_with(']') && v.len() > 2 && !v.contains(','))
    {
        return true;
    }
    // `your-secret-here`, `put-your-key-here`, `insert_token_here`, `enter-password`
    if (lower.ends_with("-here") || lower.ends_with("_here") || lower.ends_with(" here"))
        || ["insert", "enter", "put", "add", "set"].iter().any(|w| {
            lower.starts_with(&format!("{w}-"))
                || lower.starts_with(&format!("{w}_"))
                || lower.starts_with(&format!("{w} "))
        })
    {
        return true;
    }
    has_filler_run(v)
}

/// A run of filler (`xxxx`, `0000`, `****`, `...`) as the random part of a value.
pub fn has_filler_run(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    ["xxxx", "0000", "****", "...", "____"].iter().any(|f| lower.contains(f))
        || (!lower.is_empty() && lower.chars().all(|c| c == 'x' || c == '*' || c == '.' || c == '-' || c == '_'))
}

/// Byte ranges of secret values in an env file (masked whenever the file's text is shown).
pub fn env_redactions(env: &EnvFile) -> Vec<Range<usize>> {
    env.entries
        .iter()
        .filter(|e| is_secret_name(&e.key))
        .filter_map(|e| e.value.as_ref())
        .filter(|v| !v.value.is_empty() && !is_placeholder(&v.value, ""))
        .map(|v| v.inner.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for k in [
            "SECRET_KEY",
            "DJANGO_SECRET_KEY",
            "POSTGRES_PASSWORD",
            "DB_PASS",
            "GITHUB_TOKEN",
            "OPENAI_API_KEY",
            "VAULT_TOKEN",
        ] {
            assert!(is_secret_name(k), "{k}");
        }
        for k in [
            "POSTGRES_PASSWORD_FILE",
            "DEBUG",
            "POSTGRES_USER",
            "SECRET_NAME",
            "TOKEN_LIFETIME",
            "PASSWORD_RESET_TIMEOUT",
            "LANGFUSE_PUBLIC_KEY",
        ] {
            assert!(!is_secret_name(k), "{k}");
        }
    }

    #[test]
    fn placeholders() {
        for v in [
            "",
            "changeme",
            "CHANGE-ME",
            "<db_password>",
            "${SECRET_KEY}",
            "xxxxxxxx",
            "your-secret-key-here",
            "!!!SET DJANGO_SECRET_KEY!!!",
            "password",
            "sk-...",
            "dummy",
        ] {
            assert!(is_placeholder(v, "X"), "{v}");
        }
        assert!(is_placeholder("POSTGRES_PASSWORD", "POSTGRES_PASSWORD"));
        for v in ["s3cr3t-Pa55w0rd!", "k8Jz1q9Lm2Nx7Vb4Rt6Yw0Pa3Sd5Fg8H", "debug_password_42"] {
            assert!(!is_placeholder(v, "X"), "{v}");
        }
    }
}
