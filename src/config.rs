//! Configuration: `preflight.toml`, `.preflight.toml` or `[tool.preflight]` in `pyproject.toml`,
//! found by searching upward from each linted path (as ruff does).
//!
//! Every mistake (unknown key, bad glob, unknown code, bad duration) is an error that points into
//! the config file.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::discover::{Environment, DEFAULT_EXCLUDES};
use crate::registry;

/// Config files are small: anything bigger is refused.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// A configuration problem. Rendered with miette, pointing into the file when there is one.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub message: String,
    pub file: Option<(PathBuf, String)>,
    pub span: Option<Range<usize>>,
    pub help: Option<String>,
}

impl ConfigError {
    fn plain(message: impl Into<String>) -> Self {
        ConfigError { message: message.into(), file: None, span: None, help: None }
    }

    pub fn report(&self) -> miette::Report {
        self.report_as("preflight::config")
    }

    /// The report with another miette code (`preflight::baseline` for a baseline file).
    pub fn report_as(&self, code: &str) -> miette::Report {
        let mut diag = miette::MietteDiagnostic::new(self.message.clone()).with_code(code);
        if let Some(help) = &self.help {
            diag = diag.with_help(help.clone());
        }
        if let Some(span) = &self.span {
            diag = diag.with_label(miette::LabeledSpan::at(span.clone(), "here"));
        }
        let report = miette::Report::new(diag);
        match &self.file {
            Some((path, text)) => {
                // Shown relative to the current folder when it lies below it, as linted files are.
                let cwd = std::env::current_dir().unwrap_or_default();
                let shown = path.strip_prefix(&cwd).unwrap_or(path);
                report.with_source_code(miette::NamedSource::new(crate::source::display_path(shown), text.clone()))
            }
            None => report,
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.file {
            Some((p, _)) => write!(f, "{}: {}", p.display(), self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Numbers the rules compare against (`[thresholds]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    pub jwt_access_max_secs: u64,
    pub lockout_attempts: u64,
    pub lockout_window_secs: u64,
    pub hsts_min_seconds: u64,
    pub log_level_min: String,
    /// Lowest acceptable runtime versions (DEP009), as `[major, minor, ...]`.
    pub python_min: Vec<u64>,
    pub postgres_min: Vec<u64>,
    pub redis_min: Vec<u64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            jwt_access_max_secs: 15 * 60,
            lockout_attempts: 5,
            lockout_window_secs: 15 * 60,
            hsts_min_seconds: 31_536_000,
            log_level_min: "INFO".into(),
            python_min: vec![3, 11],
            postgres_min: vec![14],
            redis_min: vec![6],
        }
    }
}

/// One layer of rule selection (a config file, or the command line), applied like ruff:
/// `select` replaces what came before, `extend-select` adds, `ignore` removes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SelectLayer {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
}

/// Path exclusion: directory names and globs never walked into.
#[derive(Clone)]
pub struct Excludes {
    set: GlobSet,
}

impl Excludes {
    pub fn is_excluded(&self, rel: &Path, _is_dir: bool) -> bool {
        self.set.is_match(rel) || rel.file_name().is_some_and(|n| self.set.is_match(Path::new(n)))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file this came from, if any.
    pub path: Option<PathBuf>,
    /// Globs are relative to this folder.
    pub dir: PathBuf,
    pub selection: SelectLayer,
    pub per_file_ignores: Vec<(String, GlobSet, Vec<String>)>,
    pub severity: BTreeMap<&'static str, Severity>,
    pub fail_on: Option<Severity>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    pub environments: Vec<(Environment, String, GlobSet)>,
    pub compose_files: Option<(Vec<String>, GlobSet)>,
    /// Compose file sets (`compose-files = [["docker-compose.yml", "docker-compose.prod.yml"]]`):
    /// files that run together, in merge order, as paths below the config folder.
    pub compose_sets: Vec<Vec<PathBuf>>,
    /// Base images the config declares to run unprivileged (`nonroot-images = ["myorg/base*"]`):
    /// DF001 treats them like the built-in list. Globs over the reference as written in `FROM`
    /// (after ARG expansion), with or without its tag.
    pub nonroot_images: Option<(Vec<String>, GlobSet)>,
    /// `settings-module = "config.settings.production"`: the production settings module,
    /// overriding discovery (the `--settings` flag overrides this).
    pub settings_module: Option<String>,
    pub thresholds: Thresholds,
}

/// A list of strings, each with its span, and the span of the whole list.
type SpannedList = Spanned<Vec<Spanned<String>>>;

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawConfig {
    select: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    per_file_ignores: Option<BTreeMap<Spanned<String>, SpannedList>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    fail_on: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    extend_exclude: Option<Vec<Spanned<String>>>,
    /// Each item a name glob (a string) or a file set (a list of paths).
    compose_files: Option<Vec<Spanned<toml::Value>>>,
    nonroot_images: Option<Vec<Spanned<String>>>,
    settings_module: Option<Spanned<String>>,
    environments: Option<RawEnvironments>,
    thresholds: Option<RawThresholds>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawEnvironments {
    production: Option<Vec<Spanned<String>>>,
    development: Option<Vec<Spanned<String>>>,
    template: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawThresholds {
    jwt_access_max: Option<Spanned<String>>,
    lockout_attempts: Option<Spanned<i64>>,
    lockout_window: Option<Spanned<String>>,
    hsts_min_seconds: Option<Spanned<i64>>,
    log_level_min: Option<Spanned<String>>,
    python_min: Option<Spanned<String>>,
    postgres_min: Option<Spanned<String>>,
    redis_min: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct PyProject {
    tool: Option<PyTool>,
}

#[derive(Deserialize)]
struct PyTool {
    preflight: Option<RawConfig>,
}

/// Python's logging level names (upper case; `WARN` and `FATAL` are aliases).
pub const LOG_LEVELS: &[(&str, u32)] = &[
    ("CRITICAL", 50),
    ("FATAL", 50),
    ("ERROR", 40),
    ("WARNING", 30),
    ("WARN", 30),
    ("INFO", 20),
    ("DEBUG", 10),
    ("NOTSET", 0),
];

/// Parses a version threshold (`3.11`, `14`, `6.2`): one to three dot-separated numbers.
pub fn parse_version(s: &str) -> Option<Vec<u64>> {
    let parts: Vec<&str> = s.trim().split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    parts
        .iter()
        .map(|p| (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten())
        .collect()
}

/// Parses `30s`, `15m`, `1h`, `1d` (or a bare number of seconds) into seconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: u64 = num.parse().ok()?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return None,
    };
    n.checked_mul(mult)
}

impl Config {
    /// Finds the config that applies to `path`: the nearest one in it or above it.
    pub fn discover(path: &Path) -> Result<Config, ConfigError> {
        let start =
            if path.is_dir() { path.to_path_buf() } else { path.parent().map(Path::to_path_buf).unwrap_or_default() };
        let start = if start.as_os_str().is_empty() { PathBuf::from(".") } else { start };
        let abs = std::path::absolute(&start).unwrap_or(start);
        for dir in abs.ancestors() {
            for name in ["preflight.toml", ".preflight.toml"] {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Config::load(&candidate);
                }
            }
            let py = dir.join("pyproject.toml");
            if py.is_file() {
                if let Some(cfg) = Config::load_pyproject(&py, false)? {
                    return Ok(cfg);
                }
            }
        }
        Ok(Config { dir: abs, ..Config::default() })
    }

    /// Loads a config file named explicitly (`--config`).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            return Config::load_pyproject(path, true)?.ok_or_else(|| ConfigError {
                message: "pyproject.toml has no [tool.preflight] table".into(),
                file: None,
                span: None,
                help: None,
            });
        }
        let text = read_config_text(path)?;
        let raw: RawConfig = toml::from_str(&text).map_err(|e| toml_error(path, &text, e))?;
        Config::from_raw(raw, path, &text)
    }

    fn load_pyproject(path: &Path, required: bool) -> Result<Option<Config>, ConfigError> {
        let text = read_config_text(path)?;
        if !required && !text.contains("tool.preflight") {
            return Ok(None);
        }
        let py: PyProject = toml::from_str(&text).map_err(|e| toml_error(path, &text, e))?;
        match py.tool.and_then(|t| t.preflight) {
            Some(raw) => Config::from_raw(raw, path, &text).map(Some),
            None => Ok(None),
        }
    }

    fn from_raw(raw: RawConfig, path: &Path, text: &str) -> Result<Config, ConfigError> {
        let err = |span: Range<usize>, message: String, help: Option<String>| ConfigError {
            message,
            file: Some((path.to_path_buf(), text.to_string())),
            span: Some(span),
            help,
        };
        let selectors = |list: Option<Vec<Spanned<String>>>| -> Result<Vec<String>, ConfigError> {
            let mut out = Vec::new();
            for s in list.unwrap_or_default() {
                if !registry::is_valid_selector(s.get_ref()) {
                    return Err(err(
                        s.span(),
                        format!("unknown rule code or name `{}`", s.get_ref()),
                        Some("`preflight rules` lists every code and name".into()),
                    ));
                }
                out.push(s.into_inner());
            }
            Ok(out)
        };
        let glob = |s: &Spanned<String>| -> Result<Glob, ConfigError> {
            Glob::new(s.get_ref())
                .map_err(|e| err(s.span(), format!("invalid glob `{}`: {}", s.get_ref(), e.kind()), None))
        };
        let globset = |list: &[Spanned<String>]| -> Result<GlobSet, ConfigError> {
            let mut b = GlobSetBuilder::new();
            for s in list {
                b.add(glob(s)?);
            }
            b.build().map_err(|e| ConfigError::plain(e.to_string()))
        };
        let dir = std::path::absolute(path.parent().unwrap_or(Path::new("."))).unwrap_or_default();
        let mut cfg = Config { path: Some(path.to_path_buf()), dir, ..Config::default() };
        cfg.selection = SelectLayer {
            select: match raw.select {
                Some(v) => Some(selectors(Some(v))?),
                None => None,
            },
            extend_select: selectors(raw.extend_select)?,
            ignore: selectors(raw.ignore)?,
        };
        for (pattern, codes) in raw.per_file_ignores.unwrap_or_default() {
            let span = pattern.span();
            let pattern = pattern.into_inner();
            let set = Glob::new(&pattern)
                .map_err(|e| {
                    err(span.clone(), format!("invalid glob `{pattern}` in per-file-ignores: {}", e.kind()), None)
                })
                .and_then(|g| GlobSetBuilder::new().add(g).build().map_err(|e| ConfigError::plain(e.to_string())))?;
            cfg.per_file_ignores.push((pattern, set, selectors(Some(codes.into_inner()))?));
        }
        if let Some(sev) = raw.severity {
            for (code, level) in sev {
                let Some(rule) = registry::find(code.get_ref()) else {
                    return Err(err(
                        code.span(),
                        format!("unknown rule code or name `{}` in [severity]", code.get_ref()),
                        Some("`preflight rules` lists every code and name".into()),
                    ));
                };
                let Some(l) = Severity::parse(level.get_ref()) else {
                    return Err(err(
                        level.span(),
                        format!("invalid severity `{}`", level.get_ref()),
                        Some("use error, warning or info".into()),
                    ));
                };
                cfg.severity.insert(rule.code, l);
            }
        }
        if let Some(f) = raw.fail_on {
            cfg.fail_on = Some(Severity::parse(f.get_ref()).ok_or_else(|| {
                err(f.span(), format!("invalid fail-on `{}`", f.get_ref()), Some("use error, warning or info".into()))
            })?);
        }
        if let Some(ex) = raw.exclude {
            globset(&ex)?;
            cfg.exclude = Some(ex.into_iter().map(Spanned::into_inner).collect());
        }
        if let Some(ex) = raw.extend_exclude {
            globset(&ex)?;
            cfg.extend_exclude = ex.into_iter().map(Spanned::into_inner).collect();
        }
        if let Some(cf) = raw.compose_files {
            // A string is a name glob; a list of strings is a file set (its files are compose
            // files too).
            let mut globs: Vec<Spanned<String>> = Vec::new();
            for item in cf {
                let span = item.span();
                let shape_error = || {
                    err(
                        span.clone(),
                        "compose-files items are name globs (\"production.yml\") or file sets \
                         ([\"docker-compose.yml\", \"docker-compose.prod.yml\"])"
                            .into(),
                        None,
                    )
                };
                match item.into_inner() {
                    toml::Value::String(g) => globs.push(Spanned::new(span, g)),
                    toml::Value::Array(files) => {
                        let mut set = Vec::new();
                        for f in files {
                            let toml::Value::String(f) = f else { return Err(shape_error()) };
                            let full = cfg.dir.join(&f);
                            if !full.is_file() {
                                return Err(err(
                                    span.clone(),
                                    format!("compose-files: the file set names `{f}`, which does not exist"),
                                    Some("paths in a file set are relative to the folder of the config file".into()),
                                ));
                            }
                            globs.push(Spanned::new(span.clone(), globset::escape(&f)));
                            set.push(full);
                        }
                        if set.is_empty() {
                            return Err(shape_error());
                        }
                        cfg.compose_sets.push(set);
                    }
                    _ => return Err(shape_error()),
                }
            }
            let set = globset(&globs)?;
            cfg.compose_files = Some((globs.into_iter().map(Spanned::into_inner).collect(), set));
        }
        if let Some(m) = raw.settings_module {
            let valid = !m.get_ref().is_empty()
                && m.get_ref().split('.').all(|part| {
                    part.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                        && part.chars().all(|c| c.is_alphanumeric() || c == '_')
                });
            if !valid {
                return Err(err(
                    m.span(),
                    format!("invalid settings-module `{}`", m.get_ref()),
                    Some("write a dotted Python module path, such as `config.settings.production`".into()),
                ));
            }
            cfg.settings_module = Some(m.into_inner());
        }
        if let Some(images) = raw.nonroot_images {
            for i in &images {
                let v = i.get_ref();
                if v.is_empty() || v.contains(char::is_whitespace) || v.contains("://") {
                    return Err(err(
                        i.span(),
                        format!("invalid image pattern `{v}` in nonroot-images"),
                        Some("write an image reference as in FROM, globs allowed: \"myorg/django-base\", \"ghcr.io/acme/*\"".into()),
                    ));
                }
            }
            let set = globset(&images)?;
            cfg.nonroot_images = Some((images.into_iter().map(Spanned::into_inner).collect(), set));
        }
        if let Some(envs) = raw.environments {
            for (env, list) in [
                (Environment::Template, envs.template),
                (Environment::Development, envs.development),
                (Environment::Production, envs.production),
            ] {
                for g in list.unwrap_or_default() {
                    let set = globset(std::slice::from_ref(&g))?;
                    cfg.environments.push((env, g.into_inner(), set));
                }
            }
        }
        if let Some(t) = raw.thresholds {
            let duration = |d: Spanned<String>| -> Result<u64, ConfigError> {
                parse_duration(d.get_ref()).filter(|&s| s > 0).ok_or_else(|| {
                    err(
                        d.span(),
                        format!("invalid duration `{}`", d.get_ref()),
                        Some("write a number with a unit: 30s, 15m, 1h or 1d".into()),
                    )
                })
            };
            let positive = |n: Spanned<i64>, what: &str| -> Result<u64, ConfigError> {
                u64::try_from(*n.get_ref())
                    .ok()
                    .filter(|&v| v > 0)
                    .ok_or_else(|| err(n.span(), format!("{what} must be a positive integer"), None))
            };
            if let Some(d) = t.jwt_access_max {
                cfg.thresholds.jwt_access_max_secs = duration(d)?;
            }
            if let Some(d) = t.lockout_window {
                cfg.thresholds.lockout_window_secs = duration(d)?;
            }
            if let Some(n) = t.lockout_attempts {
                cfg.thresholds.lockout_attempts = positive(n, "lockout-attempts")?;
            }
            if let Some(n) = t.hsts_min_seconds {
                cfg.thresholds.hsts_min_seconds = u64::try_from(*n.get_ref())
                    .map_err(|_| err(n.span(), "hsts-min-seconds must not be negative".into(), None))?;
            }
            if let Some(l) = t.log_level_min {
                if !LOG_LEVELS.iter().any(|(name, _)| name == l.get_ref()) {
                    return Err(err(
                        l.span(),
                        format!("invalid log level `{}`", l.get_ref()),
                        Some("use one of Python's level names: DEBUG, INFO, WARNING, ERROR, CRITICAL".into()),
                    ));
                }
                cfg.thresholds.log_level_min = l.into_inner();
            }
            for (v, key, slot) in [
                (t.python_min, "python-min", &mut cfg.thresholds.python_min),
                (t.postgres_min, "postgres-min", &mut cfg.thresholds.postgres_min),
                (t.redis_min, "redis-min", &mut cfg.thresholds.redis_min),
            ] {
                let Some(v) = v else { continue };
                *slot = parse_version(v.get_ref()).ok_or_else(|| {
                    err(
                        v.span(),
                        format!("invalid {key} `{}`", v.get_ref()),
                        Some("write a version as a string of dot-separated numbers: \"3.11\", \"14\"".into()),
                    )
                })?;
            }
        }
        Ok(cfg)
    }

    /// The path of `path` relative to the config folder, for glob matching.
    fn rel<'p>(&self, path: &'p Path) -> std::borrow::Cow<'p, Path> {
        match std::path::absolute(path) {
            Ok(abs) => match abs.strip_prefix(&self.dir) {
                Ok(r) => std::borrow::Cow::Owned(r.to_path_buf()),
                Err(_) => std::borrow::Cow::Borrowed(path),
            },
            Err(_) => std::borrow::Cow::Borrowed(path),
        }
    }

    /// The `[environments]` override for a file, with the glob that matched.
    pub fn environment_override(&self, path: &Path) -> Option<(Environment, String)> {
        if self.environments.is_empty() {
            return None;
        }
        let rel = self.rel(path);
        self.environments.iter().find(|(_, _, set)| set.is_match(&*rel)).map(|(env, g, _)| (*env, g.clone()))
    }

    /// Whether `nonroot-images` names this base image (`reference` as in FROM after ARG expansion;
    /// a pattern without a tag matches every tag).
    pub fn is_nonroot_image(&self, reference: &str) -> bool {
        let Some((_, set)) = &self.nonroot_images else { return false };
        let untagged = reference.split('@').next().unwrap_or(reference);
        let name = match untagged.rfind(':') {
            Some(i) if !untagged[i..].contains('/') => &untagged[..i],
            _ => untagged,
        };
        set.is_match(reference) || set.is_match(untagged) || set.is_match(name)
    }

    /// Names the config adds to the compose file patterns (`compose-files = ["production.yml"]`).
    pub fn is_extra_compose_file(&self, rel: &Path) -> bool {
        self.compose_files
            .as_ref()
            .is_some_and(|(_, set)| set.is_match(rel) || rel.file_name().is_some_and(|n| set.is_match(Path::new(n))))
    }

    pub fn exclude_matcher(&self) -> Excludes {
        let mut b = GlobSetBuilder::new();
        let base: Vec<&str> = match &self.exclude {
            Some(v) => v.iter().map(String::as_str).collect(),
            None => DEFAULT_EXCLUDES.to_vec(),
        };
        for g in base.into_iter().chain(self.extend_exclude.iter().map(String::as_str)) {
            if let Ok(g) = Glob::new(g) {
                b.add(g);
            }
        }
        Excludes { set: b.build().unwrap_or_else(|_| GlobSet::empty()) }
    }

    /// Codes ignored for `path` by `per-file-ignores`.
    pub fn per_file_ignored(&self, path: &Path) -> Vec<&'static str> {
        if self.per_file_ignores.is_empty() {
            return Vec::new();
        }
        let rel = self.rel(path);
        self.per_file_ignores
            .iter()
            .filter(|(_, set, _)| set.is_match(&*rel))
            .flat_map(|(_, _, sels)| sels.iter().flat_map(|s| registry::matching(s)))
            .map(|r| r.code)
            .collect()
    }
}

fn read_config_text(path: &Path) -> Result<String, ConfigError> {
    let fail = |what: String| ConfigError::plain(format!("cannot read config file {}: {what}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(fail(format!("{} bytes, over the {} byte limit for config files", meta.len(), MAX_CONFIG_BYTES)));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| fail(format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to())))
}

fn toml_error(path: &Path, text: &str, e: toml::de::Error) -> ConfigError {
    ConfigError {
        message: e.message().to_string(),
        file: Some((path.to_path_buf(), text.to_string())),
        span: e.span(),
        help: None,
    }
}

/// The enabled rule codes after applying the layers in order (config first, then the command line).
pub fn resolve_selection(layers: &[&SelectLayer]) -> std::collections::BTreeSet<&'static str> {
    let mut enabled: std::collections::BTreeSet<&'static str> =
        registry::all().filter(|r| r.default_enabled).map(|r| r.code).collect();
    for layer in layers {
        if let Some(select) = &layer.select {
            enabled = select.iter().flat_map(|s| registry::matching(s)).map(|r| r.code).collect();
        }
        enabled.extend(layer.extend_select.iter().flat_map(|s| registry::matching(s)).map(|r| r.code));
        for s in &layer.ignore {
            for r in registry::matching(s) {
                enabled.remove(r.code);
            }
        }
    }
    enabled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_minimums_are_validated_versions() {
        assert_eq!(parse_version("3.11"), Some(vec![3, 11]));
        assert_eq!(parse_version("14"), Some(vec![14]));
        assert_eq!(parse_version("6.2.1"), Some(vec![6, 2, 1]));
        for bad in ["", "3.", "v3", "3.11-slim", "1.2.3.4", "latest"] {
            assert_eq!(parse_version(bad), None, "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("preflight.toml");
        std::fs::write(&path, "[thresholds]\npython-min = \"3.12\"\npostgres-min = \"15\"\n").unwrap();
        let cfg = Config::load(&path).unwrap();
        assert_eq!(cfg.thresholds.python_min, vec![3, 12]);
        assert_eq!(cfg.thresholds.postgres_min, vec![15]);
        assert_eq!(cfg.thresholds.redis_min, vec![6]);
        std::fs::write(&path, "[thresholds]\nredis-min = \"six\"\n").unwrap();
        assert!(Config::load(&path).unwrap_err().message.contains("invalid redis-min"));
    }

    #[test]
    fn compose_files_take_globs_and_file_sets() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["docker-compose.yml", "docker-compose.prod.yml"] {
            std::fs::write(dir.path().join(f), "services: {}\n").unwrap();
        }
        let path = dir.path().join("preflight.toml");
        let write = |text: &str| std::fs::write(&path, text).unwrap();
        write("compose-files = [\"production.yml\", [\"docker-compose.yml\", \"docker-compose.prod.yml\"]]\n");
        let cfg = Config::load(&path).unwrap();
        assert!(cfg.is_extra_compose_file(Path::new("production.yml")));
        assert!(cfg.is_extra_compose_file(Path::new("docker-compose.prod.yml")));
        assert_eq!(cfg.compose_sets.len(), 1);
        assert_eq!(cfg.compose_sets[0][1], dir.path().join("docker-compose.prod.yml"));
        // The old form (globs only) still works.
        write("compose-files = [\"deploy/*.yml\"]\n");
        let cfg = Config::load(&path).unwrap();
        assert!(cfg.is_extra_compose_file(Path::new("deploy/stack.yml")));
        assert!(cfg.compose_sets.is_empty());
        write("compose-files = [[\"missing.yml\"]]\n");
        assert!(Config::load(&path).unwrap_err().message.contains("does not exist"));
        write("compose-files = [1]\n");
        assert!(Config::load(&path).unwrap_err().message.contains("name globs"));
    }

    #[test]
    fn nonroot_images_are_validated_globs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("preflight.toml");
        let write = |text: &str| std::fs::write(&path, text).unwrap();
        write("nonroot-images = [\"myorg/django-base\", \"ghcr.io/acme/*\"]\n");
        let cfg = Config::load(&path).unwrap();
        assert!(cfg.is_nonroot_image("myorg/django-base"));
        assert!(cfg.is_nonroot_image("myorg/django-base:1.4@sha256:abc"));
        assert!(cfg.is_nonroot_image("ghcr.io/acme/web:2"));
        assert!(!cfg.is_nonroot_image("myorg/django-base-dev:1"));
        assert!(!cfg.is_nonroot_image("python:3.12"));
        assert!(!Config::default().is_nonroot_image("myorg/django-base"));
        for bad in ["[\"\"]", "[\"my image\"]", "[\"a[\"]", "\"x\""] {
            write(&format!("nonroot-images = {bad}\n"));
            assert!(Config::load(&path).is_err(), "{bad}");
        }
        write("nonroot-images = [\"my image\"]\n");
        let e = Config::load(&path).unwrap_err();
        assert!(e.message.contains("invalid image pattern"), "{}", e.message);
        assert_eq!(e.span, Some(18..28));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Some(30));
        assert_eq!(parse_duration("15m"), Some(900));
        assert_eq!(parse_duration("1h"), Some(3600));
        assert_eq!(parse_duration("1d"), Some(86400));
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("15 minutes"), None);
        assert_eq!(parse_duration("m"), None);
    }
}
