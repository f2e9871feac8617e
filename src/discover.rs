//! Finding the files to lint and classifying them: their kind (from the name) and their
//! environment (RULES.md, "Environments"). Classification reads names only, never contents.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::config::Config;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    EnvFile,
    Dockerfile,
    Compose,
    Python,
    /// A Procfile (`Procfile`, `Procfile.*`), read only by DEP010.
    Procfile,
    /// Any other text file, read only by `--secrets-all-files` (SEC002 and SEC004).
    Text,
    /// A folder the walk could not enter (PF001 says why: its files cannot be linted).
    Folder,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::EnvFile => "env-file",
            Kind::Dockerfile => "dockerfile",
            Kind::Compose => "compose",
            Kind::Python => "python",
            Kind::Procfile => "procfile",
            Kind::Text => "text",
            Kind::Folder => "folder",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Environment {
    Template,
    Development,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Template => "template",
            Environment::Development => "development",
            Environment::Production => "production",
        }
    }
}

/// A file's environment and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub env: Environment,
    /// The name carried no environment token: `env` was decided by the siblings.
    pub ambiguous: bool,
    pub reason: String,
    /// Under a cookiecutter/copier placeholder folder (`{{cookiecutter.project_slug}}/`).
    pub in_template_tree: bool,
}

impl Classification {
    pub fn is_production(&self) -> bool {
        self.env == Environment::Production
    }

    /// The note every diagnostic on an ambiguous production file carries.
    pub fn production_note(&self) -> Option<&'static str> {
        (self.ambiguous && self.is_production()).then_some("treated as production: no production variant found")
    }
}

/// One file to lint.
#[derive(Debug, Clone)]
pub struct Discovered {
    /// The path used to open the file.
    pub path: PathBuf,
    /// The path shown to users (relative to the current directory when possible).
    pub display: PathBuf,
    /// The path below the linted root: the "name" environment tokens are read from.
    pub rel: PathBuf,
    pub kind: Kind,
    pub class: Classification,
    /// Named on the command line (linted even when ignored).
    pub explicit: bool,
}

pub const TEMPLATE_TOKENS: &[&str] = &["example", "sample", "template", "dist"];
pub const DEVELOPMENT_TOKENS: &[&str] = &["local", "dev", "development", "test", "testing", "ci"];
pub const PRODUCTION_TOKENS: &[&str] = &["prod", "production", "live", "release", "staging", "stage", "qa", "uat"];

/// Version-control folders: never walked, whatever `exclude` says.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn", ".bzr", "_darcs", ".jj"];

/// Directory names not descended into unless `exclude` replaces this list.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    "_darcs",
    ".jj",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".eggs",
    "*.egg-info",
    "site-packages",
    "build",
    "dist",
    "target",
    "htmlcov",
    "__pypackages__",
];

/// Lower-case tokens of a path: its components split on `.`, `-`, `_` and `/`.
pub fn tokens(rel: &Path) -> Vec<String> {
    rel.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy()),
            _ => None,
        })
        .flat_map(|s| {
            s.split(['.', '-', '_']).filter(|t| !t.is_empty()).map(|t| t.to_ascii_lowercase()).collect::<Vec<_>>()
        })
        .collect()
}

/// The kind of a file from its name and its path below the root, if Preflight reads it.
pub fn kind_of(rel: &Path, config: &Config) -> Option<Kind> {
    let name = rel.file_name()?.to_string_lossy();
    let lower = name.to_ascii_lowercase();
    if config.is_extra_compose_file(rel) {
        return Some(Kind::Compose);
    }
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml && (lower.starts_with("docker-compose") || lower.starts_with("compose.") || lower.starts_with("compose-")) {
        return Some(Kind::Compose);
    }
    if yaml && is_environment_named_yaml(&lower) {
        return Some(Kind::Compose);
    }
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.starts_with("dockerfile-")
        || lower.starts_with("containerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
    {
        return Some(Kind::Dockerfile);
    }
    if lower == "procfile" || lower.starts_with("procfile.") {
        return Some(Kind::Procfile);
    }
    if is_env_file_name(rel, &lower) {
        return Some(Kind::EnvFile);
    }
    if lower.ends_with(".py") && is_settings_candidate(rel, &lower) {
        return Some(Kind::Python);
    }
    None
}

/// Stems cookiecutter-django's older layout gave its compose files (`local.yml`,
/// `production.yml`, `docs.yml` beside `compose/`); other projects copied them.
const ENVIRONMENT_YAML_STEMS: &[&str] =
    &["local", "production", "prod", "staging", "stage", "dev", "development", "docs", "test"];

/// `production.yml`, `local.yaml`...: a compose file only when its text says so (see
/// [`looks_like_compose`]); a name alone would take Ansible playbooks and CI configs.
fn is_environment_named_yaml(lower: &str) -> bool {
    let stem = lower.trim_end_matches(".yml").trim_end_matches(".yaml");
    ENVIRONMENT_YAML_STEMS.contains(&stem)
}

/// Whether a file discovery took for compose must be confirmed by its text: an
/// environment-named YAML file (`production.yml`) that the config does not name.
pub fn needs_compose_sniff(rel: &Path, config: &Config) -> bool {
    let Some(name) = rel.file_name() else { return false };
    is_environment_named_yaml(&name.to_string_lossy().to_ascii_lowercase()) && !config.is_extra_compose_file(rel)
}

/// Whether a YAML file is a Compose file: a top-level `services:` key within its first 64 KiB.
pub fn looks_like_compose(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else { return false };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = Vec::new();
    if file.take(64 * 1024).read_to_end(&mut head).is_err() {
        return false;
    }
    String::from_utf8_lossy(&head).lines().any(|line| {
        let line = line.split(" #").next().unwrap_or_default().trim_end();
        line == "services:" || line == "\"services\":" || line == "'services':"
    })
}

fn is_env_file_name(rel: &Path, lower: &str) -> bool {
    if lower == ".envrc" || lower.ends_with(".md") || lower.ends_with(".py") || lower == ".gitkeep" {
        return false;
    }
    if lower == ".env" || lower.starts_with(".env.") || lower.starts_with(".env-") || lower.starts_with(".env_") {
        return true;
    }
    if lower.len() > 4 && lower.ends_with(".env") {
        return true;
    }
    if let Some(rest) = lower.strip_prefix("env.") {
        return TEMPLATE_TOKENS.contains(&rest);
    }
    // cookiecutter-django keeps env files in `.envs/.production/.django`.
    rel.parent().is_some_and(|p| p.components().any(|c| c.as_os_str() == ".envs"))
}

fn is_settings_candidate(rel: &Path, lower: &str) -> bool {
    matches!(lower, "manage.py" | "wsgi.py" | "asgi.py")
        || lower.starts_with("settings")
        || lower.ends_with("settings.py")
        || rel
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|d| d.to_string_lossy().eq_ignore_ascii_case("settings"))
}

/// The environment a name alone gives, with the reason, or None when it carries no token.
fn class_by_name(rel: &Path, kind: Kind) -> Option<(Environment, String)> {
    let toks = tokens(rel);
    let shown = crate::source::display_path(rel);
    let find = |set: &[&str]| toks.iter().find(|t| set.contains(&t.as_str())).cloned();
    if let Some(t) = find(TEMPLATE_TOKENS) {
        return Some((Environment::Template, format!("template: `{shown}` has the token `{t}`")));
    }
    let name = rel.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if kind == Kind::Compose && (name.starts_with("docker-compose.override.") || name.starts_with("compose.override."))
    {
        return Some((Environment::Development, "development: a compose override file".into()));
    }
    if let Some(t) = find(DEVELOPMENT_TOKENS) {
        return Some((Environment::Development, format!("development: `{shown}` has the token `{t}`")));
    }
    if let Some(t) = find(PRODUCTION_TOKENS) {
        return Some((Environment::Production, format!("production: `{shown}` has the token `{t}`")));
    }
    None
}

/// Classifies files. Caches directory listings used to find production variants.
pub struct Classifier<'a> {
    config: &'a Config,
    dir_cache: DirCacheRef<'a>,
}

/// Directory listings (sorted names) already read while looking for production variants.
pub type DirCache = Mutex<HashMap<PathBuf, Vec<String>>>;

enum DirCacheRef<'a> {
    Owned(DirCache),
    Shared(&'a DirCache),
}

impl<'a> Classifier<'a> {
    pub fn new(config: &'a Config) -> Self {
        Classifier { config, dir_cache: DirCacheRef::Owned(Mutex::new(HashMap::new())) }
    }

    /// A classifier sharing its directory listings with others of the same run (a pre-commit run
    /// names many files of few folders).
    pub fn with_cache(config: &'a Config, cache: &'a DirCache) -> Self {
        Classifier { config, dir_cache: DirCacheRef::Shared(cache) }
    }

    /// `path` opens the file; `rel` is its path below the linted root.
    pub fn classify(&self, path: &Path, rel: &Path, kind: Kind) -> Classification {
        let in_template_tree = rel.components().any(|c| c.as_os_str().to_string_lossy().contains("{{"));
        if let Some((env, glob)) = self.config.environment_override(path) {
            return Classification {
                env,
                ambiguous: false,
                reason: format!("{}: matches `{glob}` in [environments] of the config", env.as_str()),
                in_template_tree,
            };
        }
        if let Some((env, reason)) = class_by_name(rel, kind) {
            return Classification { env, ambiguous: false, reason, in_template_tree };
        }
        match self.production_variant(path, rel, kind) {
            Some(variant) => Classification {
                env: Environment::Development,
                ambiguous: true,
                reason: format!(
                    "development: no environment in its name, and the production variant `{variant}` sits beside it"
                ),
                in_template_tree,
            },
            None => Classification {
                env: Environment::Production,
                ambiguous: true,
                reason:
                    "production: no environment in its name and no production variant beside it (treated as production)"
                        .into(),
                in_template_tree,
            },
        }
    }

    /// A production-named file of the same kind in the same folder.
    fn production_variant(&self, path: &Path, rel: &Path, kind: Kind) -> Option<String> {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
        let cache = match &self.dir_cache {
            DirCacheRef::Owned(c) => c,
            DirCacheRef::Shared(c) => *c,
        };
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        let names = cache.entry(dir.clone()).or_insert_with(|| {
            let mut v: Vec<String> = std::fs::read_dir(&dir)
                .map(|rd| rd.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
                .unwrap_or_default();
            v.sort();
            v
        });
        let own = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        names
            .iter()
            .filter(|n| **n != own)
            .find(|n| {
                // The sibling's kind from its path below the root (a `settings/` folder makes
                // `production.py` a settings module); its class from its own name.
                let sibling = rel.with_file_name(n.as_str());
                kind_of(&sibling, self.config) == Some(kind)
                    && matches!(class_by_name(Path::new(n.as_str()), kind), Some((Environment::Production, _)))
            })
            .cloned()
    }
}

/// Walks `root` honouring `.gitignore`/`.ignore` (with or without git) and the excludes,
/// returning `(path, rel)` for every file of a kind Preflight reads, sorted.
pub fn walk(root: &Path, config: &Config) -> Vec<(PathBuf, PathBuf, Kind)> {
    walk_files(root, config, false)
}

/// File name endings of binary formats `--secrets-all-files` never opens (other binary files are
/// recognised by a NUL byte or invalid UTF-8 once read).
const BINARY_EXTENSIONS: &str = "png jpg jpeg gif ico webp bmp tiff psd pdf zip gz tgz bz2 xz zst 7z rar tar jar \
    war whl egg class so dylib dll exe bin o a pyc pyo woff woff2 ttf otf eot mp3 mp4 mov avi webm wav ogg sqlite \
    sqlite3 db ds_store";

/// The kind of a file `--secrets-all-files` sweeps: its own kind, else [`Kind::Text`] unless its
/// name says it is binary.
pub fn kind_for_sweep(rel: &Path, config: &Config) -> Option<Kind> {
    kind_of(rel, config).or_else(|| {
        let name = rel.file_name()?.to_string_lossy().to_ascii_lowercase();
        let ext = name.rsplit('.').next().unwrap_or_default();
        (!(name.contains('.') && BINARY_EXTENSIONS.split_whitespace().any(|e| e == ext))).then_some(Kind::Text)
    })
}

/// [`walk`], and with `all` every other file as [`Kind::Text`] (`--secrets-all-files`).
pub fn walk_files(root: &Path, config: &Config, all: bool) -> Vec<(PathBuf, PathBuf, Kind)> {
    let excludes = config.exclude_matcher();
    let found = Mutex::new(Vec::new());
    let root_owned = root.to_path_buf();
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .follow_links(false)
        .threads(std::thread::available_parallelism().map_or(2, |n| n.get()).min(8));
    {
        let root = root_owned.clone();
        let excludes = excludes.clone();
        builder.filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let rel = entry.path().strip_prefix(&root).unwrap_or(entry.path());
            if is_dir && VCS_DIRS.iter().any(|d| entry.file_name() == *d) {
                return false;
            }
            if excludes.is_excluded(rel, is_dir) {
                return false;
            }
            // Any virtualenv, whatever its name.
            !(is_dir && entry.path().join("pyvenv.cfg").is_file())
        });
    }
    builder.build_parallel().run(|| {
        let found = &found;
        let root = &root_owned;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    if let Some(dir) = unreadable_folder(&e) {
                        let rel = dir.strip_prefix(root).unwrap_or(&dir).to_path_buf();
                        found.lock().unwrap_or_else(|e| e.into_inner()).push((dir, rel, Kind::Folder));
                    }
                    return ignore::WalkState::Continue;
                }
            };
            let Some(file_type) = entry.file_type().filter(|t| !t.is_dir()) else {
                return ignore::WalkState::Continue;
            };
            // A FIFO, socket or device is listed when its name is a config file's (it is never
            // opened: PF001 says so); the `--secrets-all-files` sweep takes regular files only.
            let special = !(file_type.is_file() || file_type.is_symlink());
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
            let kind = if all { kind_for_sweep(&rel, config) } else { kind_of(&rel, config) };
            if let Some(kind) = kind.filter(|k| !(special && *k == Kind::Text)) {
                found.lock().unwrap_or_else(|e| e.into_inner()).push((entry.path().to_path_buf(), rel, kind));
            }
            ignore::WalkState::Continue
        })
    });
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort();
    found
}

/// The folder a walk error is about, when the walk could not list it (permissions). Other errors
/// (a bad pattern in an ignore file) are not about a folder's files.
fn unreadable_folder(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => {
            (path.is_dir() && std::fs::read_dir(path).is_err()).then(|| path.clone())
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => unreadable_folder(err),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(rel: &str, kind: Kind) -> Option<Environment> {
        class_by_name(Path::new(rel), kind).map(|(e, _)| e)
    }

    #[test]
    fn tokens_are_whole() {
        assert_eq!(class("docker-compose.latest.yml", Kind::Compose), None);
        assert_eq!(class("devops/Dockerfile", Kind::Dockerfile), None);
        assert_eq!(class(".envs/.production/.django", Kind::EnvFile), Some(Environment::Production));
        assert_eq!(class(".env.prod-sample", Kind::EnvFile), Some(Environment::Template));
        assert_eq!(class("compose/local/django/Dockerfile", Kind::Dockerfile), Some(Environment::Development));
        assert_eq!(class(".env.staging", Kind::EnvFile), Some(Environment::Production));
        assert_eq!(class("docker-compose.override.yml", Kind::Compose), Some(Environment::Development));
        assert_eq!(class(".env", Kind::EnvFile), None);
    }

    #[test]
    fn kinds() {
        let c = Config::default();
        let k = |s: &str| kind_of(Path::new(s), &c);
        assert_eq!(k(".env"), Some(Kind::EnvFile));
        assert_eq!(k(".envrc"), None);
        assert_eq!(k(".envs/.production/.django"), Some(Kind::EnvFile));
        assert_eq!(k("deploy/prod.env"), Some(Kind::EnvFile));
        assert_eq!(k("env.py"), None);
        assert_eq!(k("Dockerfile.prod"), Some(Kind::Dockerfile));
        assert_eq!(k("docker/web.Dockerfile"), Some(Kind::Dockerfile));
        assert_eq!(k("docker-compose.prod.yml"), Some(Kind::Compose));
        assert_eq!(k("compose.yaml"), Some(Kind::Compose));
        assert_eq!(k("config/settings/base.py"), Some(Kind::Python));
        assert_eq!(k("Procfile"), Some(Kind::Procfile));
        assert_eq!(k("Procfile.dev"), Some(Kind::Procfile));
        assert_eq!(k("app/views.py"), None);
        assert_eq!(k("README.md"), None);
    }
}
