//! The environment settings are evaluated under, and the exact string conversions of the
//! libraries that read it (django-environ, python-decouple, django-configurations, Python's own
//! `int()`/`float()`).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::parse::dotenv::EnvFile;

/// Where an environment variable's value is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvOrigin {
    /// The file (an env file, a compose file, a Dockerfile...), as the caller names it.
    pub path: PathBuf,
    /// Byte range of the value in that file.
    pub range: Range<usize>,
    /// 1-based line.
    pub line: usize,
}

/// A variable's value in the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    Set(String),
    /// Set, to a value Preflight cannot know (`${VAR}` from the host, a secret store...).
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub value: EnvValue,
    pub origin: Option<EnvOrigin>,
}

/// Variable → value, with where each value is written. A variable not in it is not set by any
/// production source Preflight knows, so code defaults apply.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, EnvVar>,
}

impl Environment {
    pub fn new() -> Self {
        Environment::default()
    }

    /// Sets (or replaces) a variable.
    pub fn set(&mut self, var: impl Into<String>, value: impl Into<String>, origin: Option<EnvOrigin>) {
        self.vars.insert(var.into(), EnvVar { value: EnvValue::Set(value.into()), origin });
    }

    /// Marks a variable as set to a value that cannot be known.
    pub fn set_unknown(&mut self, var: impl Into<String>, reason: impl Into<String>, origin: Option<EnvOrigin>) {
        self.vars.insert(var.into(), EnvVar { value: EnvValue::Unknown(reason.into()), origin });
    }

    pub fn get(&self, var: &str) -> Option<&EnvVar> {
        self.vars.get(var)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &EnvVar)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// Adds the entries of a parsed env file (later files and later lines win). `${VAR}`
    /// references are expanded from variables already known (python-dotenv does the same with
    /// earlier lines); a reference to an unknown variable without a default makes the value
    /// unknown.
    pub fn add_env_file(&mut self, path: &Path, text: &str, file: &EnvFile) {
        for entry in &file.entries {
            let Some(value) = &entry.value else { continue };
            let origin = Some(EnvOrigin { path: path.to_path_buf(), range: value.span.clone(), line: entry.line });
            if value.refs.is_empty() {
                self.set(entry.key.clone(), value.value.clone(), origin);
                continue;
            }
            let mut out = value.value.clone();
            let mut unknown = None;
            for r in &value.refs {
                let raw = text.get(r.span.clone()).unwrap_or("");
                let replacement = match self.vars.get(&r.name).map(|v| &v.value) {
                    Some(EnvValue::Set(v)) if !(v.is_empty() && r.default.is_some()) => v.clone(),
                    _ => match &r.default {
                        Some(d) => d.clone(),
                        None => {
                            unknown = Some(format!("`{raw}` substitutes {}, which no known source sets", r.name));
                            break;
                        }
                    },
                };
                if !raw.is_empty() {
                    out = out.replacen(raw, &replacement, 1);
                }
            }
            match unknown {
                Some(reason) => self.set_unknown(entry.key.clone(), reason, origin),
                None => self.set(entry.key.clone(), out, origin),
            }
        }
    }
}

/// Python's `int(str)`: surrounding whitespace, a sign, digits with single `_` between them.
pub fn py_int(s: &str) -> Option<i64> {
    let t = s.trim_matches(|c: char| c.is_whitespace());
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
        return None;
    }
    let mut v: i64 = 0;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(10)? as i64;
        v = v.checked_mul(10)?.checked_add(d)?;
    }
    Some(if neg { -v } else { v })
}

/// Python's `float(str)`.
pub fn py_float(s: &str) -> Option<f64> {
    let t = s.trim_matches(|c: char| c.is_whitespace());
    let lower = t.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    let neg = lower.starts_with('-');
    match unsigned {
        "inf" | "infinity" => return Some(if neg { f64::NEG_INFINITY } else { f64::INFINITY }),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if t.contains("__") || t.starts_with('_') || t.ends_with('_') {
        return None;
    }
    let cleaned: String = t.chars().filter(|c| *c != '_').collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')) {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

/// django-environ `Env.BOOLEAN_TRUE_STRINGS`.
pub const ENVIRON_TRUE_STRINGS: &[&str] = &["true", "on", "ok", "y", "yes", "1"];

/// django-environ `parse_value(value, bool)`: `int(value) != 0`, else
/// `value.lower().strip() in BOOLEAN_TRUE_STRINGS`.
pub fn environ_bool(s: &str) -> bool {
    match py_int(s) {
        Some(i) => i != 0,
        None => ENVIRON_TRUE_STRINGS.contains(&s.to_lowercase().trim()),
    }
}

/// django-environ `parse_value(value, float)`: strips everything but digits, `,`, `.` and `-`,
/// then the last `,`/`.` is the decimal point.
pub fn environ_float(s: &str) -> Option<f64> {
    let cleaned: String = s.chars().filter(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-')).collect();
    let parts: Vec<&str> = cleaned.split([',', '.']).collect();
    let joined = if parts.len() == 1 {
        parts[0].to_string()
    } else {
        format!("{}.{}", parts[..parts.len() - 1].concat(), parts[parts.len() - 1])
    };
    py_float(&joined)
}

/// python-decouple's `strtobool`: `y, yes, t, true, on, 1` / `n, no, f, false, off, 0`; its
/// `_cast_boolean` maps `""` to False. Anything else raises ValueError (None here).
pub fn decouple_bool(s: &str) -> Option<bool> {
    if s.is_empty() {
        return Some(false);
    }
    match s.to_lowercase().as_str() {
        "y" | "yes" | "t" | "true" | "on" | "1" => Some(true),
        "n" | "no" | "f" | "false" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// django-configurations `BooleanValue.to_python`: `value.strip().lower()` in
/// `yes, y, true, 1` / `no, n, false, 0, ""`; anything else raises ValueError (None here).
pub fn configurations_bool(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

/// `shlex.shlex(value, posix=True)` with `whitespace = delimiters` and `whitespace_split = True`,
/// as python-decouple's `Csv` uses it: quotes group, backslash escapes, `#` starts a comment.
pub fn shlex_split(value: &str, delimiters: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut token = String::new();
    let mut in_token = false;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if delimiters.contains(c) {
            if in_token {
                out.push(std::mem::take(&mut token));
                in_token = false;
            }
            continue;
        }
        match c {
            '#' => {
                // A comment runs to the end of the line.
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                if in_token {
                    out.push(std::mem::take(&mut token));
                    in_token = false;
                }
            }
            '\'' => {
                in_token = true;
                for n in chars.by_ref() {
                    if n == '\'' {
                        break;
                    }
                    token.push(n);
                }
            }
            '"' => {
                in_token = true;
                while let Some(n) = chars.next() {
                    match n {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\')) => token.push(chars.next().unwrap_or('\\')),
                        n => token.push(n),
                    }
                }
            }
            '\\' => {
                in_token = true;
                if let Some(n) = chars.next() {
                    token.push(n);
                }
            }
            c => {
                in_token = true;
                token.push(c);
            }
        }
    }
    if in_token {
        out.push(token);
    }
    out
}

/// The parts of a URL as `urllib.parse.urlparse` splits them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Url {
    pub scheme: String,
    pub netloc: String,
    pub path: String,
    pub query: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub hostname: Option<String>,
    pub port: Option<String>,
}

/// A small `urlparse` (enough for database, cache and email URLs).
pub fn urlparse(url: &str) -> Url {
    let mut u = Url::default();
    let mut rest = url;
    if let Some(i) = rest.find(':') {
        let scheme = &rest[..i];
        if !scheme.is_empty()
            && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            u.scheme = scheme.to_ascii_lowercase();
            rest = &rest[i + 1..];
        }
    }
    if let Some(r) = rest.strip_prefix("//") {
        let end = r.find(['/', '?', '#']).unwrap_or(r.len());
        u.netloc = r[..end].to_string();
        rest = &r[end..];
    }
    let (before_frag, _) = rest.split_once('#').unwrap_or((rest, ""));
    let (path, query) = before_frag.split_once('?').unwrap_or((before_frag, ""));
    u.path = path.to_string();
    u.query = query.to_string();
    if !u.netloc.is_empty() {
        let (userinfo, hostport) = match u.netloc.rsplit_once('@') {
            Some((a, b)) => (Some(a), b),
            None => (None, u.netloc.as_str()),
        };
        if let Some(info) = userinfo {
            match info.split_once(':') {
                Some((user, pass)) => {
                    u.username = Some(user.to_string());
                    u.password = Some(pass.to_string());
                }
                None => u.username = Some(info.to_string()),
            }
        }
        let (host, port) = if let Some(stripped) = hostport.strip_prefix('[') {
            match stripped.split_once(']') {
                Some((h, p)) => (h.to_string(), p.strip_prefix(':').map(str::to_string)),
                None => (stripped.to_string(), None),
            }
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p.to_string())),
                None => (hostport.to_string(), None),
            }
        };
        if !host.is_empty() {
            u.hostname = Some(host.to_lowercase());
        }
        u.port = port.filter(|p| !p.is_empty());
    }
    u
}

/// `urllib.parse.unquote`.
pub fn unquote(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `urllib.parse.parse_qs` (first value per key kept by the callers), in order.
pub fn parse_qs(query: &str) -> Vec<(String, String)> {
    query
        .split(['&', ';'])
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            if v.is_empty() {
                return None;
            }
            Some((unquote(&k.replace('+', " ")), unquote(&v.replace('+', " "))))
        })
        .collect()
}

/// django-environ `Env.DB_SCHEMES` (Django ≥ 2 names `postgresql`).
pub fn environ_db_engine(scheme: &str) -> Option<&'static str> {
    Some(match scheme {
        "postgres" | "postgresql" | "psql" | "pgsql" => "django.db.backends.postgresql",
        "postgis" => "django.contrib.gis.db.backends.postgis",
        "prometheus-postgresql" => "django_prometheus.db.backends.postgresql",
        "prometheus-postgis" => "django_prometheus.db.backends.postgis",
        "cockroachdb" => "django_cockroachdb",
        "mysql" | "mysql2" => "django.db.backends.mysql",
        "mysql-connector" => "mysql.connector.django",
        "mysqlgis" => "django.contrib.gis.db.backends.mysql",
        "prometheus-mysql" => "django_prometheus.db.backends.mysql",
        "mssql" => "mssql",
        "oracle" => "django.db.backends.oracle",
        "pyodbc" => "sql_server.pyodbc",
        "redshift" => "django_redshift_backend",
        "spatialite" => "django.contrib.gis.db.backends.spatialite",
        "prometheus-spatialite" => "django_prometheus.db.backends.spatialite",
        "sqlite" => "django.db.backends.sqlite3",
        "prometheus-sqlite" => "django_prometheus.db.backends.sqlite3",
        "ldap" => "ldapdb.backends.ldap",
        _ => return None,
    })
}

/// django-environ `Env.CACHE_SCHEMES`.
pub fn environ_cache_backend(scheme: &str) -> Option<&'static str> {
    Some(match scheme {
        "dbcache" => "django.core.cache.backends.db.DatabaseCache",
        "dummycache" => "django.core.cache.backends.dummy.DummyCache",
        "filecache" => "django.core.cache.backends.filebased.FileBasedCache",
        "locmemcache" => "django.core.cache.backends.locmem.LocMemCache",
        "memcache" => "django.core.cache.backends.memcached.MemcachedCache",
        "pymemcache" => "django.core.cache.backends.memcached.PyMemcacheCache",
        "pylibmc" => "django.core.cache.backends.memcached.PyLibMCCache",
        "rediscache" | "redis" | "rediss" | "valkey" | "valkeys" => "django.core.cache.backends.redis.RedisCache",
        _ => return None,
    })
}

/// django-environ `Env.EMAIL_SCHEMES`.
pub fn environ_email_backend(scheme: &str) -> Option<&'static str> {
    Some(match scheme {
        "smtp" | "smtps" | "smtp+tls" | "smtp+ssl" => "django.core.mail.backends.smtp.EmailBackend",
        "consolemail" => "django.core.mail.backends.console.EmailBackend",
        "filemail" => "django.core.mail.backends.filebased.EmailBackend",
        "memorymail" => "django.core.mail.backends.locmem.EmailBackend",
        "dummymail" => "django.core.mail.backends.dummy.EmailBackend",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_int_rules() {
        assert_eq!(py_int(" 12 "), Some(12));
        assert_eq!(py_int("-3"), Some(-3));
        assert_eq!(py_int("1_000"), Some(1000));
        assert_eq!(py_int("1__0"), None);
        assert_eq!(py_int("1.0"), None);
        assert_eq!(py_int("True"), None);
        assert_eq!(py_int(""), None);
    }

    #[test]
    fn python_float_rules() {
        assert_eq!(py_float("1.5"), Some(1.5));
        assert_eq!(py_float(" 2 "), Some(2.0));
        assert_eq!(py_float("1e3"), Some(1000.0));
        assert!(py_float("x").is_none());
    }

    #[test]
    fn django_environ_bool() {
        for t in ["1", "true", "True", " yes", "on", "ok", "Y", "2", "-1", " 1 "] {
            assert!(environ_bool(t), "{t}");
        }
        for f in ["0", "false", "False", "no", "off", "", "nope", "00"] {
            assert!(!environ_bool(f), "{f}");
        }
    }

    #[test]
    fn django_environ_float() {
        assert_eq!(environ_float("1,5"), Some(1.5));
        assert_eq!(environ_float("1.000,5"), Some(1000.5));
        assert_eq!(environ_float("33"), Some(33.0));
    }

    #[test]
    fn decouple_strtobool() {
        assert_eq!(decouple_bool("True"), Some(true));
        assert_eq!(decouple_bool("t"), Some(true));
        assert_eq!(decouple_bool("off"), Some(false));
        assert_eq!(decouple_bool(""), Some(false));
        assert_eq!(decouple_bool("ok"), None);
        assert_eq!(decouple_bool("None"), None);
    }

    #[test]
    fn configurations_boolean() {
        assert_eq!(configurations_bool(" YES "), Some(true));
        assert_eq!(configurations_bool(""), Some(false));
        assert_eq!(configurations_bool("on"), None);
    }

    #[test]
    fn shlex_like_decouple_csv() {
        assert_eq!(shlex_split("a.com, b.com", ","), ["a.com", " b.com"]);
        assert_eq!(shlex_split("'a,b',c", ","), ["a,b", "c"]);
        assert_eq!(shlex_split("a,,b,", ","), ["a", "b"]);
        assert_eq!(shlex_split("a#b,c", ","), ["a"]);
    }

    #[test]
    fn urls() {
        let u = urlparse("postgres://user:p%40ss@db.example.com:5432/app?sslmode=require");
        assert_eq!(u.scheme, "postgres");
        assert_eq!(u.username.as_deref(), Some("user"));
        assert_eq!(u.password.as_deref(), Some("p%40ss"));
        assert_eq!(unquote(u.password.as_deref().unwrap()), "p@ss");
        assert_eq!(u.hostname.as_deref(), Some("db.example.com"));
        assert_eq!(u.port.as_deref(), Some("5432"));
        assert_eq!(u.path, "/app");
        assert_eq!(parse_qs(&u.query), [("sslmode".to_string(), "require".to_string())]);
        let s = urlparse("sqlite:////tmp/db.sqlite3");
        assert_eq!(s.netloc, "");
        assert_eq!(s.path, "//tmp/db.sqlite3");
    }

    #[test]
    fn env_file_expansion() {
        let text = "A=1\nB=${A}2\nC=${MISSING}\nD=${MISSING:-x}\n";
        let file = crate::parse::dotenv::parse(text);
        let mut env = Environment::new();
        env.add_env_file(Path::new(".env.production"), text, &file);
        assert_eq!(env.get("B").unwrap().value, EnvValue::Set("12".into()));
        assert!(matches!(env.get("C").unwrap().value, EnvValue::Unknown(_)));
        assert_eq!(env.get("D").unwrap().value, EnvValue::Set("x".into()));
        assert_eq!(env.get("A").unwrap().origin.as_ref().unwrap().line, 1);
    }
}
