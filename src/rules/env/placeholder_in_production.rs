//! ENV003 env-placeholder-in-production: a production environment source leaves a secret-named
//! key empty or a placeholder.
//!
//! The decision ([`secrets::unset_secret`]) and the diagnostic ([`diagnostic`]) are shared: compose
//! `environment:`/`build.args` and Dockerfile `ENV` sources call them with their own spans.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dotenv::{EnvEntry, EnvValue, Quote};
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::secrets::{self, UnsetSecret};
use crate::source::{mask_secret, Span};

pub const RULE: Rule = Rule {
    code: "ENV003",
    name: "env-placeholder-in-production",
    family: Family::Env,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::Production,
    summary: "A secret-named key left empty or a placeholder in a production environment source",
    check: Check::EnvFile(check),
};

/// The ENV003 diagnostic for `key` whose value (at `span`, `value` as the consumer sees it) leaves
/// the secret unset.
pub fn diagnostic(key: &str, value: &str, unset: UnsetSecret, span: Span) -> Diagnostic {
    let (message, label) = match unset {
        UnsetSecret::Empty => {
            (format!("`{key}` is empty: the deployment either fails or runs with a blank secret"), "empty secret")
        }
        UnsetSecret::Placeholder => (
            format!(
                "`{key}` is the placeholder `{}`: the deployment either fails or runs with a guessable secret",
                mask_secret(value.trim())
            ),
            "placeholder, not a secret",
        ),
    };
    Diagnostic::new(&RULE, span, message).with_label(label).with_help(format!(
        "put a strong random value generated for this deployment here \
         (`python -c \"import secrets; print(secrets.token_urlsafe(50))\"`), or remove the line and \
         provide `{key}` from the deployment's secret store"
    ))
}

/// How many `A=${B}` steps are followed through earlier lines of the same file.
const MAX_CHAIN: usize = 8;

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    // Cookiecutter/copier template trees hold placeholders by design.
    if ctx.class().in_template_tree {
        return;
    }
    // The assignments seen so far: what a `${NAME}` on a later line resolves to.
    let mut earlier: HashMap<&str, &EnvEntry> = HashMap::new();
    for entry in &ctx.env.entries {
        // A bare `KEY` (no `=`) is ENV108's business.
        if let Some(value) = &entry.value {
            if let Some(found) = judge(ctx.text(), &entry.key, value, &earlier) {
                // An empty value points at the end of its `=`.
                let span = match &entry.eq {
                    Some(eq) if found.span.is_empty() => eq.end..eq.end,
                    _ => found.span,
                };
                let mut d = diagnostic(&entry.key, &found.value, found.unset, ctx.span(span));
                if let Some(label) = found.label {
                    d = d.with_label(label);
                }
                if let Some((span, note)) = found.via {
                    d = d.with_related(ctx.span(span), note);
                }
                out.push(d);
            }
        }
        earlier.insert(&entry.key, entry);
    }
}

struct Found {
    unset: UnsetSecret,
    /// The value judged: the value itself, a substitution's fallback, or an earlier line's value.
    value: String,
    /// Where to point: the value, or the fallback inside it.
    span: Range<usize>,
    label: Option<String>,
    /// Where a substituted placeholder comes from.
    via: Option<(Range<usize>, String)>,
}

fn is_whole_ref(v: &EnvValue) -> bool {
    v.refs.len() == 1 && v.refs[0].span == v.inner
}

/// Judges the value of `key` in an env file (`text`), following substitutions (the doc's
/// "Substitutions" section):
/// - no substitution: the value itself;
/// - the whole value is `${NAME}`/`$NAME` of a name assigned on an earlier line: that line's value
///   (a secret-named `NAME` is judged on its own line instead: one fact, one diagnostic);
/// - `${NAME:-fallback}` of a name not assigned earlier: the fallback, which applies whenever the
///   deployment does not set `NAME`;
/// - `${NAME}` of a name not assigned earlier: silent, the value comes from the deployment's
///   environment;
/// - literal text mixed with substitutions: the literal text, when it holds letters or digits.
fn judge(text: &str, key: &str, value: &EnvValue, earlier: &HashMap<&str, &EnvEntry>) -> Option<Found> {
    if !secrets::is_secret_name(key) {
        return None;
    }
    let found = |unset, value: &str, span: Range<usize>| Found {
        unset,
        value: value.to_string(),
        span,
        label: None,
        via: None,
    };
    if value.refs.is_empty() {
        let mut f = found(secrets::unset_secret(key, &value.value)?, &value.value, value.span.clone());
        if value.quote == Quote::Single && value.value.contains('$') {
            f.label = Some("single quotes: nothing is substituted, this text is the value".into());
        }
        return Some(f);
    }
    if !is_whole_ref(value) {
        let mut literal = String::new();
        let mut at = value.inner.start;
        for r in &value.refs {
            literal.push_str(text.get(at..r.span.start).unwrap_or_default());
            at = r.span.end;
        }
        literal.push_str(text.get(at..value.inner.end).unwrap_or_default());
        let has_text = literal.chars().any(char::is_alphanumeric);
        return (has_text && secrets::is_placeholder(&literal, key))
            .then(|| found(UnsetSecret::Placeholder, &literal, value.span.clone()));
    }
    let mut r = &value.refs[0];
    for _ in 0..MAX_CHAIN {
        let Some(prev) = earlier.get(r.name.as_str()) else {
            // Not assigned in this file: the deployment's environment provides it, or the fallback applies.
            let fallback = r.default.as_deref().filter(|d| !d.trim().is_empty() && r.terminated)?;
            if !secrets::is_placeholder(fallback, key) {
                return None;
            }
            // `${NAME:-fallback}`: the fallback ends just before the closing `}`.
            let end = r.span.end - 1;
            let mut f = found(UnsetSecret::Placeholder, fallback, end - fallback.len()..end);
            f.label = Some(format!("placeholder used whenever `{}` is unset", r.name));
            return Some(f);
        };
        if secrets::is_secret_name(&prev.key) {
            return None;
        }
        let prev_value = prev.value.as_ref()?;
        if is_whole_ref(prev_value) {
            r = &prev_value.refs[0];
            continue;
        }
        let unset = if prev_value.value.trim().is_empty() {
            UnsetSecret::Empty
        } else if prev_value.refs.is_empty() && secrets::is_placeholder(&prev_value.value, key) {
            UnsetSecret::Placeholder
        } else {
            return None;
        };
        let what = if unset == UnsetSecret::Empty { "empty" } else { "a placeholder" };
        let mut f = found(unset, &prev_value.value, value.span.clone());
        f.label = Some(format!("takes the value of `{}`", prev.key));
        let at = if prev_value.span.is_empty() { prev.key_span.clone() } else { prev_value.span.clone() };
        f.via = Some((at, format!("`{}` is {what} here", prev.key)));
        return Some(f);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(key, verdict, the text pointed at)` for every finding in `text`.
    fn findings(text: &str) -> Vec<(String, UnsetSecret, String)> {
        let env = crate::parse::dotenv::parse(text);
        let mut earlier: HashMap<&str, &EnvEntry> = HashMap::new();
        let mut out = Vec::new();
        for entry in &env.entries {
            if let Some(f) = entry.value.as_ref().and_then(|v| judge(text, &entry.key, v, &earlier)) {
                out.push((entry.key.clone(), f.unset, text[f.span].to_string()));
            }
            earlier.insert(&entry.key, entry);
        }
        out
    }

    #[test]
    fn substitutions() {
        use UnsetSecret::*;
        let p = |k: &str, u, t: &str| (k.to_string(), u, t.to_string());
        assert_eq!(findings("DB_PASSWORD=${PREFIX}-changeme\n"), [p("DB_PASSWORD", Placeholder, "${PREFIX}-changeme")]);
        assert_eq!(findings("DB_PASSWORD=${A}_${B}\nDB_PASS=\"$A:$B\"\n"), []);
        assert_eq!(findings("A=\nB=${A}\nDB_PASSWORD=${B}\n"), [p("DB_PASSWORD", Empty, "${B}")]);
        assert_eq!(findings("DB_PASSWORD=${X:-k8Jz1q9Lm2Nx7Vb4Rt6Yw0}\n"), []);
        assert_eq!(findings("DB_PASSWORD=\"${X-xxxx}\"\n"), [p("DB_PASSWORD", Placeholder, "xxxx")]);
        assert_eq!(findings("A=k8Jz1q9Lm2Nx7Vb4Rt6Yw0\nDB_PASSWORD=${A}\n"), []);
        assert_eq!(
            findings("SECRET_KEY=changeme\nDB_PASSWORD=${SECRET_KEY}\n"),
            [p("SECRET_KEY", Placeholder, "changeme")]
        );
        assert_eq!(findings("DEBUG=\nDB_PASSWORD=$DB_PASSWORD\n"), []);
    }
}
