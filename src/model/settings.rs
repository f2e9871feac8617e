//! The settings model: for each Django project in the linted tree, the settings module production
//! loads, evaluated under the production environment (production env files), with every file the
//! evaluation read joined to the project so diagnostics can point into it.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use crate::discover::{Classifier, Discovered, Kind};
use crate::project::{Parsed, ProjectFile};
use crate::settings::{
    self, discover_modules, resolve::normalize, DiscoverInput, DjangoVersion, Environment, Evaluated, FsReader, Loc,
    ModuleChoice, Options, Reader, SourceKind,
};
use crate::source::{FileId, SourceFile, Span};

/// One evaluated production settings module.
#[derive(Debug)]
pub struct SettingsModel {
    pub choice: ModuleChoice,
    pub eval: Evaluated,
    /// The project file of each of `eval.sources` (by `SrcId`); None for a source outside the
    /// project (an env file the evaluation loaded itself).
    pub files: Vec<Option<FileId>>,
    /// The production services evaluated with this module and environment (empty without a
    /// Compose service: the production env files).
    pub services: Vec<String>,
    /// The Compose `env_file` entries that feed an env file to those services: the env file's
    /// normalized path, and the entry's span.
    pub feeds: Vec<(PathBuf, Span)>,
}

impl SettingsModel {
    /// A settings location as a project span.
    pub fn span(&self, loc: Loc) -> Option<Span> {
        self.files.get(loc.file.0 as usize).copied().flatten().map(|f| Span::new(f, loc.range()))
    }

    /// The Compose `env_file` entries that feed the env file a location lies in, as related
    /// labels (provenance of a value set in an env file).
    pub fn feeds_at(&self, loc: Loc) -> Vec<crate::diagnostic::Related> {
        let Some(src) = self.eval.sources.get(loc.file.0 as usize) else { return Vec::new() };
        if !matches!(src.kind, SourceKind::EnvFile) {
            return Vec::new();
        }
        let key = normalize(&src.path);
        let who = if self.services.is_empty() {
            String::new()
        } else {
            format!(" (service `{}`)", self.services.join("`, `"))
        };
        self.feeds
            .iter()
            .filter(|(p, _)| *p == key)
            .map(|(_, span)| crate::diagnostic::Related {
                span: *span,
                message: format!("this env file feeds the production container{who}"),
            })
            .collect()
    }
}

/// The linted root a discovered file came from: its path without its `rel` components.
pub fn linted_root(found: &Discovered) -> PathBuf {
    let mut root = found.path.clone();
    for _ in found.rel.components() {
        if !root.pop() {
            break;
        }
    }
    root
}

/// Discovers and evaluates the production settings module of every project under the linted
/// roots. Python files the evaluation reads are added to `files` (or given their text when
/// discovery listed them unread).
pub fn build(
    files: &mut Vec<ProjectFile>,
    configs: &[std::sync::Arc<crate::config::Config>],
    explicit: Option<&str>,
    deployment: &crate::model::deployment::DeploymentModel,
) -> Vec<SettingsModel> {
    let mut roots: Vec<(PathBuf, usize)> = Vec::new();
    for f in files.iter() {
        let r = (linted_root(&f.found), f.config);
        if !roots.iter().any(|(p, _)| *p == r.0) {
            roots.push(r);
        }
    }
    let reader = FsReader::default();
    // Project files by normalised path, built once (every evaluation joins its sources to them).
    let mut by_path: HashMap<PathBuf, FileId> =
        files.iter().enumerate().map(|(id, f)| (normalize(&f.found.path), id)).collect();
    let mut models = Vec::new();
    for (root, config) in roots {
        let in_root = |f: &&ProjectFile| linted_root(&f.found) == root;
        let python: Vec<PathBuf> =
            files.iter().filter(in_root).filter(|f| f.kind() == Kind::Python).map(|f| f.found.path.clone()).collect();
        if python.is_empty() {
            continue;
        }
        let explicit = explicit.or(configs[config].settings_module.as_deref());
        // The environments production runs with: each Django service's (deduplicated), else the
        // production env files over the ENV of the production Dockerfiles.
        let mut envs: Vec<ServiceEnv> = Vec::new();
        for link in deployment.services.iter().filter(|l| l.django) {
            let Some(app) = deployment.compose.apps.get(link.app) else { continue };
            let in_this_root =
                app.files.first().and_then(|&id| files.get(id)).is_some_and(|f| linted_root(&f.found) == root);
            if !in_this_root {
                continue;
            }
            let feeds: Vec<(PathBuf, Span)> = link
                .sources
                .iter()
                .filter_map(|s| Some((normalize(&files.get(s.file?)?.found.path), s.span?)))
                .filter(|(_, span)| files.get(span.file).is_some_and(|f| f.kind() == Kind::Compose))
                .collect();
            let key = env_key(&link.env);
            let dir = app.files.first().and_then(|&id| files.get(id)).map(|f| normalize(&f.found.path));
            let dir = dir.as_deref().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
            let at = match envs.iter().position(|e| e.key == key) {
                Some(at) => at,
                None => {
                    let env = link.env.clone();
                    envs.push(ServiceEnv { env, key, services: Vec::new(), feeds: Vec::new(), dirs: Vec::new() });
                    envs.len() - 1
                }
            };
            let e = &mut envs[at];
            e.services.push(link.name.clone());
            for f in feeds {
                if !e.feeds.contains(&f) {
                    e.feeds.push(f);
                }
            }
            if !e.dirs.contains(&dir) {
                e.dirs.push(dir);
            }
        }
        if envs.is_empty() {
            let mut env = Environment::new();
            for f in files.iter().filter(in_root).filter(|f| f.class().is_production()) {
                if let Parsed::Dockerfile(m) = &f.parsed {
                    if let Some(stage) = m.dockerfile.final_stage() {
                        crate::model::deployment::add_dockerfile_env(&mut env, m, stage.index, &f.found.path);
                    }
                }
            }
            for f in files.iter().filter(in_root).filter(|f| f.class().is_production()) {
                if let Parsed::Env(parsed) = &f.parsed {
                    env.add_env_file(&f.found.path, &f.source.text, parsed);
                }
            }
            envs.push(ServiceEnv {
                env,
                key: String::new(),
                services: Vec::new(),
                feeds: Vec::new(),
                dirs: Vec::new(),
            });
        }
        // Which modules to evaluate under which environment (each pair once), then evaluate them in
        // parallel: evaluations are independent, joining their files to the project is not.
        let jobs = pair_modules_with_envs(&envs, |env| {
            let selected = settings::discover::selected_in(env);
            discover_modules(&DiscoverInput {
                linted_root: &root,
                python_files: &python,
                selected: &selected,
                explicit,
                reader: &reader,
            })
        });
        let evals: Vec<Evaluated> = jobs
            .par_iter()
            .map(|(i, choice, file)| {
                // Absolute imports resolve in the module's own project: in a monorepo, a sibling
                // project's modules are not on its path.
                let opts = Options {
                    django: DjangoVersion::V5_2,
                    roots: vec![choice.root.clone()],
                    configuration: choice.configuration.clone(),
                };
                settings::evaluate_file(file, &choice.root, &choice.module, &envs[*i].env, &reader, &opts)
            })
            .collect();
        for ((i, choice, _), eval) in jobs.into_iter().zip(evals) {
            let ServiceEnv { services, feeds, .. } = &envs[i];
            let ids = join_sources(files, &eval, &root, config, configs, &mut by_path);
            // The entry point a development default is written in (DEP008 points into it): read
            // it when discovery listed it unread.
            if let Some(dev) = &choice.dev_default {
                if let Some(&id) = by_path.get(&normalize(&dev.file)) {
                    if files[id].source.text.is_empty() {
                        if let Some(text) = reader.read(&dev.file).filter(|t| !t.is_empty()) {
                            files[id].source = SourceFile::new(files[id].found.display.clone(), text.to_string());
                        }
                    }
                }
            }
            let model = SettingsModel { choice, eval, files: ids, services: services.clone(), feeds: feeds.clone() };
            mask_secret_literals(&model, files);
            models.push(model);
        }
    }
    models
}

/// A production environment, the services that run with it, the `env_file` entries that feed
/// them, and the folders of the compose files that define them (none for the environment made of
/// the production env files, which applies to every project).
struct ServiceEnv {
    env: Environment,
    /// [`env_key`] of `env`.
    key: String,
    services: Vec<String>,
    feeds: Vec<(PathBuf, Span)>,
    dirs: Vec<PathBuf>,
}

impl ServiceEnv {
    /// Whether this environment runs the project at `root`: its compose files are in the project
    /// or in a folder above it (a monorepo's `docker-compose.yml` beside `backend/manage.py`).
    fn runs(&self, root: &Path) -> bool {
        let root = normalize(root);
        self.dirs.is_empty() || self.dirs.iter().any(|d| d.starts_with(&root) || root.starts_with(d))
    }
}

/// The (environment index, module choice, module file) pairs to evaluate, each once. Each project
/// is evaluated under the environments that run it; a project that no environment runs (its
/// compose files in a sibling folder) under every environment. Pairing each project with every
/// environment would make a tree of N projects cost N² evaluations.
fn pair_modules_with_envs(
    envs: &[ServiceEnv],
    discover: impl Fn(&Environment) -> Vec<ModuleChoice>,
) -> Vec<(usize, ModuleChoice, PathBuf)> {
    let choices: Vec<Vec<ModuleChoice>> = envs.iter().map(|e| discover(&e.env)).collect();
    let run_somewhere: HashSet<PathBuf> = choices
        .iter()
        .zip(envs)
        .flat_map(|(cs, e)| cs.iter().filter(|c| e.runs(&c.root)).map(|c| normalize(&c.root)))
        .collect();
    let mut done: HashSet<(PathBuf, String, usize)> = HashSet::new();
    let mut jobs = Vec::new();
    for (i, cs) in choices.into_iter().enumerate() {
        for choice in cs {
            let Some(file) = choice.file.clone() else { continue };
            if !envs[i].runs(&choice.root) && run_somewhere.contains(&normalize(&choice.root)) {
                continue;
            }
            if done.insert((normalize(&file), choice.module.clone(), i)) {
                jobs.push((i, choice, file));
            }
        }
    }
    jobs
}

/// A key identifying an environment (its variables, values and origins).
fn env_key(env: &Environment) -> String {
    env.iter().map(|(k, v)| format!("{k}={v:?}\n")).collect()
}

/// Maps every source of an evaluation to a project file, adding the Python files it read.
fn join_sources(
    files: &mut Vec<ProjectFile>,
    eval: &Evaluated,
    root: &Path,
    config: usize,
    configs: &[std::sync::Arc<crate::config::Config>],
    by_path: &mut HashMap<PathBuf, FileId>,
) -> Vec<Option<FileId>> {
    eval.sources
        .iter()
        .map(|src| {
            let key = normalize(&src.path);
            let text = match (&src.kind, &src.text) {
                (SourceKind::Python { .. }, Some(text)) => Some(text),
                _ => None,
            };
            match (by_path.get(&key).copied(), text) {
                (Some(id), Some(text)) => {
                    if files[id].source.text.is_empty() && !text.is_empty() {
                        files[id].source = SourceFile::new(files[id].found.display.clone(), text.to_string());
                    }
                    loaded_by_production(&mut files[id], &eval.module);
                    Some(id)
                }
                (Some(id), None) => Some(id),
                (None, Some(text)) => {
                    let rel = src.path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| src.path.clone());
                    let class = Classifier::new(&configs[config]).classify(&src.path, &rel, Kind::Python);
                    let display = crate::check::display_relative(&src.path);
                    let found =
                        Discovered { path: src.path.clone(), display, rel, kind: Kind::Python, class, explicit: false };
                    files.push(ProjectFile {
                        source: SourceFile::new(found.display.clone(), text.to_string()),
                        found,
                        config,
                        parsed: Parsed::Unparsed,
                    });
                    if let Some(f) = files.last_mut() {
                        loaded_by_production(f, &eval.module);
                    }
                    by_path.insert(key, files.len() - 1);
                    Some(files.len() - 1)
                }
                (None, None) => None,
            }
        })
        .collect()
}

/// A Python module that the production settings module loads (`base.py` under
/// `from .base import *`) is production (RULES.md, "Environments"), even when a production-named
/// sibling made its name look like development: only such ambiguous names are reclassified.
fn loaded_by_production(file: &mut ProjectFile, module: &str) {
    let class = &mut file.found.class;
    if class.ambiguous && !class.is_production() {
        class.env = crate::discover::Environment::Production;
        class.ambiguous = false;
        class.reason = format!("production: loaded by the production settings module `{module}`");
    }
}

/// Secret literals written in Python (a `SECRET_KEY`, `DATABASES[..]["PASSWORD"]`,
/// `SIMPLE_JWT["SIGNING_KEY"]`) are masked wherever the file's text is shown, like env-file
/// secrets: every string a secret-named setting or dict key holds, where it is written.
fn mask_secret_literals(model: &SettingsModel, files: &mut [ProjectFile]) {
    fn walk(
        value: &crate::settings::Value,
        secret: bool,
        model: &SettingsModel,
        files: &mut [ProjectFile],
        depth: usize,
    ) {
        use crate::settings::Kind;
        if depth > 16 {
            return;
        }
        match &value.kind {
            Kind::Str(s) if secret && !s.is_empty() && !crate::secrets::is_placeholder(s, "") => {
                if let Some(span) = value.origin.and_then(|loc| model.span(loc)) {
                    let file = &mut files[span.file];
                    // Inside the quotes of a literal: the reader still sees it is a string.
                    let mut range = span.range();
                    if let Some(t) = file.source.text.get(range.clone()) {
                        let quote = t.chars().next().filter(|c| *c == '"' || *c == '\'');
                        if let Some(q) = quote.filter(|q| t.len() >= 2 && t.ends_with(*q)) {
                            range = range.start + q.len_utf8()..range.end - q.len_utf8();
                        }
                    }
                    if file.kind() == crate::discover::Kind::Python && !file.source.redactions.contains(&range) {
                        file.source.redactions.push(range);
                    }
                }
            }
            Kind::List(items) | Kind::Tuple(items) | Kind::Set(items) => {
                for item in items.iter() {
                    walk(item, secret, model, files, depth + 1);
                }
            }
            Kind::Dict(d) => {
                for (k, v) in d.iter() {
                    let key_secret =
                        k.as_str().is_some_and(|k| k == "SIGNING_KEY" || crate::secrets::is_secret_name(k));
                    walk(v, secret || key_secret, model, files, depth + 1);
                }
            }
            Kind::OneOf(o) => {
                for alt in &o.alternatives {
                    walk(alt, secret, model, files, depth + 1);
                }
            }
            _ => {}
        }
    }
    for (name, value) in &model.eval.values {
        walk(value, crate::secrets::is_secret_name(name), model, files, 0);
    }
}

#[cfg(test)]
mod tests {
    /// Sibling projects in one linted root: each settings module is evaluated under its own
    /// project's services only (N evaluations, not N²).
    #[test]
    fn sibling_projects_are_evaluated_under_their_own_services() {
        let dir = tempfile::tempdir().unwrap();
        let n = 4;
        for i in 0..n {
            let compose = format!(
                "services:\n  web{i}:\n    image: shop/web\n    command: gunicorn config.wsgi\n    environment:\n      DJANGO_SETTINGS_MODULE: config.settings.production\n      PROJECT: p{i}\n"
            );
            let files = [
                (
                    "manage.py",
                    "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.production')\n"
                        .to_string(),
                ),
                ("config/__init__.py", String::new()),
                ("config/settings/__init__.py", String::new()),
                ("config/settings/production.py", "DEBUG = False\n".to_string()),
                ("docker-compose.production.yml", compose),
            ];
            for (path, text) in files {
                let p = dir.path().join(format!("p{i}/{path}"));
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, text).unwrap();
            }
        }
        let opts = crate::Options { paths: vec![dir.path().to_path_buf()], isolated: true, ..Default::default() };
        let report = crate::check(&opts).unwrap();
        let mut pairs: Vec<(String, Vec<String>)> = report
            .project
            .settings
            .iter()
            .map(|m| {
                let root = m.choice.root.file_name().unwrap().to_string_lossy().into_owned();
                (root, m.services.clone())
            })
            .collect();
        pairs.sort();
        let want: Vec<(String, Vec<String>)> = (0..n).map(|i| (format!("p{i}"), vec![format!("web{i}")])).collect();
        assert_eq!(pairs, want);
    }
}
