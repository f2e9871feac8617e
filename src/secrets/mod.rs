//! Shared knowledge about secrets: which keys name secrets, which values are placeholders, the
//! provider-token scanner and the one masking function every output uses.
//!
//! - The documented lists of secret names and placeholders live in `rules/placeholders.md`; a test
//!   below keeps the two in step.
//! - [`patterns`]: the provider formats of `rules/secrets.toml` (SEC002), parsed and compiled on
//!   first use; [`examples`] generates their fake example tokens.
//! - [`scan`]: an Aho-Corasick keyword pre-filter, then ASCII regexes around each keyword, then
//!   entropy, allowlists, stopwords and placeholders; also literal passwords in URLs (SEC004).
//! - [`entropy`]: Shannon entropy over the detected charset, with length floors (SEC003).
//! - [`mask`] and [`mask_in_place`]: how a secret is shown (messages) and how it is hidden in a
//!   file's text (source snippets: human output, SARIF).

pub mod entropy;
pub mod examples;
pub mod patterns;
pub mod scan;

use std::ops::Range;

use crate::parse::dotenv::EnvFile;
pub use scan::{scan, FileSecrets, Token, UrlCredential};

/// The fixed mask shown after a secret's first characters.
pub const MASK: &str = "****";

/// Shows a secret in a message: at most its first four characters, then a fixed mask. A secret of
/// four characters or fewer shows none.
pub fn mask(value: &str) -> String {
    if value.chars().nth(4).is_none() {
        return MASK.to_string();
    }
    let shown: String = value.chars().take(4).collect();
    format!("{shown}{MASK}")
}

/// Hides a secret inside a file's text, keeping its byte length and its line breaks so that every
/// span and line number still holds: the first four characters stay (none for a secret of four
/// characters or fewer), every other byte becomes `*`.
pub fn mask_in_place(s: &str) -> String {
    let keep: usize = if s.chars().nth(4).is_none() { 0 } else { s.chars().take(4).map(char::len_utf8).sum() };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..keep]);
    for c in s[keep..].chars() {
        if c == '\n' || c == '\r' {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n('*', c.len_utf8()));
        }
    }
    out
}

/// Substrings of a key's words that make it secret-named (`DJANGO_SECRET_KEY`, `DBPASSWORD`).
const SECRET_SUBSTRINGS: &[&str] = &["SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL"];
/// Endings of a key's words that make it secret-named (`GITHUB_TOKEN`, `NGROK_AUTHTOKEN`).
const SECRET_WORD_ENDINGS: &[&str] = &["TOKEN", "TOKENS", "APIKEY", "PRIVATEKEY"];
/// Word pairs that make a key secret-named wherever they appear in it (`OPENAI_API_KEY`).
const SECRET_PHRASES: &[[&str; 2]] = &[
    ["API", "KEY"],
    ["PRIVATE", "KEY"],
    ["ACCESS", "KEY"],
    ["SIGNING", "KEY"],
    ["AUTH", "KEY"],
    ["ENCRYPTION", "KEY"],
    ["MASTER", "KEY"],
];
/// Last words that make a key secret-named (`DB_PASS`, `MYSQL_PWD`).
const SECRET_LAST_WORDS: &[&str] = &["PASS", "PWD"];
/// Last words of keys that hold something about a secret rather than the secret itself
/// (`POSTGRES_PASSWORD_FILE`, `AWS_ACCESS_KEY_ID`, `ACCESS_TOKEN_LIFETIME`).
const NON_SECRET_LAST_WORDS: &[&str] = &[
    "FILE",
    "PATH",
    "DIR",
    "ID",
    "IDS",
    "HASH",
    "CHECKSUM",
    "VERSION",
    "URL",
    "URI",
    "ENDPOINT",
    "NAME",
    "LIFETIME",
    "TIMEOUT",
    "TTL",
    "AGE",
    "EXPIRY",
    "EXPIRE",
    "EXPIRES",
    "EXPIRATION",
    "SECONDS",
    "MINUTES",
    "HOURS",
    "DAYS",
    "LENGTH",
    "HEADER",
    "ENABLED",
    "BACKEND",
    "CLASS",
    "CLASSES",
    "MODEL",
    "TYPE",
    "PREFIX",
    "FIELD",
    "ALGORITHM",
    "HASHERS",
    "VALIDATORS",
    "REGION",
];
/// Words of boolean switches about a secret (`MYSQL_ALLOW_EMPTY_PASSWORD`, `ROTATE_REFRESH_TOKENS`).
const FLAG_WORDS: &[&str] = &["USE", "ENABLE", "DISABLE", "REQUIRE", "ROTATE", "ALLOW", "RANDOM", "ONETIME"];
/// Keys that match a pattern above but hold no secret.
const NON_SECRET_KEYS: &[&str] = &["GOOGLE_APPLICATION_CREDENTIALS"];
/// Last words of keys known to hold identifiers, digests or other public values, besides
/// [`NON_SECRET_LAST_WORDS`] (SEC003 does not judge their values).
const PUBLIC_LAST_WORDS: &[&str] = &[
    "UUID",
    "GUID",
    "DIGEST",
    "SHA",
    "SHA1",
    "SHA256",
    "SHA512",
    "MD5",
    "INTEGRITY",
    "ETAG",
    "REVISION",
    "REV",
    "COMMIT",
    "BUILD",
    "RELEASE",
    "SLUG",
    "HOST",
    "HOSTNAME",
    "DOMAIN",
    "EMAIL",
    "USER",
    "USERNAME",
    "LOGIN",
    "ACCOUNT",
    "BUCKET",
    "QUEUE",
    "TOPIC",
    "DSN",
    "ARN",
    "TAG",
    "IMAGE",
];
/// Words that make a key's value public wherever they appear (`STRIPE_PUBLISHABLE_KEY`).
const PUBLIC_WORDS: &[&str] = &["PUBLIC", "PUBLISHABLE", "PUB"];

/// The upper-cased words of a key, split on `_`, `-` and `.`.
fn key_words(key: &str) -> Vec<String> {
    key.split(['_', '-', '.']).filter(|w| !w.is_empty()).map(str::to_ascii_uppercase).collect()
}

/// True when a key names secret material (`SECRET_KEY`, `POSTGRES_PASSWORD`, `GITHUB_TOKEN`).
pub fn is_secret_name(key: &str) -> bool {
    let words = key_words(key);
    let Some(last) = words.last() else { return false };
    if NON_SECRET_LAST_WORDS.contains(&last.as_str())
        || words.iter().any(|w| FLAG_WORDS.contains(&w.as_str()))
        || NON_SECRET_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
    {
        return false;
    }
    words
        .iter()
        .any(|w| SECRET_SUBSTRINGS.iter().any(|s| w.contains(s)) || SECRET_WORD_ENDINGS.iter().any(|s| w.ends_with(s)))
        || words.windows(2).any(|p| SECRET_PHRASES.iter().any(|[a, b]| p[0] == *a && p[1] == *b))
        || SECRET_LAST_WORDS.contains(&last.as_str())
}

/// True when a key is known to hold a non-secret identifier, digest or public value
/// (`SENTRY_RELEASE`, `AWS_ACCESS_KEY_ID`, `INTEGRITY_SHA256`, `STRIPE_PUBLISHABLE_KEY`): SEC003
/// leaves its value alone however random it looks.
pub fn holds_public_value(key: &str) -> bool {
    let words = key_words(key);
    let Some(last) = words.last() else { return false };
    NON_SECRET_LAST_WORDS.contains(&last.as_str())
        || PUBLIC_LAST_WORDS.contains(&last.as_str())
        || words.iter().any(|w| PUBLIC_WORDS.contains(&w.as_str()))
}

/// Whole values (case-insensitive) that are placeholders.
const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "changethis",
    "change-this",
    "change_this",
    "replaceme",
    "replace-me",
    "replace_me",
    "dummy",
    "example",
    "sample",
    "test",
    "testing",
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "secretkey",
    "secret-key",
    "secret_key",
    "supersecret",
    "mysecret",
    "mypassword",
    "key",
    "token",
    "apikey",
    "api-key",
    "api_key",
    "value",
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
/// Fragments that make any value a placeholder, wherever they appear in it.
const PLACEHOLDER_FRAGMENTS: &[&str] = &[
    "change-me",
    "changeme",
    "change_me",
    "change-this",
    "change_this",
    "replace-me",
    "replaceme",
    "replace_me",
    "your-",
    "your_",
];
/// Endings that make any value a placeholder (`your-secret-here`, AWS's documented
/// `AKIAIOSFODNN7EXAMPLE`).
const PLACEHOLDER_ENDINGS: &[&str] = &["-here", "_here", " here", "example", "examplekey"];
/// Leading words that make any value a placeholder (`insert-token`, `enter_password`).
const PLACEHOLDER_LEADS: &[&str] = &["insert", "enter", "put", "add", "set"];

/// True when `value` is a placeholder rather than a real secret (RULES.md, "Placeholders"). `key`
/// is the name it is assigned to (`""` when unknown): a value that repeats the key name or one of
/// its words (`POSTGRES_PASSWORD=postgres`) is a placeholder too.
pub fn is_placeholder(value: &str, key: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if v.is_empty() || PLACEHOLDERS.contains(&lower.as_str()) || repeats_key(&lower, key) {
        return true;
    }
    if PLACEHOLDER_FRAGMENTS.iter().any(|f| lower.contains(f)) || PLACEHOLDER_ENDINGS.iter().any(|e| lower.ends_with(e))
    {
        return true;
    }
    if PLACEHOLDER_LEADS
        .iter()
        .any(|w| lower.strip_prefix(w).is_some_and(|rest| rest.starts_with(['-', '_', ' ']) && rest.len() > 1))
    {
        return true;
    }
    // `<db_password>`, `${SECRET_KEY}`, `$SECRET_KEY`, `{{ secret }}`, `!!!SET DJANGO_SECRET_KEY!!!`, `[token]`
    let is_name = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if (v.starts_with("${") && v.ends_with('}'))
        || v.strip_prefix('$').is_some_and(is_name)
        || (v.starts_with("!!!") && v.ends_with("!!!") && v.len() > 6)
        || (v.starts_with('[') && v.ends_with(']') && v.len() > 2 && !v.contains(','))
        || has_angle_placeholder(v)
        || v.contains("{{")
    {
        return true;
    }
    has_filler_run(v)
}

/// The value repeats the key name or one of its words (`SECRET_KEY=secret-key`, `DB_PASS=db`).
fn repeats_key(lower_value: &str, key: &str) -> bool {
    let squash = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    let value = squash(lower_value);
    !value.is_empty() && (value == squash(key) || key_words(key).iter().any(|w| w.eq_ignore_ascii_case(&value)))
}

/// A `<name>` segment anywhere in the value (`<your-key>`, `postgres://app:<password>@db/app`).
fn has_angle_placeholder(v: &str) -> bool {
    v.split('<').skip(1).any(|rest| {
        rest.find('>').is_some_and(|end| {
            let inner = &rest[..end];
            !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
        })
    })
}

fn is_filler(c: char) -> bool {
    matches!(c, 'x' | 'X' | '*' | '.' | '0' | '#' | '_' | '?' | '•')
}

/// True when the value's random part is a filler run (`xxxx`, `0000`, `****`, `...`): the whole
/// value is filler, or a run of one filler character (at least four, three for dots) ends the
/// value (zeros excepted: `Summer0000` is a password), stands between separators
/// (`sk-xxxx-abc`, `pk_test_0000`), or makes up half of the value (`AKIA0000000000000000`).
pub fn has_filler_run(v: &str) -> bool {
    let chars: Vec<char> = v.trim().chars().collect();
    let n = chars.len();
    if n > 0 && chars.iter().all(|&c| is_filler(c) || c == '-') {
        return true;
    }
    let mut i = 0;
    while i < n {
        let c = chars[i];
        let mut j = i + 1;
        while j < n && chars[j].eq_ignore_ascii_case(&c) {
            j += 1;
        }
        let len = j - i;
        if is_filler(c) && len >= if c == '.' { 3 } else { 4 } {
            let bounded = (i == 0 || !chars[i - 1].is_alphanumeric()) && (j == n || !chars[j].is_alphanumeric());
            let ends = j == n && c != '0';
            if bounded || ends || 2 * len >= n {
                return true;
            }
        }
        i = j;
    }
    false
}

/// How a secret-named key's value leaves the secret unset (ENV003).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsetSecret {
    /// Empty or only whitespace.
    Empty,
    /// A placeholder (`changeme`, `<your-key>`, `xxxx`).
    Placeholder,
}

/// ENV003's decision for one `key=value` of a production environment source (env file, compose
/// `environment:`/`build.args`, Dockerfile `ENV`): None when the key is not secret-named or the
/// value looks like a real secret. `value` is what the consumer sees; substitutions of outer
/// variables (`${SECRET_KEY}`) are the caller's to resolve or to leave alone before asking.
pub fn unset_secret(key: &str, value: &str) -> Option<UnsetSecret> {
    if !is_secret_name(key) {
        None
    } else if value.trim().is_empty() {
        Some(UnsetSecret::Empty)
    } else if is_placeholder(value, key) {
        Some(UnsetSecret::Placeholder)
    } else {
        None
    }
}

/// Byte ranges of secret values in an env file (masked whenever the file's text is shown).
pub fn env_redactions(env: &EnvFile, text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = env
        .entries
        .iter()
        .filter(|e| is_secret_name(&e.key))
        .filter_map(|e| e.value.as_ref().map(|v| (e, v)))
        .filter(|(e, v)| !v.value.is_empty() && !is_placeholder(&v.value, &e.key))
        .map(|(_, v)| v.inner.clone())
        .collect();
    out.extend(env.errors.iter().filter_map(|e| unparsed_secret(text, e.span.start)));
    out
}

/// A line that does not parse is no entry, yet it may hold a secret (`API_TOKEN="abc…` with no
/// closing quote, `export PASSWORD abc…`): when it starts with a secret-named key, everything
/// after the key is masked. `at` is any offset on the line.
fn unparsed_secret(text: &str, at: usize) -> Option<Range<usize>> {
    let start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
    let body = text[start..end].trim_start();
    let body = match body.strip_prefix("export") {
        Some(rest) if rest.starts_with([' ', '\t']) => rest.trim_start(),
        _ => body,
    };
    let key_len = body.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))).unwrap_or(body.len());
    if key_len == 0 || !is_secret_name(&body[..key_len]) {
        return None;
    }
    let value = body[key_len..].trim_start_matches([' ', '\t', '=', ':', '"', '\'']);
    let from = end - value.len();
    (from < end).then_some(from..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for k in [
            "SECRET_KEY",
            "DJANGO_SECRET_KEY",
            "SECRET_KEY_FALLBACKS",
            "POSTGRES_PASSWORD",
            "EMAIL_HOST_PASSWORD",
            "DB_PASS",
            "MYSQL_PWD",
            "GITHUB_TOKEN",
            "NGROK_AUTHTOKEN",
            "OPENAI_API_KEY",
            "SENDGRID_APIKEY",
            "VAULT_TOKEN",
            "JWT_SIGNING_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "GPG_PASSPHRASE",
            "GCP_CREDENTIALS",
            "db_password",
        ] {
            assert!(is_secret_name(k), "{k}");
        }
        for k in [
            "POSTGRES_PASSWORD_FILE",
            "DEBUG",
            "POSTGRES_USER",
            "SECRET_NAME",
            "SECRETS_BACKEND",
            "TOKEN_LIFETIME",
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            "PASSWORD_RESET_TIMEOUT",
            "AWS_ACCESS_KEY_ID",
            "LANGFUSE_PUBLIC_KEY",
            "TOKENIZERS_PARALLELISM",
            "ROTATE_REFRESH_TOKENS",
            "MYSQL_ALLOW_EMPTY_PASSWORD",
            "MYSQL_RANDOM_ROOT_PASSWORD",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "AWS_KEY",
            "SIGNING_SALT",
            "",
        ] {
            assert!(!is_secret_name(k), "{k}");
        }
    }

    #[test]
    fn placeholders() {
        for v in [
            "",
            "   ",
            "changeme",
            "CHANGE-ME",
            "please-changeme-now",
            "<db_password>",
            "<your-key>",
            "postgres://app:<password>@db/app",
            "${SECRET_KEY}",
            "$SECRET_KEY",
            "{{ cookiecutter.secret }}",
            "xxxxxxxx",
            "xxxx",
            "XxXx-xXxX",
            "sk-...",
            "...",
            "****",
            "0000",
            "sk_live_xxxxxxxxxxxxxxxx",
            "sk-ant-api03-xxxxxxxx",
            "AKIAxXxXxXxXxXxXxXxX",
            "AKIA0000000000000000",
            "pk_test_0000000000",
            "AKIAIOSFODNN7EXAMPLE",
            "your-secret-key-here",
            "put_your_token",
            "enter-password",
            "!!!SET DJANGO_SECRET_KEY!!!",
            "[token]",
            "password",
            "Secret",
            "dummy",
            "todo",
        ] {
            assert!(is_placeholder(v, "X"), "{v}");
        }
        assert!(is_placeholder("POSTGRES_PASSWORD", "POSTGRES_PASSWORD"));
        assert!(is_placeholder("postgres", "POSTGRES_PASSWORD"));
        assert!(is_placeholder("secret-key", "DJANGO_SECRET_KEY"));
        for v in [
            "s3cr3t-Pa55w0rd!",
            "k8Jz1q9Lm2Nx7Vb4Rt6Yw0Pa3Sd5Fg8H",
            "debug_password_42",
            "9f3c0000a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c",
            "Summer0000",
            "Summer2000",
            "a<b",
            "[a,b]",
            "$",
            "set",
            "postgres",
        ] {
            assert!(!is_placeholder(v, "X"), "{v}");
        }
    }

    #[test]
    fn masking() {
        assert_eq!(mask("supersecret"), "supe****");
        assert_eq!(mask("abcd"), "****");
        assert_eq!(mask("abcde"), "abcd****");
        assert_eq!(mask("ééééé"), "éééé****");
        assert_eq!(mask_in_place("supersecret"), "supe*******");
        assert_eq!(mask_in_place("abc"), "***");
        assert_eq!(mask_in_place("MIIE\nabc\r\nd"), "MIIE\n***\r\n*");
        assert_eq!(mask_in_place("ééééé!").len(), "ééééé!".len());
    }

    #[test]
    fn public_values() {
        for k in [
            "AWS_ACCESS_KEY_ID",
            "SENTRY_RELEASE",
            "INTEGRITY_SHA256",
            "STRIPE_PUBLISHABLE_KEY",
            "LANGFUSE_PUBLIC_KEY",
            "CELERY_FLOWER_USER",
            "SITE_UUID",
        ] {
            assert!(holds_public_value(k), "{k}");
        }
        for k in ["SIGNING_SALT", "HASHIDS_SALT", "AWS_KEY", "TENANT", ""] {
            assert!(!holds_public_value(k), "{k}");
        }
    }

    #[test]
    fn unset_secrets() {
        assert_eq!(unset_secret("DJANGO_SECRET_KEY", ""), Some(UnsetSecret::Empty));
        assert_eq!(unset_secret("POSTGRES_PASSWORD", "password"), Some(UnsetSecret::Placeholder));
        assert_eq!(unset_secret("POSTGRES_PASSWORD", "k8Jz1q9Lm2Nx7Vb4Rt6Yw0Pa3Sd5Fg8H"), None);
        assert_eq!(unset_secret("DJANGO_ALLOWED_HOSTS", ""), None);
        assert_eq!(unset_secret("POSTGRES_PASSWORD_FILE", "changeme"), None);
    }

    /// The backticked items of the bullet starting with `heading` in `rules/placeholders.md`.
    fn documented(heading: &str) -> Vec<String> {
        let doc = include_str!("../../rules/placeholders.md");
        let start = doc.find(heading).unwrap_or_else(|| panic!("rules/placeholders.md has no `{heading}`"));
        // The list runs from the colon to the examples in parentheses.
        let line = doc[start..].lines().next().unwrap_or_default();
        let list = line.split_once(':').map_or("", |(_, rest)| rest);
        let list = list.split_once(" (").map_or(list, |(l, _)| l);
        list.split('`').skip(1).step_by(2).map(str::to_string).collect()
    }

    fn assert_same(list: &[&str], heading: &str) {
        let mut code: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        let mut doc = documented(heading);
        code.sort();
        doc.sort();
        assert_eq!(code, doc, "rules/placeholders.md `{heading}` differs from src/secrets/mod.rs");
    }

    #[test]
    fn the_documented_lists_match() {
        assert_same(PLACEHOLDERS, "- Whole values:");
        assert_same(PLACEHOLDER_FRAGMENTS, "- Fragments anywhere:");
        assert_same(PLACEHOLDER_ENDINGS, "- Endings:");
        assert_same(PLACEHOLDER_LEADS, "- Leading words");
        assert_same(SECRET_SUBSTRINGS, "- A word containing");
        assert_same(SECRET_WORD_ENDINGS, "- A word ending in");
        let phrases: Vec<String> = SECRET_PHRASES.iter().map(|[a, b]| format!("{a}_{b}")).collect();
        assert_same(&phrases.iter().map(String::as_str).collect::<Vec<_>>(), "- Two words in a row:");
        assert_same(SECRET_LAST_WORDS, "- Last word:");
        assert_same(NON_SECRET_LAST_WORDS, "- Not when the last word is");
        assert_same(FLAG_WORDS, "- Not when any word is");
        assert_same(NON_SECRET_KEYS, "- Not these keys:");
        assert_same(PUBLIC_LAST_WORDS, "- Last word (besides the list above):");
        assert_same(PUBLIC_WORDS, "- Any word:");
    }
}
