//! The settings model: for each Django project in the linted tree, the settings module production
//! loads, evaluated under the production environment (production env files), with every file the
//! evaluation read joined to the project so diagnostics can point into it.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
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
    overlays: &crate::overlay::Overlays,
) -> Vec<SettingsModel> {
    // Each file's linted root, found once.
    let file_roots: Vec<PathBuf> = files.iter().map(|f| linted_root(&f.found)).collect();
    let mut roots: Vec<(PathBuf, usize)> = Vec::new();
    for (f, root) in files.iter().zip(&file_roots) {
        if !roots.iter().any(|(p, _)| p == root) {
            roots.push((root.clone(), f.config));
        }
    }
    let reader = crate::overlay::OverlayReader { fs: FsReader::default(), overlays: overlays.clone() };
    // Project files by normalised path, built once (every evaluation joins its sources to them).
    let mut by_path: HashMap<PathBuf, FileId> =
        files.iter().enumerate().map(|(id, f)| (normalize(&f.found.path), id)).collect();
    let mut models = Vec::new();
    for (root, config) in roots {
        let members: Vec<FileId> = (0..file_roots.len()).filter(|&id| file_roots[id] == root).collect();
        let python: Vec<PathBuf> = members
            .iter()
            .map(|&id| &files[id])
            .filter(|f| f.kind() == Kind::Python)
            .map(|f| f.found.path.clone())
            .collect();
        if python.is_empty() {
            continue;
        }
        let explicit = explicit.or(configs[config].settings_module.as_deref());
        // The Django projects of this tree (folders with a `manage.py`): in a monorepo, a
        // deployment file applies to the projects it lies in or above, not to its siblings.
        let project_roots = settings::discover::project_roots(&root, &python);
        // The environments production runs with: each Django service's (deduplicated), then, for
        // each project no service runs, the production env files over the ENV of the production
        // Dockerfiles that apply to it.
        let mut envs: Vec<ServiceEnv> = Vec::new();
        for link in deployment.services.iter().filter(|l| l.django) {
            let Some(app) = deployment.compose.apps.get(link.app) else { continue };
            let Some(first) = app.files.first().and_then(|&id| files.get(id)) else { continue };
            if app.files.first().is_none_or(|&id| file_roots.get(id) != Some(&root)) {
                continue;
            }
            let scope = applies_to(first.found.path.parent().unwrap_or(Path::new("")), &project_roots);
            let feeds: Vec<(PathBuf, Span)> = link
                .sources
                .iter()
                .filter_map(|s| Some((normalize(&files.get(s.file?)?.found.path), s.span?)))
                .filter(|(_, span)| files.get(span.file).is_some_and(|f| f.kind() == Kind::Compose))
                .collect();
            let key = env_key(&link.env);
            match envs.iter_mut().find(|e| e.key == key) {
                Some(e) => {
                    e.services.push(link.name.clone());
                    for f in feeds {
                        if !e.feeds.contains(&f) {
                            e.feeds.push(f);
                        }
                    }
                    for r in scope {
                        if !e.roots.contains(&r) {
                            e.roots.push(r);
                        }
                    }
                }
                None => envs.push(ServiceEnv {
                    env: link.env.clone(),
                    key,
                    services: vec![link.name.clone()],
                    feeds,
                    roots: scope,
                }),
            }
        }
        // The production env files and Dockerfiles of this tree, with the projects each applies to.
        let normalized_roots: Vec<PathBuf> = project_roots.iter().map(|r| normalize(r)).collect();
        let root_index = RootIndex::new(&project_roots, &normalized_roots);
        let mut deploy_files: HashMap<&PathBuf, Vec<&ProjectFile>> = HashMap::new();
        for f in members.iter().map(|&id| &files[id]) {
            if !(f.class().is_production() && matches!(f.parsed, Parsed::Env(_) | Parsed::Dockerfile(_))) {
                continue;
            }
            let dir = normalize(f.found.path.parent().unwrap_or(Path::new("")));
            for r in root_index.applies_to(&dir) {
                if let Some(key) = project_roots.iter().find(|p| **p == r) {
                    deploy_files.entry(key).or_default().push(f);
                }
            }
        }
        let served: HashSet<PathBuf> = envs.iter().flat_map(|e| e.roots.iter().cloned()).collect();
        for project in &project_roots {
            if served.contains(project) {
                continue;
            }
            let mine: Vec<&ProjectFile> = deploy_files.get(project).cloned().unwrap_or_default();
            let mut env = Environment::new();
            for f in &mine {
                if let Parsed::Dockerfile(m) = &f.parsed {
                    if let Some(stage) = m.dockerfile.final_stage() {
                        crate::model::deployment::add_dockerfile_env(&mut env, m, stage.index, f);
                    }
                }
            }
            for f in &mine {
                if let Parsed::Env(parsed) = &f.parsed {
                    env.add_env_file(&f.found.path, &f.source.text, parsed);
                }
            }
            let key = env_key(&env);
            envs.push(ServiceEnv { env, key, services: Vec::new(), feeds: Vec::new(), roots: vec![project.clone()] });
        }
        // Which modules to evaluate under which environment (each pair once), then evaluate them in
        // parallel: evaluations are independent, joining their files to the project is not.
        let mut done: HashSet<(PathBuf, String, usize)> = HashSet::new();
        // Each Python file's project root (an index into `project_roots`), found once.
        let raw_index = RootIndex::new(&project_roots, &project_roots);
        let owners: Vec<Option<usize>> = python.iter().map(|f| raw_index.owner(f)).collect();
        let mut jobs: Vec<(usize, ModuleChoice, PathBuf)> = Vec::new();
        let mut first_with_key: HashMap<&str, usize> = HashMap::new();
        for (i, e) in envs.iter().enumerate() {
            first_with_key.entry(e.key.as_str()).or_insert(i);
        }
        for (i, ServiceEnv { env, key: env_id, roots: scope, .. }) in envs.iter().enumerate() {
            let selected = settings::discover::selected_in(env);
            // The Python files of the projects this environment applies to.
            let python: Vec<PathBuf> = if scope.len() == project_roots.len() {
                python.clone()
            } else {
                let in_scope: Vec<bool> = project_roots.iter().map(|r| scope.contains(r)).collect();
                python
                    .iter()
                    .zip(&owners)
                    .filter(|(_, o)| o.is_some_and(|o| in_scope[o]))
                    .map(|(f, _)| f.clone())
                    .collect()
            };
            let choices = discover_modules(&DiscoverInput {
                linted_root: &root,
                python_files: &python,
                selected: &selected,
                explicit,
                reader: &reader,
            });
            for choice in choices {
                let Some(file) = choice.file.clone() else { continue };
                // The same environment twice (two keys equal) is the same evaluation.
                let same_env = first_with_key.get(env_id.as_str()).copied().unwrap_or(i);
                if !done.insert((normalize(&file), choice.module.clone(), same_env)) {
                    continue;
                }
                jobs.push((i, choice, file));
            }
        }
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
/// them, and the project roots it applies to.
struct ServiceEnv {
    env: Environment,
    /// [`env_key`] of `env`, computed once.
    key: String,
    services: Vec<String>,
    feeds: Vec<(PathBuf, Span)>,
    roots: Vec<PathBuf>,
}

/// The project roots a deployment file in folder `dir` applies to: those it lies in or above;
/// every root when it lies in or above none of them (a `deploy/` folder beside the projects).
pub fn applies_to(dir: &Path, roots: &[PathBuf]) -> Vec<PathBuf> {
    let normalized: Vec<PathBuf> = roots.iter().map(|r| normalize(r)).collect();
    applies_to_normalized(&normalize(dir), roots, &normalized)
}

/// [`applies_to`], with `dir` and the roots already normalised (`normalized[i]` is `roots[i]`).
fn applies_to_normalized(dir: &Path, roots: &[PathBuf], normalized: &[PathBuf]) -> Vec<PathBuf> {
    RootIndex::new(roots, normalized).applies_to(dir)
}

/// Project roots, normalised and sorted, to find the roots a folder lies in (its ancestors, by
/// lookup) or above (a contiguous run in path order), without comparing it with every root.
struct RootIndex<'a> {
    roots: &'a [PathBuf],
    /// (normalised root, index into `roots`), sorted.
    sorted: Vec<(&'a Path, usize)>,
    by_path: HashMap<&'a Path, usize>,
}

impl<'a> RootIndex<'a> {
    fn new(roots: &'a [PathBuf], normalized: &'a [PathBuf]) -> Self {
        let mut sorted: Vec<(&Path, usize)> = normalized.iter().map(PathBuf::as_path).zip(0..).collect();
        sorted.sort();
        let by_path = sorted.iter().copied().collect();
        RootIndex { roots, sorted, by_path }
    }

    /// The deepest root holding `file` (an index into the roots), like
    /// [`settings::discover::owner_root`].
    fn owner(&self, file: &Path) -> Option<usize> {
        file.ancestors().skip(1).find_map(|a| self.by_path.get(a).copied())
    }

    /// The roots a deployment file in folder `dir` (normalised) applies to: see [`applies_to`].
    fn applies_to(&self, dir: &Path) -> Vec<PathBuf> {
        let mut hits: Vec<usize> = dir.ancestors().filter_map(|a| self.by_path.get(a).copied()).collect();
        let from = self.sorted.partition_point(|(r, _)| *r < dir);
        hits.extend(self.sorted[from..].iter().take_while(|(r, _)| r.starts_with(dir)).map(|(_, i)| *i));
        hits.sort_unstable();
        hits.dedup();
        if hits.is_empty() {
            self.roots.to_vec()
        } else {
            hits.into_iter().map(|i| self.roots[i].clone()).collect()
        }
    }
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
    for (name, value) in &model.eval.values {
        for_each_secret_string(value, crate::secrets::is_secret_name(name), &mut |value, s| {
            if crate::secrets::is_placeholder(s, "") {
                return;
            }
            let Some(span) = value.origin.and_then(|loc| model.span(loc)) else { return };
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
        });
    }
}

/// Calls `f` with every non-empty string a setting's value holds in a secret context: the whole
/// value when `secret` (a secret-named setting), and what sits under a secret-named dict key or
/// `SIGNING_KEY` (`DATABASES[..]["PASSWORD"]`, `SIMPLE_JWT["SIGNING_KEY"]`), through lists,
/// dicts and undecided alternatives, at most 16 containers deep.
pub fn for_each_secret_string(
    value: &crate::settings::Value,
    secret: bool,
    f: &mut dyn FnMut(&crate::settings::Value, &str),
) {
    fn walk(
        value: &crate::settings::Value,
        secret: bool,
        f: &mut dyn FnMut(&crate::settings::Value, &str),
        depth: usize,
    ) {
        use crate::settings::Kind;
        if depth > 16 {
            return;
        }
        match &value.kind {
            Kind::Str(s) if secret && !s.is_empty() => f(value, s),
            Kind::List(items) | Kind::Tuple(items) | Kind::Set(items) => {
                items.iter().for_each(|item| walk(item, secret, f, depth + 1));
            }
            Kind::Dict(d) => {
                for (k, v) in d.iter() {
                    let key_secret =
                        k.as_str().is_some_and(|k| k == "SIGNING_KEY" || crate::secrets::is_secret_name(k));
                    walk(v, secret || key_secret, f, depth + 1);
                }
            }
            Kind::OneOf(o) => o.alternatives.iter().for_each(|alt| walk(alt, secret, f, depth + 1)),
            _ => {}
        }
    }
    walk(value, secret, f, 0);
}

/// Merges the findings of a module evaluated under several environments (services whose env files
/// differ): one diagnostic per finding, naming the services it applies to. `tagged` pairs each
/// diagnostic with the index of the evaluation it comes from (None: not a settings finding), in
/// rule-run order; the order of first occurrence is kept.
pub fn merge_findings(models: &[SettingsModel], tagged: Vec<(Diagnostic, Option<usize>)>) -> Vec<Diagnostic> {
    // Whether each evaluation's module is evaluated more than once (under other environments).
    let keys: Vec<_> =
        models.iter().map(|m| (m.choice.file.as_deref().map(normalize), m.choice.module.clone())).collect();
    let mut counts: HashMap<&(Option<PathBuf>, String), usize> = HashMap::new();
    for k in &keys {
        *counts.entry(k).or_default() += 1;
    }
    let shared: Vec<bool> = keys.iter().map(|k| counts[k] > 1).collect();
    let shared = |i: usize| shared[i];
    let mut out: Vec<Diagnostic> = Vec::with_capacity(tagged.len());
    // For each merged finding: its index in `out`, and the services it applies to.
    let mut merged: HashMap<(&'static str, Span, String), (usize, Vec<String>)> = HashMap::new();
    for (d, model) in tagged {
        let Some(i) = model.filter(|&i| shared(i) && !models[i].services.is_empty()) else {
            out.push(d);
            continue;
        };
        let key = (d.code, d.span, d.message.clone());
        match merged.get_mut(&key) {
            Some((at, services)) => {
                for s in &models[i].services {
                    if !services.contains(s) {
                        services.push(s.clone());
                    }
                }
                let into = &mut out[*at];
                for r in d.related {
                    if !into.related.iter().any(|o| o.span == r.span) {
                        into.related.push(r);
                    }
                }
            }
            None => {
                merged.insert(key, (out.len(), models[i].services.clone()));
                out.push(d);
            }
        }
    }
    for (at, services) in merged.into_values() {
        let noun = if services.len() == 1 { "service" } else { "services" };
        out[at].message = format!("{} ({noun} `{}`)", out[at].message, services.join("`, `"));
    }
    out
}
