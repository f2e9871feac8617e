//! SEC: secrets, in every file kind. Each rule runs once per file read ([`Check::File`]) on the
//! file's secret scan ([`crate::secrets::scan`], done once by the pipeline) and on the literal
//! values [`literals`] finds in it: env-file entries, compose `environment:` and `build.args`,
//! Dockerfile `ENV` and `ARG` defaults, and settings literals (nested dict values and env-read
//! defaults included) of every production settings evaluation.
//!
//! One fact, one diagnostic (RULES.md): a provider token is SEC002's, a URL with a literal
//! password SEC004's, a secret-named key SEC001's, any other random-looking value SEC003's; a
//! literal `SECRET_KEY` is DJ002's and a literal JWT signing key DJ020's; a placeholder in a
//! production source is ENV003's.
//!
//! [`Check::File`]: crate::registry::Check::File

pub mod credentials_in_url;
pub mod hardcoded_secret;
pub mod high_entropy_secret;
pub mod provider_token;

use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::parse::dockerfile::Body;
use crate::parse::dotenv::EnvValue;
use crate::project::{FileCtx, Parsed};
use crate::settings::{Kind as ValueKind, StepKind, Value};

/// Whether production reads the file: None when it does not; else the note its diagnostics carry
/// (an ambiguous file treated as production). A file that a production settings evaluation read
/// (`config/settings/base.py` under `production.py`, an env file `read_env` loads) is production
/// whatever its name.
pub fn production(ctx: &FileCtx<'_>) -> Option<Option<&'static str>> {
    let read_by_settings = ctx.project.settings.iter().any(|m| m.files.contains(&Some(ctx.id)));
    if read_by_settings {
        Some(None)
    } else if ctx.class().is_production() {
        Some(ctx.class().production_note())
    } else {
        None
    }
}

/// Appends the production note to a diagnostic's message.
pub fn with_note(mut d: Diagnostic, note: Option<&'static str>) -> Diagnostic {
    if let Some(note) = note {
        d.message = format!("{} ({note})", d.message);
    }
    d
}

/// The values of environment assignments inlined in a Dockerfile `RUN` (`RUN
/// DATABASE_URL=postgres://app:dummy@localhost/app python manage.py collectstatic`): build-time
/// dummies that exist for one command and never reach the image's environment.
pub fn build_time_dummies(ctx: &FileCtx<'_>) -> Vec<Range<usize>> {
    let Parsed::Dockerfile(model) = &ctx.file.parsed else { return Vec::new() };
    model.dockerfile.instructions.iter().flat_map(|i| i.assignments.iter().map(|a| a.value_span.clone())).collect()
}

/// Where a literal is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    EnvFile,
    /// A compose service's `environment:`.
    ComposeEnvironment,
    /// A compose service's `build.args`.
    ComposeBuildArg,
    DockerfileEnv,
    DockerfileArg,
    Settings,
}

/// A literal value assigned to a key.
#[derive(Debug, Clone)]
pub struct Literal {
    /// How the key is shown: `POSTGRES_PASSWORD`, `DATABASES["default"]["PASSWORD"]`.
    pub key: String,
    /// The names that say what the value is: the key (for settings, the innermost dict key and the
    /// setting) and the variable an env read names.
    pub names: Vec<String>,
    /// The value as its consumer reads it.
    pub value: String,
    /// Where it is written in the file.
    pub span: Range<usize>,
    pub source: Source,
    /// The compose service it belongs to.
    pub service: Option<String>,
}

impl Literal {
    /// True when any of its names is secret-named.
    pub fn secret_named(&self) -> bool {
        self.names.iter().any(|n| crate::secrets::is_secret_name(n))
    }

    /// Where the key is, for messages: "`KEY`", "`KEY` of service `web`".
    pub fn shown_key(&self) -> String {
        match (&self.service, self.source) {
            (Some(s), Source::ComposeBuildArg) => format!("build arg `{}` of service `{s}`", self.key),
            (Some(s), _) => format!("`{}` of service `{s}`", self.key),
            (None, Source::DockerfileArg) => format!("ARG `{}`", self.key),
            (None, Source::DockerfileEnv) => format!("ENV `{}`", self.key),
            _ => format!("`{}`", self.key),
        }
    }

    /// An address rather than a secret: a URL with no credentials in it
    /// (`SECRET_STORE=https://vault.example.com`; a password in a URL is SEC004's).
    pub fn is_plain_url(&self) -> bool {
        let v = self.value.trim();
        let scheme = v.split_once("://").map(|(s, _)| s).unwrap_or_default();
        !scheme.is_empty()
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
            && !v.contains('@')
            && !v.contains(char::is_whitespace)
    }

    /// A boolean or a small number under a secret-named key (`PASSWORD_MIN_LENGTH=8`,
    /// `REQUIRE_PASSWORD=true`) is a setting, not a secret.
    pub fn is_flag_or_count(&self) -> bool {
        let v = self.value.trim().to_ascii_lowercase();
        matches!(v.as_str(), "true" | "false" | "yes" | "no" | "on" | "off")
            || (v.len() <= 3 && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    }
}

/// The literal values of a file (see the module docs), in file order. A value built from a
/// variable (`${DB_PASSWORD}`, `$DB_PASSWORD`) is not literal; the fallback of
/// `${DB_PASSWORD:-fallback}` is.
pub fn literals(ctx: &FileCtx<'_>) -> Vec<Literal> {
    let mut out = Vec::new();
    match &ctx.file.parsed {
        Parsed::Env(env) => {
            for e in &env.entries {
                let Some(v) = &e.value else { continue };
                if let Some((value, span)) = env_literal(v) {
                    out.push(Literal {
                        key: e.key.clone(),
                        names: vec![e.key.clone()],
                        value,
                        span,
                        source: Source::EnvFile,
                        service: None,
                    });
                }
            }
        }
        Parsed::Compose(compose) => compose_literals(ctx, compose, &mut out),
        Parsed::Dockerfile(model) => {
            for ins in &model.dockerfile.instructions {
                let pairs: Vec<(&str, &crate::parse::dockerfile::Value, Source)> = match &ins.body {
                    Body::Pairs(kvs) if ins.kind == crate::parse::dockerfile::Kind::Env => {
                        kvs.iter().map(|kv| (kv.key.text.as_str(), &kv.value, Source::DockerfileEnv)).collect()
                    }
                    Body::Args(args) => args
                        .iter()
                        .filter_map(|a| a.default.as_ref().map(|d| (a.name.text.as_str(), d, Source::DockerfileArg)))
                        .collect(),
                    _ => continue,
                };
                for (key, v, source) in pairs {
                    let inner = unquoted_span(ctx.text(), &v.span, &v.text);
                    if let Some((value, at)) = substitution_literal(&v.text) {
                        let span = if inner.len() == v.text.len() {
                            inner.start + at.start..inner.start + at.end
                        } else {
                            inner
                        };
                        out.push(Literal {
                            key: key.to_string(),
                            names: vec![key.to_string()],
                            value,
                            span,
                            source,
                            service: None,
                        });
                    }
                }
            }
        }
        // Python settings modules (and any file a settings evaluation read).
        // Process lines are commands, not assignments.
        Parsed::Procfile(_) => {}
        Parsed::Unparsed => settings_literals(ctx, &mut out),
    }
    out
}

/// The byte range of a value's text between its quotes, when it is written quoted without escapes.
fn unquoted_span(text: &str, span: &Range<usize>, value: &str) -> Range<usize> {
    let written = text.get(span.clone()).unwrap_or_default();
    let quoted = written.len() == value.len() + 2
        && ((written.starts_with('"') && written.ends_with('"'))
            || (written.starts_with('\'') && written.ends_with('\'')));
    if quoted {
        span.start + 1..span.end - 1
    } else {
        span.clone()
    }
}

/// The literal part of a value that Compose or a Dockerfile interpolates: the whole value when it
/// uses no variable (`$$` is a literal `$`), the fallback of a whole `${NAME:-fallback}` or
/// `${NAME-fallback}`; None when a variable provides the value. The range is the literal's place
/// in `value`.
pub fn substitution_literal(value: &str) -> Option<(String, Range<usize>)> {
    let without_escapes = value.replace("$$", "");
    if !without_escapes.contains('$') {
        return Some((value.to_string(), 0..value.len()));
    }
    let inner = value.strip_prefix("${")?.strip_suffix('}')?;
    let name_len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let rest = &inner[name_len..];
    let fallback = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-'))?;
    if fallback.contains('$') || fallback.contains('}') {
        return None;
    }
    let start = value.len() - 1 - fallback.len();
    Some((fallback.to_string(), start..value.len() - 1))
}

/// An env-file value's literal part, with python-dotenv's semantics (the parser's): a value with
/// no braced `${...}` is literal (single quotes, `$` inside a key); a whole `${NAME:-fallback}`
/// gives its fallback; any other braced reference makes the value come from elsewhere.
fn env_literal(v: &EnvValue) -> Option<(String, Range<usize>)> {
    let braced: Vec<_> = v.refs.iter().filter(|r| r.braced).collect();
    if braced.is_empty() {
        let whole_ref = v.refs.len() == 1 && v.refs[0].span == v.inner;
        return (!whole_ref).then(|| (v.value.clone(), v.inner.clone()));
    }
    let r = braced[0];
    if braced.len() > 1 || r.span != v.inner || !r.terminated {
        return None;
    }
    let fallback = r.default.as_ref().filter(|d| !d.contains('$'))?;
    let end = r.span.end - 1;
    Some((fallback.clone(), end - fallback.len()..end))
}

fn compose_literals(ctx: &FileCtx<'_>, compose: &crate::parse::compose::ComposeFile, out: &mut Vec<Literal>) {
    let text = ctx.text();
    let source = |span: crate::source::Span| text.get(span.range());
    for entry in compose.services() {
        let service = crate::parse::compose::Service::read(&entry.key, entry.key_span, &entry.value, &source);
        let args = service.build.iter().flat_map(|b| b.args.iter().map(|a| (a, Source::ComposeBuildArg)));
        let env = service.environment.iter().map(|e| (e, Source::ComposeEnvironment));
        for (var, kind) in env.chain(args) {
            let Some(v) = &var.value else { continue };
            if v.span.file != ctx.id {
                continue;
            }
            let inner = unquoted_span(text, &v.span.range(), &v.text);
            let Some((value, at)) = substitution_literal(&v.text) else { continue };
            let span = if inner.len() == v.text.len() { inner.start + at.start..inner.start + at.end } else { inner };
            out.push(Literal {
                key: var.key.clone(),
                names: vec![var.key.clone()],
                value,
                span,
                source: kind,
                service: Some(service.name.clone()),
            });
        }
    }
}

/// Settings that DJ rules own: DJ002 (`SECRET_KEY`, `SECRET_KEY_FALLBACKS`) and DJ020 (the JWT
/// signing key) report their literals.
fn owned_by_dj(path: &[String]) -> bool {
    let top = path.first().map(String::as_str).unwrap_or_default();
    let last = path.last().map(String::as_str).unwrap_or_default();
    matches!(top, "SECRET_KEY" | "SECRET_KEY_FALLBACKS" | "JWT_SECRET_KEY")
        || (top == "SIMPLE_JWT" && last == "SIGNING_KEY")
        || (top == "JWT_AUTH" && last == "JWT_SECRET_KEY")
}

/// The text between the quotes of a plain Python string literal (`"…"`, `'''…'''`, `r"…"`), as a
/// range of `written`; None for f-strings and anything else (a call, a concatenation).
fn python_string_inner(written: &str) -> Option<Range<usize>> {
    let prefix = written.find(['"', '\''])?;
    if prefix > 2 || !written[..prefix].chars().all(|c| matches!(c, 'r' | 'R' | 'u' | 'U' | 'b' | 'B')) {
        return None;
    }
    let body = &written[prefix..];
    let quote = ["\"\"\"", "'''", "\"", "'"].into_iter().find(|q| body.starts_with(q))?;
    if body.len() < 2 * quote.len() || !body.ends_with(quote) {
        return None;
    }
    Some(prefix + quote.len()..written.len() - quote.len())
}

/// The string literals of every production settings evaluation whose origin is in this file.
fn settings_literals(ctx: &FileCtx<'_>, out: &mut Vec<Literal>) {
    for model in &ctx.project.settings {
        if !model.files.contains(&Some(ctx.id)) {
            continue;
        }
        for (name, value) in &model.eval.values {
            let mut leaves = Vec::new();
            walk(value, &mut vec![name.clone()], &mut leaves);
            for (path, v) in leaves {
                if owned_by_dj(&path) {
                    continue;
                }
                let (Some(s), Some(origin)) = (v.as_str(), v.origin) else { continue };
                let Some(span) = model.span(origin).filter(|sp| sp.file == ctx.id) else { continue };
                let Some(inner) = model.eval.text_at(origin).and_then(python_string_inner) else { continue };
                let span = span.start + inner.start..span.start + inner.end;
                if out.iter().any(|l| l.span == span) {
                    continue;
                }
                let mut names = vec![path.last().cloned().unwrap_or_default()];
                if path.len() > 1 {
                    names.push(path[0].clone());
                }
                names.extend(v.steps.to_vec().into_iter().filter_map(|st| match st.kind {
                    StepKind::EnvRead { var } => Some(var),
                    _ => None,
                }));
                let key = path
                    .iter()
                    .enumerate()
                    .map(|(i, p)| if i == 0 { p.clone() } else { format!("[{p:?}]") })
                    .collect::<String>();
                out.push(Literal { key, names, value: s.to_string(), span, source: Source::Settings, service: None });
            }
        }
    }
    if ctx.project.settings.iter().any(|m| m.files.contains(&Some(ctx.id))) {
        env_read_defaults(ctx.text(), out);
    }
    out.sort_by_key(|l| l.span.start);
}

/// An env read with a literal string default: `os.environ.get("X", "default")`, `os.getenv`,
/// django-environ `env("X", default=...)`/`env.str`, python-decouple `config("X", default=...)`.
const ENV_READ_DEFAULT: &str = r#"\b(?:os\.environ\.get|os\.getenv|environ\.get|getenv|env|env\.str|config)\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*,\s*(?:default\s*=\s*)?[rRuU]?(?:"([^"\\\n]*)"|'([^'\\\n]*)')"#;

/// The literal defaults of env reads in a settings file, also where the production environment
/// sets the variable (the evaluation then never sees the default, yet it is written in the
/// repository and applies whenever the variable is missing). Named by the variable; a read on a
/// line about `SECRET_KEY` or a JWT signing key is DJ002's or DJ020's.
fn env_read_defaults(text: &str, out: &mut Vec<Literal>) {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(ENV_READ_DEFAULT).expect("valid regex"));
    if !text.contains("env") && !text.contains("config(") {
        return;
    }
    for c in re.captures_iter(text) {
        let (Some(var), Some(value)) = (c.get(1), c.get(2).or_else(|| c.get(3))) else { continue };
        let line_start = text[..c.get(0).map_or(0, |m| m.start())].rfind('\n').map_or(0, |i| i + 1);
        let before = &text[line_start..var.start()];
        let assigned: String =
            before.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if owned_by_dj(&[assigned]) || before.contains("\"SIGNING_KEY\"") || before.contains("'SIGNING_KEY'") {
            continue;
        }
        let span = value.range();
        if out.iter().any(|l| l.span == span) {
            continue;
        }
        out.push(Literal {
            key: var.as_str().to_string(),
            names: vec![var.as_str().to_string()],
            value: value.as_str().to_string(),
            span,
            source: Source::Settings,
            service: None,
        });
    }
}

/// Collects the string leaves of a settings value with their key path (dict keys; list items keep
/// their container's path; every alternative of an undecided `if`).
fn walk<'v>(value: &'v Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, &'v Value)>) {
    match &value.kind {
        ValueKind::Str(_) => out.push((path.clone(), value)),
        ValueKind::Dict(d) => {
            for (k, v) in d.iter() {
                let Some(k) = k.as_str() else { continue };
                path.push(k.to_string());
                walk(v, path, out);
                path.pop();
            }
        }
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
            for v in items.iter() {
                walk(v, path, out);
            }
        }
        ValueKind::OneOf(o) => {
            for v in &o.alternatives {
                walk(v, path, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutions() {
        assert_eq!(substitution_literal("abc"), Some(("abc".into(), 0..3)));
        assert_eq!(substitution_literal("pa$$word"), Some(("pa$$word".into(), 0..8)));
        assert_eq!(substitution_literal("${DB_PASSWORD}"), None);
        assert_eq!(substitution_literal("$DB_PASSWORD"), None);
        assert_eq!(substitution_literal("x${A}y"), None);
        assert_eq!(substitution_literal("${DB_PASSWORD:-hunter22}"), Some(("hunter22".into(), 15..23)));
        assert_eq!(substitution_literal("${DB_PASSWORD-hunter22}"), Some(("hunter22".into(), 14..22)));
        assert_eq!(substitution_literal("${DB_PASSWORD:?required}"), None);
        assert_eq!(substitution_literal("${A:-${B}}"), None);
    }

    #[test]
    fn env_read_defaults_by_variable() {
        let text = "import os\nDB = {\"PASSWORD\": os.environ.get(\"DB_PASSWORD\", \"pw-1234\")}\nSECRET_KEY = env(\"DJANGO_SECRET_KEY\", default=\"abc\")\nX = config('API_TOKEN', default='tok')\nY = os.getenv(\"NAME\")\n";
        let mut out = Vec::new();
        env_read_defaults(text, &mut out);
        let got: Vec<(&str, &str)> = out.iter().map(|l| (l.key.as_str(), &text[l.span.clone()])).collect();
        assert_eq!(got, [("DB_PASSWORD", "pw-1234"), ("API_TOKEN", "tok")]);
    }

    #[test]
    fn python_strings() {
        assert_eq!(python_string_inner("\"abc\""), Some(1..4));
        assert_eq!(python_string_inner("r'abc'"), Some(2..5));
        assert_eq!(python_string_inner("'''abc'''"), Some(3..6));
        assert_eq!(python_string_inner("f\"{x}\""), None);
        assert_eq!(python_string_inner("os.environ.get('X', 'y')"), None);
        assert_eq!(python_string_inner("\"\""), Some(1..1));
    }
}
