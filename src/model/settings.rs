//! The settings model: for each Django project in the linted tree, the settings module production
//! loads, evaluated under the production environment (production env files), with every file the
//! evaluation read joined to the project so diagnostics can point into it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::discover::{Classifier, Discovered, Kind};
use crate::project::{Parsed, ProjectFile};
use crate::settings::{
    self, discover_modules, project_roots, resolve::normalize, DiscoverInput, DjangoVersion, Environment, Evaluated,
    FsReader, Loc, ModuleChoice, Options, SourceKind,
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
}

impl SettingsModel {
    /// A settings location as a project span.
    pub fn span(&self, loc: Loc) -> Option<Span> {
        self.files.get(loc.file.0 as usize).copied().flatten().map(|f| Span::new(f, loc.range()))
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
) -> Vec<SettingsModel> {
    let mut roots: Vec<(PathBuf, usize)> = Vec::new();
    for f in files.iter() {
        let r = (linted_root(&f.found), f.config);
        if !roots.iter().any(|(p, _)| *p == r.0) {
            roots.push(r);
        }
    }
    let reader = FsReader::default();
    let mut models = Vec::new();
    for (root, config) in roots {
        let in_root = |f: &&ProjectFile| linted_root(&f.found) == root;
        let python: Vec<PathBuf> =
            files.iter().filter(in_root).filter(|f| f.kind() == Kind::Python).map(|f| f.found.path.clone()).collect();
        if python.is_empty() {
            continue;
        }
        let mut env = Environment::new();
        for f in files.iter().filter(in_root).filter(|f| f.class().is_production()) {
            if let Parsed::Env(parsed) = &f.parsed {
                env.add_env_file(&f.found.path, &f.source.text, parsed);
            }
        }
        let selected = settings::discover::selected_in(&env);
        let explicit = explicit.or(configs[config].settings_module.as_deref());
        let choices = discover_modules(&DiscoverInput {
            linted_root: &root,
            python_files: &python,
            selected: &selected,
            explicit,
            reader: &reader,
        });
        let project_roots = project_roots(&root, &python);
        for choice in choices {
            let Some(file) = choice.file.clone() else { continue };
            let opts = Options {
                django: DjangoVersion::V5_2,
                roots: project_roots.clone(),
                configuration: choice.configuration.clone(),
            };
            let eval = settings::evaluate_file(&file, &choice.root, &choice.module, &env, &reader, &opts);
            let ids = join_sources(files, &eval, &root, config, configs);
            let model = SettingsModel { choice, eval, files: ids };
            mask_secret_literals(&model, files);
            models.push(model);
        }
    }
    models
}

/// Maps every source of an evaluation to a project file, adding the Python files it read.
fn join_sources(
    files: &mut Vec<ProjectFile>,
    eval: &Evaluated,
    root: &Path,
    config: usize,
    configs: &[std::sync::Arc<crate::config::Config>],
) -> Vec<Option<FileId>> {
    let by_path: HashMap<PathBuf, FileId> =
        files.iter().enumerate().map(|(id, f)| (normalize(&f.found.path), id)).collect();
    eval.sources
        .iter()
        .map(|src| {
            let key = normalize(&src.path);
            let text = match (&src.kind, &src.text) {
                (SourceKind::Python { .. }, Some(text)) => Some(text),
                _ => None,
            };
            match (by_path.get(&key), text) {
                (Some(&id), Some(text)) => {
                    if files[id].source.text.is_empty() && !text.is_empty() {
                        files[id].source = SourceFile::new(files[id].found.display.clone(), text.to_string());
                    }
                    loaded_by_production(&mut files[id], &eval.module);
                    Some(id)
                }
                (Some(&id), None) => Some(id),
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
