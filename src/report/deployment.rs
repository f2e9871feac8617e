//! `preflight deployment`: the deployment model Preflight believes, for a user to trust a finding
//! or to debug a silent one. For each Django project: the production services (their compose
//! files, image, Dockerfile and stage, environment sources in Compose precedence, lowest first),
//! and each settings module production loads (why it was chosen, the services that run it, and the
//! effective value of every security-relevant setting with where it comes from).
//!
//! Secrets never appear: a value under a secret-named setting or dict key is masked like every
//! other output masks it, and anything the secret scanner recognises in a rendered value is too.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::check::Report;
use crate::model::deployment::{DeploymentModel, ServiceLink};
use crate::model::settings::SettingsModel;
use crate::project::{Parsed, Project};
use crate::settings::{Loc, StepKind, Value};
use crate::source::Span;

/// The JSON shape (`--format json`); the text format renders the same data.
#[derive(Debug, Serialize)]
pub struct View {
    pub version: u32,
    pub projects: Vec<ProjectView>,
}

#[derive(Debug, Serialize)]
pub struct ProjectView {
    /// The project root (the folder of its `manage.py`), as given on the command line.
    pub root: String,
    pub services: Vec<ServiceView>,
    pub settings: Vec<SettingsView>,
}

#[derive(Debug, Serialize)]
pub struct ServiceView {
    pub name: String,
    /// The compose files that define it, in merge order.
    pub compose_files: Vec<String>,
    pub image: Option<String>,
    /// The Dockerfile its `build:` makes, when it is in the tree.
    pub dockerfile: Option<String>,
    /// The stage that runs: its name, else `#index`.
    pub stage: Option<String>,
    /// Why the build could not be linked.
    pub build_problem: Option<String>,
    /// Preflight takes it for a Django process (its environment or command says so).
    pub django: bool,
    /// Lowest precedence first.
    pub environment_sources: Vec<SourceView>,
    /// Every source is known and nothing is left to the runtime (DEP003 judges only then).
    pub environment_closed: bool,
}

#[derive(Debug, Serialize)]
pub struct SourceView {
    pub label: String,
    /// `path:line` where the source is named.
    pub at: Option<String>,
    /// Its contents are known to Preflight.
    pub known: bool,
    /// A required env file that does not exist (DEP007).
    pub missing: bool,
}

#[derive(Debug, Serialize)]
pub struct SettingsView {
    pub module: String,
    pub file: Option<String>,
    pub chosen_because: String,
    /// The production services that run it with this environment (empty: the production env
    /// files and Dockerfile `ENV`, no compose service).
    pub services: Vec<String>,
    /// Where evaluation stopped short (an import cycle, a missing module, a `raise`).
    pub incomplete: Vec<String>,
    pub values: Vec<SettingValue>,
}

#[derive(Debug, Serialize)]
pub struct SettingValue {
    pub setting: String,
    /// As Python would print it (secrets masked, long values shortened); `unknown (...)` when it
    /// cannot be determined.
    pub value: String,
    /// Assigned by the project; false: Django's (or the app's) default.
    pub assigned: bool,
    /// `path:line` where the value comes from: the literal, the env-file value, the assignment.
    pub source: Option<String>,
    /// The environment variable it depends on, and what production does with it.
    pub env: Option<String>,
}

/// Builds the view from a finished run.
pub fn view(report: &Report) -> View {
    let project = &report.project;
    let mut roots: Vec<PathBuf> = project.settings.iter().map(|m| m.choice.root.clone()).collect();
    roots.sort();
    roots.dedup();
    let deployment = &project.deployment;
    let mut projects: Vec<ProjectView> = roots
        .iter()
        .map(|root| ProjectView {
            root: display_dir(root),
            services: deployment
                .services
                .iter()
                .filter(|l| {
                    let dir = service_dir(project, deployment, l);
                    crate::model::settings::applies_to(&dir, &roots).contains(root)
                })
                .map(|l| service_view(project, deployment, l))
                .collect(),
            settings: project
                .settings
                .iter()
                .filter(|m| m.choice.root == *root)
                .map(|m| settings_view(project, m))
                .collect(),
        })
        .collect();
    // Compose services with no Django project in the tree still form a deployment.
    if projects.is_empty() && !deployment.services.is_empty() {
        projects.push(ProjectView {
            root: ".".into(),
            services: deployment.services.iter().map(|l| service_view(project, deployment, l)).collect(),
            settings: Vec::new(),
        });
    }
    View { version: 1, projects }
}

fn service_dir(project: &Project, deployment: &DeploymentModel, link: &ServiceLink) -> PathBuf {
    deployment
        .compose
        .apps
        .get(link.app)
        .and_then(|a| a.files.first())
        .and_then(|&id| project.files.get(id))
        .and_then(|f| f.found.path.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn service_view(project: &Project, deployment: &DeploymentModel, link: &ServiceLink) -> ServiceView {
    let service = deployment.service(link);
    let compose_files = deployment
        .compose
        .apps
        .get(link.app)
        .map(|a| a.files.iter().map(|&id| project.file(id).source.display_path()).collect())
        .unwrap_or_default();
    let stage = link.dockerfile.zip(link.stage).and_then(|(id, stage)| match &project.file(id).parsed {
        Parsed::Dockerfile(m) => {
            let s = m.dockerfile.stages.get(stage)?;
            Some(s.name.as_ref().map_or_else(|| format!("#{}", s.index), |n| format!("`{n}`")))
        }
        _ => None,
    });
    ServiceView {
        name: link.name.clone(),
        compose_files,
        image: service.and_then(|s| s.image.as_ref()).map(|i| i.text.clone()),
        dockerfile: link.dockerfile.map(|id| project.file(id).source.display_path()),
        stage,
        build_problem: link.problem.as_ref().map(|p| p.message.clone()),
        django: link.django,
        environment_sources: link
            .sources
            .iter()
            .map(|s| SourceView {
                label: s.label.clone(),
                at: s.span.map(|span| at(project, span)),
                known: s.known,
                missing: s.missing,
            })
            .collect(),
        environment_closed: link.closed,
    }
}

fn settings_view(project: &Project, model: &SettingsModel) -> SettingsView {
    let eval = &model.eval;
    let values = crate::rules::django::SECURITY_SETTINGS
        .iter()
        .filter_map(|&name| {
            let value = eval.get(name)?;
            Some(SettingValue {
                setting: name.to_string(),
                value: masked_describe(name, &value),
                assigned: eval.is_assigned(name),
                source: value
                    .origin
                    .or_else(|| eval.last_assignment(name))
                    .and_then(|loc| model.span(loc))
                    .map(|span| at(project, span)),
                env: env_note(&value),
            })
        })
        .collect();
    SettingsView {
        module: model.choice.module.clone(),
        file: model.choice.file.as_deref().map(crate::source::display_path),
        chosen_because: model.choice.reason.clone(),
        services: model.services.clone(),
        incomplete: eval.errors.iter().map(|e| located(project, model, e.at, &e.message)).collect(),
        values,
    }
}

/// `message (path:line)`.
fn located(project: &Project, model: &SettingsModel, loc: Option<Loc>, message: &str) -> String {
    match loc.and_then(|l| model.span(l)) {
        Some(span) => format!("{message} ({})", at(project, span)),
        None => message.to_string(),
    }
}

/// What production does with the environment variable a value depends on.
fn env_note(value: &Value) -> Option<String> {
    value.steps.to_vec().into_iter().rev().find_map(|s| match s.kind {
        StepKind::EnvSet { var } => Some(format!("{var}: set by production")),
        StepKind::EnvUnset { var } => Some(format!("{var}: not set in production, the code default applies")),
        StepKind::EnvUnknown { var } => Some(format!("{var}: set in production to a value Preflight cannot read")),
        _ => None,
    })
}

/// `path:line` of a span.
fn at(project: &Project, span: Span) -> String {
    let src = &project.file(span.file).source;
    format!("{}:{}", src.display_path(), src.position(span.start).row)
}

fn display_dir(p: &Path) -> String {
    if p.as_os_str().is_empty() {
        ".".into()
    } else {
        crate::source::display_path(p)
    }
}

/// A value as Python would print it, with every secret it holds masked: the strings under a
/// secret-named setting or dict key, and whatever the secret scanner finds in the text.
pub fn masked_describe(name: &str, value: &Value) -> String {
    let mut secrets: BTreeSet<String> = BTreeSet::new();
    crate::model::settings::for_each_secret_string(value, crate::secrets::is_secret_name(name), &mut |_, s| {
        secrets.insert(s.to_string());
    });
    let mut text = value.describe();
    // Longest first, so that a secret containing another is masked whole.
    let mut secrets: Vec<String> = secrets.into_iter().collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for s in secrets {
        text = text.replace(&s, &crate::secrets::mask(&s));
        // A shortened value may end inside the secret: mask any visible prefix too.
        if let Some(cut) = text.strip_suffix("...") {
            let tail = longest_suffix_prefix(cut, &s);
            if tail > 4 {
                text = format!("{}{}...", &cut[..cut.len() - tail], crate::secrets::mask(&s));
            }
        }
    }
    let found = crate::secrets::scan(&text);
    let mut ranges: Vec<std::ops::Range<usize>> = found.redactions().collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.start));
    for r in ranges {
        if let Some(s) = text.get(r.clone()) {
            let masked = crate::secrets::mask(s);
            text.replace_range(r, &masked);
        }
    }
    text
}

/// The length of the longest suffix of `text` that is a prefix of `secret`.
fn longest_suffix_prefix(text: &str, secret: &str) -> usize {
    (1..=secret.len().min(text.len()))
        .rev()
        .find(|&n| secret.is_char_boundary(n) && text.is_char_boundary(text.len() - n) && text.ends_with(&secret[..n]))
        .unwrap_or(0)
}

/// The text format.
pub fn render_text(view: &View) -> String {
    let mut out = String::new();
    if view.projects.is_empty() {
        out.push_str("No Django project or production compose service found.\n");
    }
    for (i, p) in view.projects.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "Project {}", p.root);
        if p.services.is_empty() {
            out.push_str("  no production compose service\n");
        }
        for s in &p.services {
            render_service(&mut out, s);
        }
        for m in &p.settings {
            render_settings(&mut out, m);
        }
    }
    out
}

fn render_service(out: &mut String, s: &ServiceView) {
    let _ = writeln!(
        out,
        "  Service {}{} ({})",
        s.name,
        if s.django { " [Django]" } else { "" },
        s.compose_files.join(" + ")
    );
    if let Some(image) = &s.image {
        let _ = writeln!(out, "    image: {image}");
    }
    match (&s.dockerfile, &s.stage, &s.build_problem) {
        (_, _, Some(problem)) => {
            let _ = writeln!(out, "    build: {problem}");
        }
        (Some(df), Some(stage), None) => {
            let _ = writeln!(out, "    build: {df}, stage {stage}");
        }
        (Some(df), None, None) => {
            let _ = writeln!(out, "    build: {df}");
        }
        (None, _, None) => {}
    }
    out.push_str("    environment, lowest precedence first:\n");
    if s.environment_sources.is_empty() {
        out.push_str("      (none)\n");
    }
    for (n, src) in s.environment_sources.iter().enumerate() {
        let state = match (src.missing, src.known) {
            (true, _) => " [missing]",
            (false, false) => " [not readable]",
            _ => "",
        };
        let at = src.at.as_deref().map(|a| format!("  ({a})")).unwrap_or_default();
        let _ = writeln!(out, "      {}. {}{state}{at}", n + 1, src.label);
    }
    let closed =
        if s.environment_closed { "closed (every source known)" } else { "open (part of it is left to the runtime)" };
    let _ = writeln!(out, "    environment is {closed}");
}

fn render_settings(out: &mut String, m: &SettingsView) {
    let file = m.file.as_deref().map(|f| format!(" ({f})")).unwrap_or_else(|| " (not found)".into());
    let _ = writeln!(out, "  Settings {}{file}", m.module);
    let _ = writeln!(out, "    chosen: {}", m.chosen_because);
    if m.services.is_empty() {
        out.push_str("    run with: the production env files and Dockerfile ENV (no compose service)\n");
    } else {
        let _ = writeln!(out, "    run by: {}", m.services.join(", "));
    }
    for why in &m.incomplete {
        let _ = writeln!(out, "    incomplete: {why}");
    }
    let width = m.values.iter().map(|v| v.setting.len()).max().unwrap_or(0);
    for v in &m.values {
        let source = match (&v.source, v.assigned) {
            (Some(s), _) => s.clone(),
            (None, false) => "default".into(),
            (None, true) => "?".into(),
        };
        let env = v.env.as_deref().map(|e| format!("; {e}")).unwrap_or_default();
        let _ = writeln!(out, "    {:<width$}  {}  [{source}{env}]", v.setting, v.value);
    }
}

/// The JSON format.
pub fn render_json(view: &View) -> String {
    serde_json::to_string_pretty(view).unwrap_or_default() + "\n"
}
