//! The deployment model: each production Compose service linked to the Dockerfile and stage its
//! `build:` makes, and the environment it runs with, in Compose's precedence (lowest first):
//! the image's Dockerfile `ENV` of that stage, its `env_file`s in order, its `environment:`.
//! Values are interpolated from the project `.env` as the compose model does.
//!
//! The settings model evaluates the module each distinct service environment selects
//! (`model::settings`); the DF/DC rules read the links for cross-satisfaction (a Compose `user:`
//! satisfies DF001, an image `USER` satisfies DC002...).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::parse::compose::apps::{normalize, ComposeModel};
use crate::parse::compose::Service;
use crate::parse::dockerfile::DockerfileModel;
use crate::project::{Parsed, Project};
use crate::settings::{EnvOrigin, Environment};
use crate::source::{FileId, Span};

/// One environment source of a service, in precedence order.
#[derive(Debug, Clone)]
pub struct EnvSource {
    /// `Dockerfile ENV (stage `runtime`)`, `env_file .envs/.production/.django`, `environment:`.
    pub label: String,
    /// Where it is named (the Dockerfile, the `env_file` entry, the `environment:` key).
    pub span: Option<Span>,
    /// The env file read (for an `env_file` entry found in the project).
    pub file: Option<FileId>,
    /// Whether its contents are known.
    pub known: bool,
    /// A required `env_file` that does not exist (DEP007).
    pub missing: bool,
}

/// A production Compose service, linked.
#[derive(Debug, Clone)]
pub struct ServiceLink {
    /// Index into [`DeploymentModel::compose`]`.apps`, and of the service in that app.
    pub app: usize,
    pub service: usize,
    pub name: String,
    /// The Dockerfile its `build:` names, when it is in the project.
    pub dockerfile: Option<FileId>,
    /// The stage that runs (`build.target`, else the final stage).
    pub stage: Option<usize>,
    /// Why the build could not be linked (missing Dockerfile, context outside the tree, unknown
    /// target).
    pub problem: Option<LinkProblem>,
    /// The environment the container starts with.
    pub env: Environment,
    pub sources: Vec<EnvSource>,
    /// Every source is known and nothing is left to the runtime (DEP003).
    pub closed: bool,
    /// The service looks like a Django process (its environment or command says so).
    pub django: bool,
    /// The build context `build.context` names, read for DEP004 when it is not the one the
    /// Dockerfile model guessed.
    pub context: Option<crate::parse::dockerfile::BuildContext>,
}

/// Why a service's build could not be linked to a Dockerfile stage.
#[derive(Debug, Clone)]
pub struct LinkProblem {
    pub message: String,
    /// The `build:` entry, or its `dockerfile:`/`target:`/`context:` value.
    pub span: Span,
    /// `docker compose build` fails on it (a missing Dockerfile or stage); otherwise Preflight
    /// only cannot see the image (a remote context, one outside the linted tree).
    pub breaks_build: bool,
}

/// Every production service, linked; and the merged compose view they come from.
#[derive(Debug, Clone, Default)]
pub struct DeploymentModel {
    pub compose: ComposeModel,
    pub services: Vec<ServiceLink>,
    /// The gunicorn config files the Dockerfiles and compose files name (`-c`/`--config`), and
    /// the default `gunicorn.conf.py` beside them, found in the tree (DEP010).
    pub gunicorn_configs: Vec<GunicornConfig>,
}

/// A gunicorn config file a Dockerfile or compose file loads.
#[derive(Debug, Clone)]
pub struct GunicornConfig {
    /// The file that names it.
    pub from: FileId,
    /// The path as written after `-c` (`python:` prefix removed); `gunicorn.conf.py` for the
    /// default.
    pub written: String,
    pub path: PathBuf,
    /// It assigns `workers`.
    pub sets_workers: bool,
}

impl DeploymentModel {
    /// The config file `written` names from file `from`, when found in the tree.
    pub fn gunicorn_config(&self, from: FileId, written: &str) -> Option<&GunicornConfig> {
        let written = written.strip_prefix("python:").unwrap_or(written);
        self.gunicorn_configs.iter().find(|c| c.from == from && c.written == written)
    }
}

impl DeploymentModel {
    /// The link of a merged compose service (by its app and name).
    pub fn link_of(&self, app: &crate::parse::compose::apps::App, service: &Service) -> Option<&ServiceLink> {
        self.services
            .iter()
            .find(|l| self.compose.apps.get(l.app).is_some_and(|a| a.files == app.files) && l.name == service.name)
    }

    /// The service a link describes.
    pub fn service(&self, link: &ServiceLink) -> Option<&Service> {
        self.compose.apps.get(link.app)?.services.get(link.service)
    }

    /// The services built from a Dockerfile.
    pub fn built_from(&self, dockerfile: FileId) -> impl Iterator<Item = &ServiceLink> {
        self.services.iter().filter(move |l| l.dockerfile == Some(dockerfile))
    }
}

/// The folder Compose resolves an app's relative paths against (its first file's folder).
pub fn app_dir(project: &Project, app: &crate::parse::compose::apps::App) -> PathBuf {
    app.files
        .first()
        .and_then(|&id| project.files.get(id))
        .and_then(|f| f.found.path.parent())
        .map(normalize)
        .unwrap_or_default()
}

/// Builds the model from the merged compose view.
pub fn build(project: &Project, compose: ComposeModel) -> DeploymentModel {
    let index = Index::new(project);
    let mut services = Vec::new();
    for (ai, app) in compose.apps.iter().enumerate() {
        if !app.class.is_production() {
            continue;
        }
        let dir = app_dir(project, app);
        for (si, service) in app.services.iter().enumerate() {
            if crate::rules::compose::debug_only(service) {
                continue;
            }
            services.push(link(project, &index, &dir, ai, si, service));
        }
    }
    let gunicorn_configs = gunicorn_configs(project, &index);
    DeploymentModel { compose, services, gunicorn_configs }
}

/// The largest gunicorn config file read.
const MAX_GUNICORN_CONFIG: u64 = 256 * 1024;

/// Finds the gunicorn config files named in Dockerfiles and compose files (`-c x`, `--config=x`,
/// `"-c", "x"`), and the default `gunicorn.conf.py`, in the file's folder or the folders above it
/// up to the linted root. A path written for the container (`/app/config/gunicorn.py`) is
/// matched by its tail (`config/gunicorn.py`). Nothing outside the linted tree is read.
fn gunicorn_configs(project: &Project, index: &Index) -> Vec<GunicornConfig> {
    static REF: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?:^|[\s"'\[,])(?:-c|--config)(?:=|[ \t]+|"\s*,\s*")"?([A-Za-z0-9_./:-]+\.py)\b"#).unwrap()
    });
    let mut out: Vec<GunicornConfig> = Vec::new();
    for (id, f) in project.files.iter().enumerate() {
        if !matches!(f.parsed, Parsed::Dockerfile(_) | Parsed::Compose(_)) {
            continue;
        }
        let path = normalize(&f.found.path);
        let Some(root) = root_of(index, &path) else { continue };
        let mut dirs: Vec<PathBuf> = Vec::new();
        let mut dir = path.parent();
        while let Some(d) = dir {
            dirs.push(d.to_path_buf());
            if d == root || !d.starts_with(&root) {
                break;
            }
            dir = d.parent();
        }
        let mut written: Vec<String> = REF
            .captures_iter(&f.source.text)
            .map(|c| c[1].strip_prefix("python:").unwrap_or(&c[1]).to_string())
            .collect();
        written.push("gunicorn.conf.py".into());
        written.dedup();
        for w in written {
            if out.iter().any(|c| c.from == id && c.written == w) {
                continue;
            }
            let parts: Vec<&str> = w.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
            let found = dirs.iter().find_map(|d| {
                (0..parts.len()).find_map(|k| {
                    let p = normalize(&d.join(parts[k..].join("/")));
                    (p.starts_with(&root) && p.is_file()).then_some(p)
                })
            });
            let Some(p) = found else { continue };
            let text = std::fs::metadata(&p)
                .ok()
                .filter(|m| m.len() <= MAX_GUNICORN_CONFIG)
                .and_then(|_| std::fs::read_to_string(&p).ok())
                .unwrap_or_default();
            let sets_workers = text.lines().any(|l| {
                let l = l.trim_start();
                l.strip_prefix("workers").is_some_and(|r| {
                    let r = r.trim_start();
                    r.starts_with('=') && !r.starts_with("==")
                })
            });
            out.push(GunicornConfig { from: id, written: w, path: p, sets_workers });
        }
    }
    out
}

/// Project files by normalised path, and the linted roots: built once per model, since every
/// service looks files up (a scan of all files per service is quadratic on big trees).
struct Index {
    by_path: HashMap<PathBuf, Vec<FileId>>,
    roots: Vec<PathBuf>,
}

impl Index {
    fn new(project: &Project) -> Self {
        let mut by_path: HashMap<PathBuf, Vec<FileId>> = HashMap::new();
        let mut roots: Vec<PathBuf> = Vec::new();
        for (id, f) in project.files.iter().enumerate() {
            by_path.entry(normalize(&f.found.path)).or_default().push(id);
            let root = normalize(&crate::model::settings::linted_root(&f.found));
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        Index { by_path, roots }
    }
}

fn find_file(project: &Project, index: &Index, path: &Path, want: impl Fn(&Parsed) -> bool) -> Option<FileId> {
    index.by_path.get(&normalize(path))?.iter().copied().find(|&id| want(&project.files[id].parsed))
}

/// The linted root holding a path.
fn root_of(index: &Index, path: &Path) -> Option<PathBuf> {
    index.roots.iter().filter(|r| path.starts_with(r)).max_by_key(|r| r.components().count()).cloned()
}

fn link(project: &Project, files: &Index, dir: &Path, app: usize, index: usize, service: &Service) -> ServiceLink {
    let mut out = ServiceLink {
        app,
        service: index,
        name: service.name.clone(),
        dockerfile: None,
        stage: None,
        problem: None,
        env: Environment::new(),
        sources: Vec::new(),
        closed: true,
        django: false,
        context: None,
    };
    // The build.
    if let Some(build) = &service.build {
        let context = build.context.as_ref().map(|c| c.known().map(str::to_string));
        let span_of = |t: &Option<crate::parse::compose::service::Text>| t.as_ref().map_or(build.span, |t| t.span);
        let problem =
            |message: String, span: Span, breaks_build: bool| Some(LinkProblem { message, span, breaks_build });
        match context {
            Some(None) => {
                out.problem = problem(
                    "the build context is not known (it uses an unset variable)".into(),
                    span_of(&build.context),
                    false,
                )
            }
            Some(Some(c)) if c.contains("://") || c.starts_with("git@") => {
                out.problem = problem(format!("the build context `{c}` is remote"), span_of(&build.context), false)
            }
            _ => {
                let ctx = normalize(&dir.join(context.flatten().unwrap_or_else(|| ".".into())));
                let name = build.dockerfile.as_ref().and_then(|d| d.known()).unwrap_or("Dockerfile");
                let path = normalize(&ctx.join(name));
                if root_of(files, &ctx).is_none() {
                    out.problem = problem(
                        format!(
                            "the build context `{}` is outside the linted tree",
                            crate::check::display_relative(&ctx).display()
                        ),
                        span_of(&build.context),
                        false,
                    );
                } else {
                    match find_file(project, files, &path, |p| matches!(p, Parsed::Dockerfile(_))) {
                        Some(id) => {
                            out.dockerfile = Some(id);
                            if let Parsed::Dockerfile(m) = &project.files[id].parsed {
                                // DEP004: the sensitive files of the context Compose gives.
                                if let Some(guess) = &m.context {
                                    if normalize(&guess.dir) != ctx {
                                        out.context = Some(crate::parse::dockerfile::BuildContext::read(
                                            &project.files[id].found.path,
                                            ctx.clone(),
                                        ));
                                    }
                                }
                                let target = build.target.as_ref().and_then(|t| t.known());
                                out.stage = match target {
                                    Some(t) => {
                                        let s = m.dockerfile.stage_named(&t.to_ascii_lowercase()).map(|s| s.index);
                                        if s.is_none() {
                                            out.problem = problem(
                                                format!(
                                                    "`{}` has no stage `{t}`",
                                                    project.files[id].source.display_path()
                                                ),
                                                span_of(&build.target),
                                                true,
                                            );
                                        }
                                        s
                                    }
                                    None => m.dockerfile.final_stage().map(|s| s.index),
                                };
                            }
                        }
                        None => {
                            out.problem = problem(
                                format!("no Dockerfile at `{}`", crate::check::display_relative(&path).display()),
                                span_of(&build.dockerfile),
                                true,
                            )
                        }
                    }
                }
            }
        }
        if out.dockerfile.is_none() {
            out.closed = false;
        }
    } else {
        // An image not built here may set variables of its own.
        out.closed = false;
    }
    // 1. The image's ENV.
    if let (Some(id), Some(stage)) = (out.dockerfile, out.stage) {
        if let Parsed::Dockerfile(m) = &project.files[id].parsed {
            add_dockerfile_env(&mut out.env, m, stage, &project.files[id]);
            let label = match &m.dockerfile.stages[stage].name {
                Some(n) => format!("Dockerfile ENV (stage `{n}`)"),
                None => "Dockerfile ENV (final stage)".into(),
            };
            out.sources.push(EnvSource { label, span: None, file: Some(id), known: true, missing: false });
        }
    }
    // 2. env_file, in order.
    for r in &service.env_file {
        let optional = r.required.as_ref().and_then(|f| f.value()) == Some(false);
        let Some(rel) = r.path.known() else {
            out.closed = false;
            out.sources.push(EnvSource {
                label: format!("env_file {}", r.path.shown()),
                span: Some(r.path.span),
                file: None,
                known: false,
                missing: false,
            });
            continue;
        };
        let path = dir.join(rel);
        match find_file(project, files, &path, |p| matches!(p, Parsed::Env(_))) {
            Some(id) => {
                let f = &project.files[id];
                if let Parsed::Env(parsed) = &f.parsed {
                    out.env.add_env_file(&f.found.path, &f.source.text, parsed);
                }
                out.sources.push(EnvSource {
                    label: format!("env_file {rel}"),
                    span: Some(r.path.span),
                    file: Some(id),
                    known: true,
                    missing: false,
                });
            }
            None => {
                // A missing optional file adds nothing; a missing required one is DEP007, and what
                // it would hold is unknown.
                if !optional || path.exists() {
                    out.closed = false;
                }
                out.sources.push(EnvSource {
                    label: format!("env_file {rel} (not read)"),
                    span: Some(r.path.span),
                    file: None,
                    known: optional && !path.exists(),
                    missing: !optional && !path.exists(),
                });
            }
        }
    }
    // 3. environment:.
    if !service.environment.is_empty() {
        let span = service.environment.first().map(|v| v.key_span);
        out.sources.push(EnvSource { label: "environment:".into(), span, file: None, known: true, missing: false });
    }
    for var in &service.environment {
        let compose_path = |span: Span| project.files.get(span.file).map(|f| f.found.path.clone()).unwrap_or_default();
        match &var.value {
            Some(text) => {
                let origin = Some(EnvOrigin {
                    path: compose_path(text.span),
                    range: text.span.range(),
                    line: project.files.get(text.span.file).map_or(0, |f| f.source.position(text.span.start).row),
                });
                match text.known() {
                    Some(v) => out.env.set(var.key.clone(), v, origin),
                    None => out.env.set_unknown(
                        var.key.clone(),
                        format!("`{}` substitutes a variable no known source sets", text.shown()),
                        origin,
                    ),
                }
            }
            None => {
                out.closed = false;
                out.env.set_unknown(var.key.clone(), "taken from the shell that runs Compose", None);
            }
        }
    }
    out.django = is_django(project, &out, service);
    out
}

/// Adds the ENV of a Dockerfile stage (inherited ones included).
pub fn add_dockerfile_env(
    env: &mut Environment,
    m: &DockerfileModel,
    stage: usize,
    file: &crate::project::ProjectFile,
) {
    let Some(s) = m.dockerfile.stages.get(stage) else { return };
    for e in &s.config.env {
        let line = file.source.position(e.value_span.start).row;
        let origin = Some(EnvOrigin { path: file.found.path.clone(), range: e.value_span.clone(), line });
        match &e.value {
            Some(v) => env.set(e.name.clone(), v.clone(), origin),
            None => env.set_unknown(e.name.clone(), format!("`{}` is not known", e.raw), origin),
        }
    }
}

/// Whether a service runs Django: its environment names a `DJANGO_` variable, or its command,
/// entrypoint or Dockerfile starts a Django process.
fn is_django(project: &Project, link: &ServiceLink, service: &Service) -> bool {
    const WORDS: &[&str] = &["manage.py", "gunicorn", "uvicorn", "daphne", "celery", "django", "wsgi", "asgi"];
    if link.env.iter().any(|(k, _)| k.starts_with("DJANGO_")) {
        return true;
    }
    let mut texts: Vec<String> = Vec::new();
    for c in [&service.command, &service.entrypoint].into_iter().flatten() {
        texts.extend(c.shell.iter().map(|t| t.text.clone()));
        texts.extend(c.exec.iter().map(|t| t.text.clone()));
    }
    if let Some(id) = link.dockerfile {
        texts.push(project.files[id].source.text.clone());
    }
    texts.iter().any(|t| {
        let t = t.to_ascii_lowercase();
        WORDS.iter().any(|w| t.contains(w))
    })
}

/// What a service's image, built here, is known to do (DC002, DC009).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltImage {
    /// `the image built from `Dockerfile` (stage `x`)`.
    pub described: String,
    /// The stage's last USER is known and not root, or its entrypoint drops privileges.
    pub non_root: bool,
    /// The stage has a HEALTHCHECK that is not `NONE`.
    pub healthcheck: bool,
}

impl DeploymentModel {
    /// The image a compose service builds from a Dockerfile in the project, when linked.
    pub fn built_image(
        &self,
        project: &Project,
        app: &crate::parse::compose::apps::App,
        service: &Service,
    ) -> Option<BuiltImage> {
        let link = self.link_of(app, service)?;
        let (id, stage) = (link.dockerfile?, link.stage?);
        let Parsed::Dockerfile(m) = &project.files.get(id)?.parsed else { return None };
        let s = m.dockerfile.stages.get(stage)?;
        let user_ok = s.config.user.as_ref().and_then(|u| u.value.as_deref()).is_some_and(|v| {
            let name = v.split(':').next().unwrap_or_default();
            !name.is_empty() && name != "root" && name != "0"
        });
        let healthcheck = s.config.healthcheck.is_some_and(|o| {
            !matches!(&m.dockerfile.instructions[o.instruction].body,
                crate::parse::dockerfile::Body::Healthcheck(h) if h.none)
        });
        let stage_name = match &s.name {
            Some(n) => format!("stage `{n}`"),
            None => "its final stage".into(),
        };
        Some(BuiltImage {
            described: format!("the image it builds (`{}`, {stage_name})", project.files[id].source.display_path()),
            non_root: user_ok || m.privilege_drop(stage).is_some(),
            healthcheck,
        })
    }
}
