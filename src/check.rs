//! The pipeline behind `preflight check`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{resolve_selection, Config, ConfigError, SelectLayer};
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::{self, Classifier, Discovered, Kind};
use crate::overlay::Overlays;
use crate::parse::dockerfile::DockerfileModel;
use crate::parse::dotenv;
use crate::project::{
    ComposeCtx, ComposeFileCtx, DockerfileCtx, EnvFileCtx, FileCtx, Parsed, Project, ProjectFile, SettingsCtx,
};
use crate::registry::{self, Check, Rule, Scope};
use crate::source::{SourceFile, Span};
use crate::suppress;

/// Files over this size are not read (PF001 says so).
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Files and folders to lint (`.` when empty).
    pub paths: Vec<PathBuf>,
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--isolated`: ignore every config file.
    pub isolated: bool,
    /// `--select`, `--extend-select`, `--ignore`.
    pub selection: SelectLayer,
    /// `--settings MODULE`: the production settings module (overrides discovery).
    pub settings: Option<String>,
    /// `--secrets-all-files`: also read every other text file of the tree (honouring
    /// `.gitignore`; binary and oversized files skipped) for SEC002 and SEC004.
    pub secrets_all_files: bool,
}

#[derive(Debug)]
pub enum CheckError {
    /// A bad path or flag: one line.
    Usage(String),
    Config(ConfigError),
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::Usage(m) => f.write_str(m),
            CheckError::Config(e) => write!(f, "{e}"),
        }
    }
}

/// A file that discovery saw, for `--show-files`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SeenFile {
    pub path: String,
    pub kind: Kind,
    pub environment: discover::Environment,
    pub ambiguous: bool,
    pub reason: String,
}

/// The result of a run: the files, the sorted diagnostics, and what was enabled.
#[derive(Debug)]
pub struct Report {
    pub project: Project,
    pub diagnostics: Vec<Diagnostic>,
    pub seen: Vec<SeenFile>,
    /// Every rule enabled for at least one file.
    pub enabled: Vec<&'static Rule>,
    /// `fail-on` from the first config, if set.
    pub config_fail_on: Option<Severity>,
    /// When files were named and their projects read around them: the display paths of the files
    /// findings are reported for (others may appear only through a related location).
    pub scope: Option<BTreeSet<String>>,
}

impl Report {
    pub fn source(&self, span: &Span) -> &SourceFile {
        &self.project.files[span.file].source
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

/// Runs `preflight check`.
pub fn check(opts: &Options) -> Result<Report, CheckError> {
    check_with(opts, &Overlays::default())
}

/// Runs `preflight check` with unsaved editor buffers read instead of their files (the language
/// server's entry point).
pub fn check_with(opts: &Options, overlays: &Overlays) -> Result<Report, CheckError> {
    let paths = if opts.paths.is_empty() { vec![PathBuf::from(".")] } else { opts.paths.clone() };
    for p in &paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(CheckError::Usage(format!("path does not exist: {}", p.display())));
        }
    }

    // One config per path (shared when they resolve to the same file).
    let mut configs: Vec<Arc<Config>> = Vec::new();
    let mut config_ids: HashMap<Option<PathBuf>, usize> = HashMap::new();
    let explicit_config = match (&opts.config, opts.isolated) {
        (Some(path), false) => Some(Arc::new(Config::load(path).map_err(CheckError::Config)?)),
        _ => None,
    };
    let config_for = |path: &Path,
                      configs: &mut Vec<Arc<Config>>,
                      ids: &mut HashMap<Option<PathBuf>, usize>|
     -> Result<usize, CheckError> {
        let cfg = if opts.isolated {
            Arc::new(Config { dir: std::path::absolute(".").unwrap_or_default(), ..Config::default() })
        } else if let Some(c) = &explicit_config {
            c.clone()
        } else {
            Arc::new(Config::discover(path).map_err(CheckError::Config)?)
        };
        Ok(*ids.entry(cfg.path.clone()).or_insert_with(|| {
            configs.push(cfg);
            configs.len() - 1
        }))
    };

    // Discover. Files named on the command line (a pre-commit run names many, in few folders)
    // share what is found per folder: the config, the project root, the directory listings.
    let mut timings = Timings::start();
    //
    // A named file is linted in its project's context: its project root (see `project_root_of`)
    // is walked too, after the named paths, so that the settings modules, compose files and env
    // files around it are read as in a whole-project run. Only findings in the named paths, or
    // with a related location in them, are reported (`in_focus`). Walking the root is simpler and
    // more faithful than chasing links outward from each file, and costs one walk per project.
    let mut found: Vec<(Discovered, usize)> = Vec::new();
    let mut seen_paths = HashSet::new();
    let dir_cache = discover::DirCache::default();
    let mut config_by_dir: HashMap<PathBuf, usize> = HashMap::new();
    let mut root_by_dir: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut context_by_config: HashMap<usize, bool> = HashMap::new();
    let named = paths.len();
    let named_dirs: Vec<PathBuf> =
        paths.iter().filter(|p| p.is_dir()).filter_map(|p| std::path::absolute(p).ok()).collect();
    let mut queue = paths.clone();
    let mut focus: Option<HashSet<PathBuf>> = None;
    let mut next = 0;
    while next < queue.len() {
        let p = &queue[next].clone();
        next += 1;
        let is_dir = std::fs::metadata(p).is_ok_and(|m| m.is_dir());
        let dir_key = if is_dir { p.clone() } else { p.parent().map(Path::to_path_buf).unwrap_or_default() };
        let cfg_id = match config_by_dir.get(&dir_key) {
            Some(&id) => id,
            None => {
                let id = config_for(p, &mut configs, &mut config_ids)?;
                config_by_dir.insert(dir_key.clone(), id);
                id
            }
        };
        let cfg = configs[cfg_id].clone();
        let classifier = Classifier::with_cache(&cfg, &dir_cache);
        let candidates: Vec<(PathBuf, PathBuf, Kind, bool)> = if is_dir {
            discover::walk_files(p, &cfg, opts.secrets_all_files)
                .into_iter()
                .map(|(path, rel, kind)| (path, rel, kind, false))
                .collect()
        } else {
            let root = root_by_dir.entry(dir_key).or_insert_with(|| project_root_of(p));
            let rel = match root {
                Some(root) => std::path::absolute(p)
                    .ok()
                    .and_then(|abs| abs.strip_prefix(root).ok().map(Path::to_path_buf))
                    .unwrap_or_else(|| display_relative(p)),
                None => display_relative(p),
            };
            let kind = if opts.secrets_all_files {
                discover::kind_for_sweep(&rel, &cfg)
            } else {
                discover::kind_of(&rel, &cfg)
            };
            // The file joins its project's walk as one of its files (same linted root).
            let mut path = p.clone();
            // Only when some enabled rule reads beyond the file itself (`--select ENV1` does not).
            let needs_context = *context_by_config.entry(cfg_id).or_insert_with(|| {
                !resolve_selection(&[&cfg.selection, &opts.selection]).iter().all(|c| registry::reads_one_file(c))
            });
            let context = root.as_ref().filter(|r| needs_context && !named_dirs.iter().any(|d| r.starts_with(d)));
            if let (Some(root), Some(_)) = (context, kind) {
                if !queue[named..].contains(root) {
                    queue.push(root.clone());
                }
                path = root.join(&rel);
            }
            match kind {
                Some(kind) => vec![(path, rel, kind, true)],
                None => Vec::new(),
            }
        };
        // `production.yml` is compose only when its text says so.
        let candidates = candidates.into_iter().filter_map(|(path, rel, kind, explicit)| {
            if kind != Kind::Compose
                || !discover::needs_compose_sniff(&rel, &cfg)
                || discover::looks_like_compose(&path)
            {
                return Some((path, rel, kind, explicit));
            }
            opts.secrets_all_files.then_some((path, rel, Kind::Text, explicit))
        });
        for (path, rel, kind, explicit) in candidates {
            let key = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
            if !seen_paths.insert(key) {
                continue;
            }
            let class = classifier.classify(&path, &rel, kind);
            let display = display_relative(&path);
            found.push((Discovered { path, display, rel, kind, class, explicit }, cfg_id));
        }
        if next == named && queue.len() > named {
            focus = Some(seen_paths.clone());
        }
    }
    found.sort_by(|a, b| a.0.display.cmp(&b.0.display));

    // Which rules are on for which config.
    let enabled_by_config: Vec<BTreeSet<&'static str>> =
        configs.iter().map(|c| resolve_selection(&[&c.selection, &opts.selection])).collect();
    let any_enabled: BTreeSet<&'static str> = enabled_by_config.iter().flatten().copied().collect();
    let enabled: Vec<&'static Rule> = registry::all().filter(|r| any_enabled.contains(r.code)).collect();

    timings.lap("discover and classify");
    // Read and parse in parallel (only the kinds an enabled rule reads).
    let mut loaded: Vec<(ProjectFile, Option<String>)> = found
        .into_par_iter()
        .enumerate()
        .map(|(id, (found, config))| load_file(id, found, config, &enabled, overlays))
        .collect();
    load_compose_references(&mut loaded, &configs, &enabled, overlays);
    let mut read_errors = Vec::new();
    let mut files = Vec::with_capacity(loaded.len());
    for (id, (file, err)) in loaded.into_iter().enumerate() {
        if let Some(e) = err {
            read_errors.push((id, e));
        }
        files.push(file);
    }
    timings.lap("read and parse");
    let reads_settings = |r: &&Rule| matches!(r.check, Check::Settings(_) | Check::File { settings: true, .. });
    let mut project = Project {
        files,
        configs,
        settings: Vec::new(),
        secrets: Vec::new(),
        deployment: Default::default(),
        by_path: Default::default(),
    };
    // The deployment model (compose services linked to Dockerfile stages and environments), then
    // the settings each production environment selects, evaluated under it.
    if enabled.iter().any(|r| reads_deployment(r) || reads_settings(r)) {
        let compose = crate::parse::compose::apps::build(&project);
        project.deployment = crate::model::deployment::build(&project, compose);
    }
    timings.lap("deployment model (compose merge, service links, environments)");
    if enabled.iter().any(reads_settings) {
        project.settings = crate::model::settings::build(
            &mut project.files,
            &project.configs,
            opts.settings.as_deref(),
            &project.deployment,
            overlays,
        );
    }
    // Settings evaluation may have added files: the path index starts from the final list.
    project.by_path = Default::default();
    timings.lap("settings model (evaluation per module and environment)");
    // One secret scan per file (every file's final text: settings modules are read above): SEC
    // rules read it, and every output masks what it found.
    project.secrets = project.files.par_iter().map(|f| crate::secrets::scan(&f.source.text)).collect();
    for (f, s) in project.files.iter_mut().zip(&project.secrets) {
        f.source.redactions.extend(s.redactions());
    }

    timings.lap("secret scan");
    // Run the rules.
    let mut diagnostics: Vec<Diagnostic> = run_rules(&project, &enabled);
    // Every secret a rule found is masked wherever its file's text is shown, suppressed or not.
    for d in &diagnostics {
        if let Some(s) = d.secret {
            project.files[s.file].source.redactions.push(s.range());
        }
    }
    for (id, message) in read_errors {
        let rule = &crate::rules::tool::unreadable_file::RULE;
        diagnostics.push(Diagnostic::new(rule, Span::new(id, 0..0), message));
    }
    diagnostics.extend(unlinked_builds(&project.deployment));

    timings.lap("rules");
    // Filter: environment scope, selection, per-file ignores; then suppressions.
    let ignored_by_file: Vec<Vec<&'static str>> =
        project.files.iter().map(|f| project.configs[f.config].per_file_ignored(&f.found.path)).collect();
    let on_for = |file: usize, code: &str| {
        let f = &project.files[file];
        enabled_by_config[f.config].contains(code) && !ignored_by_file[file].contains(&code)
    };
    diagnostics.retain(|d| {
        let rule = registry::by_code(d.code);
        let class = project.files[d.span.file].class();
        let in_scope = match rule.scope {
            Scope::Production => class.is_production(),
            Scope::NonTemplate => class.env != discover::Environment::Template,
            Scope::Everywhere => true,
            // The check ran on production sets only.
            Scope::ProductionSet => true,
        };
        in_scope && on_for(d.span.file, d.code)
    });
    for d in &mut diagnostics {
        let rule = registry::by_code(d.code);
        let file = &project.files[d.span.file];
        if rule.scope == Scope::Production {
            if let Some(note) = file.class().production_note() {
                d.message = format!("{} ({note})", d.message);
            }
        }
        if let Some(sev) = project.configs[file.config].severity.get(d.code) {
            d.severity = *sev;
        }
    }
    apply_suppressions(&project, &mut diagnostics, &|file, code| on_for(file, code));

    diagnostics.sort_by(|a, b| {
        let (pa, pb) = (&project.files[a.span.file], &project.files[b.span.file]);
        (pa.source.display_path(), a.span.start, a.code, &a.message).cmp(&(
            pb.source.display_path(),
            b.span.start,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup();
    let scope = focus.map(|focus| in_focus(&project, &mut diagnostics, &focus));

    timings.lap("filter, suppress, sort");
    timings.report();
    let seen = project
        .files
        .iter()
        .map(|f| SeenFile {
            path: f.source.display_path(),
            kind: f.kind(),
            environment: f.class().env,
            ambiguous: f.class().ambiguous,
            reason: match &f.parsed {
                // What the model saw that rules act on (a privilege drop that satisfies DF001).
                Parsed::Dockerfile(m) => m.notes().iter().fold(f.class().reason.clone(), |r, n| format!("{r}; {n}")),
                _ => {
                    // The settings module production loads, and why it was chosen.
                    let key = crate::settings::resolve::normalize(&f.found.path);
                    project
                        .settings
                        .iter()
                        .filter(|m| {
                            m.choice.file.as_deref().map(crate::settings::resolve::normalize) == Some(key.clone())
                        })
                        .map(|m| format!("; production settings module `{}`: {}", m.choice.module, m.choice.reason))
                        .fold(f.class().reason.clone(), |r, why| if r.contains(&why) { r } else { r + &why })
                }
            },
        })
        .collect();
    let config_fail_on = project.configs.first().and_then(|c| c.fail_on);
    Ok(Report { project, diagnostics, seen, enabled, config_fail_on, scope })
}

/// Keeps the findings in the named files (`focus`, absolute paths) and those with a related
/// location in them (a duplicate key elsewhere that a changed file's assignment overrides): the
/// project context read around named files reports nothing of its own. Returns the named files'
/// display paths.
fn in_focus(project: &Project, diagnostics: &mut Vec<Diagnostic>, focus: &HashSet<PathBuf>) -> BTreeSet<String> {
    let named: Vec<bool> = project
        .files
        .iter()
        .map(|f| focus.contains(&std::path::absolute(&f.found.path).unwrap_or_else(|_| f.found.path.clone())))
        .collect();
    diagnostics.retain(|d| named[d.span.file] || d.related.iter().any(|r| named[r.span.file]));
    project.files.iter().zip(&named).filter(|(_, &n)| n).map(|(f, _)| f.source.display_path()).collect()
}

/// Whether a rule reads the deployment model (the merged compose view and its links).
fn reads_deployment(r: &Rule) -> bool {
    matches!(r.check, Check::Compose(_) | Check::ComposeFile(_) | Check::Dockerfile(_) | Check::Project(_))
        // PF001 also says which production service's image cannot be read.
        || r.code == crate::rules::tool::unreadable_file::RULE.code
}

/// Whether an enabled rule reads this kind of file (others are classified but never opened).
/// PF001 alone reads every kind some rule could read, to say which of them cannot be read.
fn reads_contents(kind: Kind, enabled: &[&'static Rule]) -> bool {
    let consumes = |r: &Rule| match r.check {
        Check::EnvFile(_) => kind == Kind::EnvFile,
        Check::ComposeFile(_) => kind == Kind::Compose,
        // Interpolation reads the project `.env`.
        // The image a service builds here may satisfy DC002/DC009 (`USER`, `HEALTHCHECK`).
        Check::Compose(_) => matches!(kind, Kind::Compose | Kind::EnvFile | Kind::Dockerfile),
        // The services built from a Dockerfile may satisfy DF001/DF002 (`user:`, `healthcheck:`).
        Check::Dockerfile(_) => matches!(kind, Kind::Dockerfile | Kind::Compose | Kind::EnvFile),
        // Settings modules are read by the evaluator itself, only those it reaches; it evaluates
        // them under the production environment (env files, compose services, Dockerfile ENV),
        // which must be parsed even when no env rule is on.
        Check::Settings(_) => matches!(kind, Kind::EnvFile | Kind::Compose | Kind::Dockerfile),
        // SEC rules read every file's text (the settings modules production loads included).
        Check::File { .. } => true,
        // The deployment rules read the whole model; DEP010 reads Procfiles too.
        Check::Project(_) => {
            matches!(kind, Kind::EnvFile | Kind::Compose | Kind::Dockerfile)
                || (kind == Kind::Procfile && r.code == crate::rules::deploy::app_server_workers_default::RULE.code)
        }
        Check::Pipeline => false,
    };
    let pf001 = crate::rules::tool::unreadable_file::RULE.code;
    enabled.iter().any(|r| consumes(r)) || (enabled.iter().any(|r| r.code == pf001) && registry::all().any(consumes))
}

fn run_rules(project: &Project, enabled: &[&'static Rule]) -> Vec<Diagnostic> {
    let env_files: Vec<_> = project.env_files().collect();
    let compose_files: Vec<_> = project.compose_files().collect();
    let dockerfiles: Vec<_> = project.dockerfiles().collect();
    // The merged compose view, built once with the deployment model.
    let services: Vec<_> = project
        .deployment
        .compose
        .apps
        .iter()
        .filter(|app| app.class.is_production())
        .flat_map(|app| app.services.iter().map(move |s| (app, s)))
        .filter(|(_, s)| !crate::rules::compose::debug_only(s))
        .collect();
    let mut jobs: Vec<(&'static Rule, Option<usize>)> = Vec::new();
    for rule in enabled {
        match rule.check {
            Check::EnvFile(_) => jobs.extend((0..env_files.len()).map(|i| (*rule, Some(i)))),
            Check::ComposeFile(_) => jobs.extend((0..compose_files.len()).map(|i| (*rule, Some(i)))),
            Check::Compose(_) => jobs.extend((0..services.len()).map(|i| (*rule, Some(i)))),
            Check::Dockerfile(_) => jobs.extend((0..dockerfiles.len()).map(|i| (*rule, Some(i)))),
            Check::Settings(_) => jobs.extend((0..project.settings.len()).map(|i| (*rule, Some(i)))),
            Check::File { .. } => jobs.extend((0..project.files.len()).map(|i| (*rule, Some(i)))),
            Check::Project(_) => jobs.push((*rule, None)),
            Check::Pipeline => {}
        }
    }
    let tagged: Vec<(Diagnostic, Option<usize>)> = jobs
        .into_par_iter()
        .flat_map_iter(|(rule, idx)| {
            let mut out = Vec::new();
            // Settings findings remember the evaluation they come from (merged below).
            let model = matches!(rule.check, Check::Settings(_)).then_some(idx).flatten();
            match (rule.check, idx) {
                (Check::EnvFile(f), Some(i)) => {
                    let (id, file, env) = env_files[i];
                    f(&EnvFileCtx { id, file, env, project }, &mut out);
                }
                (Check::ComposeFile(f), Some(i)) => {
                    let (id, file, compose) = compose_files[i];
                    f(&ComposeFileCtx { id, file, compose, project }, &mut out);
                }
                (Check::Compose(f), Some(i)) => {
                    let (app, service) = services[i];
                    f(&ComposeCtx { app, service, project }, &mut out);
                    if let Some(note) = app.production_note() {
                        for d in &mut out {
                            d.message = format!("{} ({note})", d.message);
                        }
                    }
                }
                (Check::Dockerfile(f), Some(i)) => {
                    let (id, file, model) = dockerfiles[i];
                    f(&DockerfileCtx { id, file, model, project }, &mut out);
                }
                (Check::Settings(f), Some(i)) => {
                    f(&SettingsCtx { model: &project.settings[i], project }, &mut out);
                }
                (Check::File { check, .. }, Some(i)) => {
                    check(&FileCtx { id: i, file: &project.files[i], project }, &mut out);
                }
                (Check::Project(f), None) => f(project, &mut out),
                _ => {}
            }
            out.into_iter().map(move |d| (d, model))
        })
        .collect();
    crate::model::settings::merge_findings(&project.settings, tagged)
}

fn apply_suppressions(project: &Project, diagnostics: &mut Vec<Diagnostic>, on_for: &dyn Fn(usize, &str) -> bool) {
    let mut by_file: BTreeMap<usize, Vec<suppress::Suppression>> = BTreeMap::new();
    for (id, f) in project.files.iter().enumerate() {
        let s = suppress::parse(&f.source.text, |o| f.source.position(o).row);
        if !s.is_empty() {
            by_file.insert(id, s);
        }
    }
    if by_file.is_empty() {
        return;
    }
    // used[(file, suppression index, code index)]
    let mut used: HashSet<(usize, usize, usize)> = HashSet::new();
    diagnostics.retain(|d| {
        let Some(list) = by_file.get(&d.span.file) else { return true };
        let row = project.files[d.span.file].source.position(d.span.start).row;
        let mut keep = true;
        for (si, s) in list.iter().enumerate() {
            if !s.file_level && !s.lines.contains(&row) {
                continue;
            }
            for (ci, (code, _)) in s.codes.iter().enumerate() {
                if registry::matching(code).iter().any(|r| r.code == d.code) {
                    used.insert((d.span.file, si, ci));
                    keep = false;
                }
            }
        }
        keep
    });
    let rule = &crate::rules::tool::unused_suppression::RULE;
    for (&file, list) in &by_file {
        if !on_for(file, rule.code) {
            continue;
        }
        for (si, s) in list.iter().enumerate() {
            let mut unused = Vec::new();
            for (ci, (code, _)) in s.codes.iter().enumerate() {
                if used.contains(&(file, si, ci)) {
                    continue;
                }
                let rules = registry::matching(code);
                if !registry::is_valid_selector(code) {
                    unused.push(format!("`{code}` (no such rule)"));
                } else if rules.iter().any(|r| on_for(file, r.code)) {
                    unused.push(format!("`{code}`"));
                }
            }
            if !unused.is_empty() {
                let what = if s.file_level { "file-level suppression" } else { "suppression" };
                diagnostics.push(
                    Diagnostic::new(
                        rule,
                        Span::new(file, s.span.clone()),
                        format!("unused {what}: {} matched no diagnostic", unused.join(", ")),
                    )
                    .with_help("remove the code from the comment, or the whole comment"),
                );
            }
        }
    }
}

/// Reads and parses one discovered file (file `id` of the project), if an enabled rule reads its
/// kind; the error says why it cannot be read (PF001).
fn load_file(
    id: usize,
    found: Discovered,
    config: usize,
    enabled: &[&'static Rule],
    overlays: &Overlays,
) -> (ProjectFile, Option<String>) {
    let needed = reads_contents(found.kind, enabled);
    let (text, mut error) = if needed { read_source(&found.path, overlays) } else { (String::new(), None) };
    // `--secrets-all-files` skips binary and oversized files without a word.
    if found.kind == Kind::Text {
        error = None;
    }
    let mut source = SourceFile::new(found.display.clone(), text);
    let parsed = match (found.kind, &error, needed) {
        (Kind::EnvFile, None, true) => {
            let env = dotenv::parse(&source.text);
            source.redactions = crate::secrets::env_redactions(&env, &source.text);
            Parsed::Env(env)
        }
        (Kind::Compose, None, true) => {
            let compose = crate::parse::compose::parse(&source.text, id);
            source.redactions = crate::parse::compose::redactions(&compose, &source.text);
            Parsed::Compose(compose)
        }
        (Kind::Dockerfile, None, true) => {
            // Its build context is searched for up to the linted root.
            let root = crate::model::settings::linted_root(&found);
            Parsed::Dockerfile(Box::new(DockerfileModel::load(&source.text, &found.path, &root)))
        }
        (Kind::Procfile, None, true) => Parsed::Procfile(crate::parse::procfile::parse(&source.text)),
        _ => Parsed::Unparsed,
    };
    (ProjectFile { source, found, config, parsed }, error)
}

/// How many compose files `include:` and `extends.file` may bring in beyond discovery.
const MAX_REFERENCED_FILES: usize = 256;

/// Loads the compose files that parsed compose files include or extend from but discovery did not
/// find (`extends: {file: common-services.yml}` matches no compose name pattern, or the file is
/// git-ignored). They join the project as compose files, classified by their own names.
fn load_compose_references(
    loaded: &mut Vec<(ProjectFile, Option<String>)>,
    configs: &[Arc<Config>],
    enabled: &[&'static Rule],
    overlays: &Overlays,
) {
    if !reads_contents(Kind::Compose, enabled) {
        return;
    }
    let mut known: HashSet<PathBuf> =
        loaded.iter().map(|(f, _)| crate::parse::compose::apps::normalize(&f.found.path)).collect();
    let mut next = 0;
    let mut added = 0;
    while next < loaded.len() && added < MAX_REFERENCED_FILES {
        let (file, _) = &loaded[next];
        next += 1;
        let Parsed::Compose(compose) = &file.parsed else { continue };
        let refs = crate::parse::compose::apps::referenced_paths(compose, &file.found.path);
        let (config, rel_dir) = (file.config, file.found.rel.parent().map(Path::to_path_buf).unwrap_or_default());
        let dir = file.found.path.parent().map(Path::to_path_buf).unwrap_or_default();
        for path in refs {
            let key = crate::parse::compose::apps::normalize(&path);
            if !key.is_file() || !known.insert(key) || added >= MAX_REFERENCED_FILES {
                continue;
            }
            let rel = rel_dir.join(path.strip_prefix(&dir).unwrap_or(&path));
            let class = Classifier::new(&configs[config]).classify(&path, &rel, Kind::Compose);
            let display = display_relative(&path);
            let found = Discovered { path, display, rel, kind: Kind::Compose, class, explicit: false };
            let id = loaded.len();
            loaded.push(load_file(id, found, config, enabled, overlays));
            added += 1;
        }
    }
}

/// A file's text: its unsaved buffer if it has one (held to the same size limit), else
/// [`read_text`].
fn read_source(path: &Path, overlays: &Overlays) -> (String, Option<String>) {
    match overlays.get(path) {
        Some(text) if text.len() as u64 > MAX_FILE_BYTES => (String::new(), Some(too_big(text.len() as u64))),
        Some(text) => (text.to_string(), None),
        None => read_text(path),
    }
}

fn too_big(len: u64) -> String {
    format!("file skipped: {len} bytes is over the {} MB limit", MAX_FILE_BYTES / 1024 / 1024)
}

/// Reads a file as text, or says why it cannot be linted (PF001). Never more than
/// [`MAX_FILE_BYTES`] are read, even from a file that grows after its size was checked.
pub(crate) fn read_text(path: &Path) -> (String, Option<String>) {
    let fail = |m: String| (String::new(), Some(m));
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return fail(format!("cannot read this file: {}", io_reason(&e))),
    };
    if meta.is_dir() {
        let reason = std::fs::read_dir(path).err().map_or_else(|| "a folder".into(), |e| io_reason(&e));
        return fail(format!("cannot read this folder: {reason}; the files in it are not linted"));
    }
    if !meta.is_file() {
        return fail("cannot read this file: not a regular file (a FIFO, socket or device is never opened)".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return fail(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    let read = std::fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return fail(format!("cannot read this file: {}", io_reason(&e)));
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return fail(format!("file skipped: a NUL byte at byte offset {pos} (binary data, not text)"));
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => fail(format!("file skipped: invalid UTF-8 at byte offset {}", e.utf8_error().valid_up_to())),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "not found".into(),
        _ => e.to_string(),
    }
}

/// A path as shown to users: relative to the current directory when it lies below it.
pub(crate) fn display_relative(path: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else { return path.to_path_buf() };
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match abs.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => path.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect(),
    }
}

/// For a file named on the command line: its project root (the nearest folder above it holding
/// `.git`, a Preflight config, `pyproject.toml` or `manage.py`). Its path below that root gives
/// the environment tokens a walk of the project would see.
pub fn project_root_of(file: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let markers = [".git", "preflight.toml", ".preflight.toml", "pyproject.toml", "manage.py"];
    abs.ancestors().skip(1).find(|dir| markers.iter().any(|m| dir.join(m).exists())).map(Path::to_path_buf)
}

/// Phase timings on stderr when `PREFLIGHT_TIMINGS` is set (`.ci/bench-model` reads them).
struct Timings {
    on: bool,
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Timings {
    fn start() -> Self {
        Timings {
            on: std::env::var_os("PREFLIGHT_TIMINGS").is_some(),
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, phase: &'static str) {
        if self.on {
            let now = std::time::Instant::now();
            self.laps.push((phase, now - self.last));
            self.last = now;
        }
    }

    fn report(&self) {
        if !self.on {
            return;
        }
        let total: f64 = self.laps.iter().map(|(_, d)| d.as_secs_f64()).sum();
        for (phase, d) in &self.laps {
            let ms = d.as_secs_f64() * 1000.0;
            eprintln!(
                "timing\t{phase}\t{ms:.3} ms\t{:.1}%",
                if total > 0.0 { 100.0 * d.as_secs_f64() / total } else { 0.0 }
            );
        }
        eprintln!("timing\ttotal\t{:.3} ms\t100.0%", total * 1000.0);
    }
}

/// PF001 for each production service whose image Preflight cannot read: an error when the build
/// itself fails (no such Dockerfile or stage), a note when the image is only out of sight (a
/// remote context, one outside the linted tree).
fn unlinked_builds(deployment: &crate::model::deployment::DeploymentModel) -> Vec<Diagnostic> {
    let rule = &crate::rules::tool::unreadable_file::RULE;
    let mut out: Vec<Diagnostic> = Vec::new();
    for link in &deployment.services {
        let Some(p) = &link.problem else { continue };
        if out.iter().any(|d| d.span == p.span) {
            continue;
        }
        let (message, help) = if p.breaks_build {
            (
                format!("service `{}` cannot be built: {}", link.name, p.message),
                "`docker compose build` fails here; fix the path or the stage name",
            )
        } else {
            (
                format!("the image of service `{}` is not checked: {}", link.name, p.message),
                "lint the folder that holds the build context to check its Dockerfile",
            )
        };
        let mut d = Diagnostic::new(rule, p.span, message).with_help(help);
        if !p.breaks_build {
            d.severity = Severity::Info;
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{Classification, Environment};

    /// A file that discovery listed but that is gone when it is read (deleted during the walk):
    /// PF001 says so, and the file stays in the project, unparsed.
    #[test]
    fn a_listed_file_deleted_before_it_is_read_is_pf001() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env.production");
        std::fs::write(&path, "A=1\n").unwrap();
        let class = Classification {
            env: Environment::Production,
            ambiguous: false,
            reason: String::new(),
            in_template_tree: false,
        };
        let found = Discovered {
            path: path.clone(),
            display: ".env.production".into(),
            rel: ".env.production".into(),
            kind: Kind::EnvFile,
            class,
            explicit: false,
        };
        std::fs::remove_file(&path).unwrap();
        let enabled: Vec<&'static Rule> = registry::all().collect();
        let (file, error) = load_file(0, found, 0, &enabled, &Overlays::default());
        assert_eq!(error.as_deref(), Some("cannot read this file: not found"));
        assert!(matches!(file.parsed, Parsed::Unparsed));
        assert!(file.source.text.is_empty());
    }
}
