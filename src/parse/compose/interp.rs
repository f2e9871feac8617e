//! Compose interpolation: `${VAR}`, `$VAR`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`,
//! `${VAR:+a}`, `${VAR+a}` and `$$`, with nested defaults (`${A:-${B}}`).
//!
//! Values come from the project's `.env` only (never the linter's own environment). A variable
//! the `.env` does not set is *unknown*: the deployment may set it, or not. Whatever depends on an
//! unknown variable becomes a [`HOLE`] in the text, and readers treat a field holding a hole as
//! unknown (never true or false, never root or not). A `${VAR:-default}` of an unknown variable is
//! unknown too: the deployment's own environment decides.

use std::collections::HashMap;

/// Stands for text that depends on an unknown variable.
pub const HOLE: char = '\u{E000}';

/// The variables known to interpolation (from the `.env` beside the compose file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    pub values: HashMap<String, String>,
}

impl Vars {
    /// The variables of a project `.env`, as Compose reads it: later lines win, and a value may
    /// use the lines above it (`B=${A}/x`); single-quoted values are taken as written.
    pub fn from_env(env: &crate::parse::dotenv::EnvFile) -> Vars {
        let mut vars = Vars::default();
        for entry in &env.entries {
            let Some(value) = &entry.value else { continue };
            let v = if value.refs.is_empty() || value.quote == crate::parse::dotenv::Quote::Single {
                value.value.clone()
            } else {
                interpolate(&value.value, &vars).text
            };
            vars.values.insert(entry.key.clone(), v);
        }
        vars
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// The result of interpolating one string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolated {
    pub text: String,
    /// Variables the text uses, known or not.
    pub vars: Vec<String>,
    /// A malformed `${` (Compose refuses the file: "invalid interpolation format").
    pub error: Option<String>,
}

pub fn has_hole(s: &str) -> bool {
    s.contains(HOLE)
}

/// Interpolates `raw` with `vars`.
pub fn interpolate(raw: &str, vars: &Vars) -> Interpolated {
    let mut out = Interpolated { text: String::with_capacity(raw.len()), vars: Vec::new(), error: None };
    if !raw.contains('$') {
        out.text.push_str(raw);
        return out;
    }
    expand(raw, vars, &mut out, 0);
    out
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The end of a `${...}` body starting at `from` (just past `${`): the index of its `}`.
fn closing_brace(s: &str, from: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn expand(raw: &str, vars: &Vars, out: &mut Interpolated, depth: usize) {
    let mut rest = raw;
    while let Some(i) = rest.find('$') {
        out.text.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.text.push('$');
            rest = tail;
            continue;
        }
        if let Some(body_start) = after.strip_prefix('{') {
            let Some(close) = closing_brace(body_start, 0) else {
                out.error.get_or_insert_with(|| "a `${` is never closed".into());
                out.text.push(HOLE);
                return;
            };
            braced(&body_start[..close], vars, out, depth);
            rest = &body_start[close + 1..];
            continue;
        }
        let name_len = after.find(|c: char| !is_name_char(c)).unwrap_or(after.len());
        if name_len == 0 || !after.starts_with(is_name_start) {
            // A lone `$` stays as written.
            out.text.push('$');
            rest = after;
            continue;
        }
        let name = &after[..name_len];
        out.vars.push(name.to_string());
        match vars.get(name) {
            Some(v) => out.text.push_str(v),
            None => out.text.push(HOLE),
        }
        rest = &after[name_len..];
    }
    out.text.push_str(rest);
}

/// One `${...}` body.
fn braced(body: &str, vars: &Vars, out: &mut Interpolated, depth: usize) {
    let name_len = body.find(|c: char| !is_name_char(c)).unwrap_or(body.len());
    let name = &body[..name_len];
    if name.is_empty() || !name.starts_with(is_name_start) {
        out.error.get_or_insert_with(|| format!("invalid interpolation format `${{{body}}}`"));
        out.text.push(HOLE);
        return;
    }
    out.vars.push(name.to_string());
    let op = &body[name_len..];
    let value = vars.get(name);
    let nested = |text: &str, out: &mut Interpolated| {
        if depth < 8 {
            expand(text, vars, out, depth + 1);
        } else {
            out.text.push(HOLE);
        }
    };
    let (colon, rest) = match op.strip_prefix(':') {
        Some(r) => (true, r),
        None => (false, op),
    };
    let set = |v: Option<&str>| if colon { v.is_some_and(|v| !v.is_empty()) } else { v.is_some() };
    match rest.chars().next() {
        None if !colon => match value {
            Some(v) => out.text.push_str(v),
            None => out.text.push(HOLE),
        },
        Some('-') => match value {
            None => out.text.push(HOLE),
            Some(v) if set(Some(v)) => out.text.push_str(v),
            Some(_) => nested(&rest[1..], out),
        },
        Some('?') => match value {
            Some(v) if set(Some(v)) => out.text.push_str(v),
            // Unknown, or known to be unset: Compose stops with the error message.
            _ => out.text.push(HOLE),
        },
        Some('+') => match value {
            None => out.text.push(HOLE),
            Some(v) if set(Some(v)) => nested(&rest[1..], out),
            Some(_) => {}
        },
        _ => {
            out.error.get_or_insert_with(|| format!("invalid interpolation format `${{{body}}}`"));
            out.text.push(HOLE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        Vars { values: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    fn i(raw: &str, v: &Vars) -> String {
        interpolate(raw, v).text.replace(HOLE, "?")
    }

    #[test]
    fn every_form() {
        let v = vars(&[("A", "a"), ("E", ""), ("P", "5432")]);
        assert_eq!(i("${A}", &v), "a");
        assert_eq!(i("$A/x", &v), "a/x");
        assert_eq!(i("${U}", &v), "?");
        assert_eq!(i("$U", &v), "?");
        assert_eq!(i("${E:-d}", &v), "d");
        assert_eq!(i("${E-d}", &v), "");
        assert_eq!(i("${A:-d}", &v), "a");
        assert_eq!(i("${U:-5432}:5432", &v), "?:5432");
        assert_eq!(i("${P:-1}:5432", &v), "5432:5432");
        assert_eq!(i("${A:?err}", &v), "a");
        assert_eq!(i("${E:?err}", &v), "?");
        assert_eq!(i("${E?err}", &v), "");
        assert_eq!(i("${U?err}", &v), "?");
        assert_eq!(i("${A:+alt}", &v), "alt");
        assert_eq!(i("${E:+alt}", &v), "");
        assert_eq!(i("${E+alt}", &v), "alt");
        assert_eq!(i("${U+alt}", &v), "?");
        assert_eq!(i("$$A", &v), "$A");
        assert_eq!(i("a$", &v), "a$");
        assert_eq!(i("${E:-${A}}", &v), "a");
        assert_eq!(i("${E:-${U}x}", &v), "?x");
        assert!(interpolate("${A", &v).error.is_some());
        assert!(interpolate("${}", &v).error.is_some());
        assert_eq!(interpolate("${A}-$P", &v).vars, ["A", "P"]);
    }

    #[test]
    fn env_file_values_interpolate_earlier_lines() {
        let env = crate::parse::dotenv::parse("A=1\nB=${A}/x\nC='${A}'\n");
        let v = Vars::from_env(&env);
        assert_eq!(v.get("B"), Some("1/x"));
        assert_eq!(v.get("C"), Some("${A}"));
    }
}
