//! The merged project view: which compose files run together (file sets), and each set's services
//! after interpolation, `include:`, `extends:` and Compose's merge of override files.
//!
//! **File sets.** Compose runs one or more files together (`-f a.yml -f b.yml`). Preflight forms
//! the sets it can see:
//! 1. the sets declared in the config (`compose-files = [["docker-compose.yml",
//!    "docker-compose.prod.yml"]]`);
//! 2. an override file (`docker-compose.override.yml`, `compose.override.yaml`) with its base
//!    file: what `docker compose up` runs by default (development, as the override file is);
//! 3. an *overlay*: a compose file beside a base file (`docker-compose.yml`, `compose.yaml`) that
//!    names a service of the base without saying how to run it (no `image`, `build` or `extends`)
//!    cannot run alone, so it runs after its base (`docker-compose.yml` + `docker-compose.prod.yml`);
//! 4. every other compose file on its own, unless another file includes or extends it, or it
//!    overlays a set (then it is read through that file or set only).
//!
//! A set's environment is that of its last file whose name says one (`docker-compose.yml` +
//! `docker-compose.prod.yml` is production, `docker-compose.yml` + `docker-compose.override.yml`
//! is development); with no such file, the first file's.
//!
//! **Interpolation** reads the `.env` in the folder of the set's first file (Compose's project
//! directory), or the included file's folder for an `include:`; never the linter's environment.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::interp::{interpolate, Vars};
use super::merge::{drop_resets, merge_roots, merge_services, normalize_services};
use super::service::Service;
use super::yaml::{Value, ValueKind, Via, ViaKind};
use super::ComposeFile;
use crate::discover::Classification;
use crate::project::{Parsed, Project};
use crate::source::{FileId, Span};

/// How deep `include:` and `extends:` chains are followed.
const MAX_CHAIN: usize = 16;

/// One set of compose files that run together.
#[derive(Debug, Clone)]
pub struct App {
    /// The files, in the order Compose merges them (base first).
    pub files: Vec<FileId>,
    /// The set's environment (see the module docs).
    pub class: Classification,
    pub services: Vec<Service>,
    /// The `.env` that interpolation read.
    pub env_file: Option<FileId>,
}

impl App {
    /// The note for diagnostics on an ambiguous set treated as production.
    pub fn production_note(&self) -> Option<&'static str> {
        self.class.production_note()
    }
}

/// Every compose file set of the project.
#[derive(Debug, Clone, Default)]
pub struct ComposeModel {
    pub apps: Vec<App>,
    /// Circular `include:` or `extends:` (Compose refuses the file; DC012 reports it): where,
    /// and what.
    pub cycles: Vec<(Span, String)>,
}

/// A path with `.` and `..` folded (no file system access).
pub fn normalize(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

const BASE_NAMES: &[&str] = &["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

fn is_override_name(name: &str) -> bool {
    name.starts_with("docker-compose.override.") || name.starts_with("compose.override.")
}

struct Builder<'p> {
    project: &'p Project,
    /// Compose files by normalized path.
    by_path: HashMap<PathBuf, FileId>,
    paths: HashMap<FileId, PathBuf>,
    /// `.env` files by folder.
    dotenv: HashMap<PathBuf, FileId>,
    cycles: std::cell::RefCell<Vec<(Span, String)>>,
}

impl<'p> Builder<'p> {
    fn compose(&self, id: FileId) -> Option<&'p ComposeFile> {
        match &self.project.files.get(id)?.parsed {
            Parsed::Compose(c) => Some(c),
            _ => None,
        }
    }

    fn dir(&self, id: FileId) -> PathBuf {
        self.paths.get(&id).and_then(|p| p.parent()).map(Path::to_path_buf).unwrap_or_default()
    }

    fn resolve_ref(&self, from: FileId, rel: &str) -> Option<FileId> {
        self.by_path.get(&normalize(&self.dir(from).join(rel))).copied()
    }

    fn vars_for_dir(&self, dir: &Path) -> (Vars, Option<FileId>) {
        match self.dotenv.get(dir) {
            Some(&id) => match &self.project.files[id].parsed {
                Parsed::Env(env) => (Vars::from_env(env), Some(id)),
                _ => (Vars::default(), None),
            },
            None => (Vars::default(), None),
        }
    }

    /// The files a compose file includes or extends from.
    fn references(&self, id: FileId) -> Vec<FileId> {
        let Some(tree) = self.compose(id).and_then(|c| c.tree.as_ref()) else { return Vec::new() };
        let mut out = Vec::new();
        for path in include_paths(tree) {
            out.extend(self.resolve_ref(id, &path));
        }
        if let Some(services) = tree.get("services").and_then(Value::as_map) {
            for s in services {
                if let Some(file) = s.value.get("extends").and_then(|e| e.get("file")).and_then(Value::as_str) {
                    out.extend(self.resolve_ref(id, &file.text));
                }
            }
        }
        out
    }

    /// The base file beside `id` (`docker-compose.yml`, `compose.yaml`...), preferring the one
    /// whose name `id`'s name continues (`compose.override.yaml` goes with `compose.yaml`).
    fn base_beside(&self, id: FileId) -> Option<FileId> {
        let dir = self.dir(id);
        let own = file_name(&self.paths[&id]);
        let candidates: Vec<FileId> =
            BASE_NAMES.iter().filter_map(|n| self.by_path.get(&dir.join(n)).copied()).filter(|&b| b != id).collect();
        let family = if own.starts_with("docker-compose") { "docker-compose" } else { "compose" };
        candidates
            .iter()
            .copied()
            .find(|&b| file_name(&self.paths[&b]).starts_with(family))
            .or(candidates.first().copied())
    }

    /// A file that names a service of its base without saying how to run it.
    fn is_overlay(&self, id: FileId, base: FileId) -> bool {
        let (Some(own), Some(base)) = (self.compose(id), self.compose(base)) else { return false };
        let base_services: Vec<&str> = base.services().map(|s| s.key.as_str()).collect();
        own.services().any(|s| {
            base_services.contains(&s.key.as_str())
                && ["image", "build", "extends"].iter().all(|k| s.value.get(k).is_none())
        })
    }

    fn sets(&self) -> Vec<Vec<FileId>> {
        let mut ids: Vec<FileId> = self.paths.keys().copied().collect();
        ids.sort();
        let mut sets: Vec<Vec<FileId>> = Vec::new();
        let mut not_alone: Vec<FileId> = Vec::new();
        // 1. Declared in a config.
        for cfg in &self.project.configs {
            for set in &cfg.compose_sets {
                let files: Vec<FileId> = set.iter().filter_map(|p| self.by_path.get(&normalize(p)).copied()).collect();
                if !files.is_empty() {
                    not_alone.extend(files.iter().skip(1).copied());
                    sets.push(files);
                }
            }
        }
        for &id in &ids {
            let name = file_name(&self.paths[&id]);
            if BASE_NAMES.contains(&name.as_str()) {
                continue;
            }
            let Some(base) = self.base_beside(id) else { continue };
            // 2. An override file; 3. an overlay.
            if is_override_name(&name) || self.is_overlay(id, base) {
                not_alone.push(id);
                if !sets.iter().any(|s| s.contains(&id)) {
                    sets.push(vec![base, id]);
                }
            }
        }
        for &id in &ids {
            not_alone.extend(self.references(id));
        }
        // 4. Every other file on its own.
        for &id in &ids {
            if !not_alone.contains(&id) && !sets.iter().any(|s| s.len() == 1 && s[0] == id) {
                sets.push(vec![id]);
            }
        }
        // Files that only reference each other (an include cycle) are reached from no set: the
        // first of them runs on its own.
        let mut reached: Vec<FileId> = Vec::new();
        let mut stack: Vec<FileId> = sets.iter().flatten().copied().collect();
        loop {
            while let Some(id) = stack.pop() {
                if !reached.contains(&id) {
                    reached.push(id);
                    stack.extend(self.references(id));
                }
            }
            match ids.iter().find(|id| !reached.contains(id)) {
                Some(&id) => {
                    sets.push(vec![id]);
                    stack.push(id);
                }
                None => break,
            }
        }
        sets.sort();
        sets.dedup();
        sets
    }

    fn class_of(&self, files: &[FileId]) -> Classification {
        let class = |id: FileId| self.project.files[id].class().clone();
        files.iter().rev().map(|&id| class(id)).find(|c| !c.ambiguous).unwrap_or_else(|| class(files[0]))
    }

    /// A file's tree, interpolated, with its includes and its services' `extends` resolved.
    fn load(&self, id: FileId, vars: &Vars, chain: &mut Vec<FileId>) -> Option<Value> {
        if chain.contains(&id) || chain.len() > MAX_CHAIN {
            return None;
        }
        chain.push(id);
        let mut tree = self.raw(id, vars)?;
        // `include:` adds the included files' services (a service defined here wins).
        for path in include_paths(&tree) {
            let Some(inc) = self.resolve_ref(id, &path) else { continue };
            if chain.contains(&inc) {
                let at = tree.entry("include").map(|e| e.key_span);
                self.cycle(at, format!("`include: {path}` comes back to a file that includes it"));
                continue;
            }
            let (inc_vars, _) = self.vars_for_dir(&self.dir(inc));
            let Some(included) = self.load(inc, &inc_vars, chain) else { continue };
            let Some(inc_services) = included.get("services").and_then(Value::as_map) else { continue };
            let inc_services = inc_services.to_vec();
            let services = services_mut(&mut tree);
            for s in inc_services {
                if !services.iter().any(|e| e.key == s.key) {
                    services.push(s);
                }
            }
        }
        let names: Vec<String> =
            tree.get("services").and_then(Value::as_map).unwrap_or_default().iter().map(|e| e.key.clone()).collect();
        let raw_services = tree.get("services").cloned();
        for name in names {
            let mut visiting = Vec::new();
            if let Some(body) = raw_services.as_ref().and_then(|s| self.extended(id, s, &name, vars, &mut visiting)) {
                if let Some(e) = services_mut(&mut tree).iter_mut().find(|e| e.key == name) {
                    e.value = body;
                }
            }
        }
        chain.pop();
        Some(tree)
    }

    /// Records a cycle once (Compose refuses it: "circular reference").
    fn cycle(&self, at: Option<Span>, message: String) {
        let Some(at) = at else { return };
        let mut cycles = self.cycles.borrow_mut();
        if !cycles.iter().any(|(s, _)| *s == at) {
            cycles.push((at, message));
        }
    }

    /// A file's tree, interpolated.
    fn raw(&self, id: FileId, vars: &Vars) -> Option<Value> {
        let mut tree = self.compose(id)?.tree.clone()?;
        tree.map_strings(&mut |s| {
            if s.text.contains('$') {
                s.text = interpolate(&s.text, vars).text;
            }
        });
        Some(tree)
    }

    /// The body of service `name` of `services` (in file `file`) with its `extends` chain merged.
    fn extended(
        &self,
        file: FileId,
        services: &Value,
        name: &str,
        vars: &Vars,
        visiting: &mut Vec<(FileId, String)>,
    ) -> Option<Value> {
        let entry = services.entry(name)?;
        let mut body = entry.value.clone();
        let Some(ext) = body.entry("extends").cloned() else { return Some(body) };
        if visiting.iter().any(|(f, n)| *f == file && n == name) || visiting.len() > MAX_CHAIN {
            let path: Vec<&str> = visiting.iter().map(|(_, n)| n.as_str()).chain([name]).collect();
            self.cycle(Some(ext.key_span), format!("`extends` goes round in a circle ({})", path.join(" → ")));
            return Some(body);
        }
        visiting.push((file, name.to_string()));
        let (base_file, base_name) = match &ext.value.kind {
            ValueKind::Str(s) => (Some(file), s.text.clone()),
            ValueKind::Map(_) => {
                let base_name =
                    ext.value.get("service").and_then(Value::as_str).map(|s| s.text.clone()).unwrap_or_default();
                let base_file = match ext.value.get("file").and_then(Value::as_str) {
                    Some(f) => self.resolve_ref(file, &f.text),
                    None => Some(file),
                };
                (base_file, base_name)
            }
            _ => (None, String::new()),
        };
        let base_services = match base_file {
            Some(f) if f == file => Some(services.clone()),
            Some(f) => self.raw(f, vars).and_then(|t| t.get("services").cloned()),
            None => None,
        };
        let base = base_file.zip(base_services).and_then(|(f, s)| self.extended(f, &s, &base_name, vars, visiting));
        visiting.pop();
        if let ValueKind::Map(entries) = &mut body.kind {
            entries.retain(|e| e.key != "extends");
        }
        let Some(mut base) = base else { return Some(body) };
        let site = Via { span: ext.key_span, kind: ViaKind::Extends(base_name) };
        if let ValueKind::Map(entries) = &mut base.kind {
            for e in entries.iter_mut() {
                e.value.via.insert(0, site.clone());
            }
        }
        Some(merge_services(base, body))
    }

    fn app(&self, files: Vec<FileId>) -> Option<App> {
        let (vars, env_file) = self.vars_for_dir(&self.dir(files[0]));
        let mut merged: Option<Value> = None;
        for &id in &files {
            let mut chain = Vec::new();
            let Some(tree) = self.load(id, &vars, &mut chain) else { continue };
            merged = Some(match merged {
                Some(m) => merge_roots(m, tree),
                None => tree,
            });
        }
        let mut merged = merged?;
        drop_resets(&mut merged);
        normalize_services(&mut merged);
        let source = |span: Span| self.project.files.get(span.file).and_then(|f| f.source.text.get(span.range()));
        let services = merged
            .get("services")
            .and_then(Value::as_map)
            .unwrap_or_default()
            .iter()
            .filter(|e| matches!(e.value.kind, ValueKind::Map(_)))
            .map(|e| Service::read(&e.key, e.key_span, &e.value, &source))
            .collect();
        Some(App { class: self.class_of(&files), files, services, env_file })
    }
}

fn services_mut(tree: &mut Value) -> &mut Vec<super::yaml::Entry> {
    let ValueKind::Map(entries) = &mut tree.kind else { unreachable!("a compose tree is a mapping") };
    if !entries.iter().any(|e| e.key == "services") {
        let span = Span::new(0, 0..0);
        entries.push(super::yaml::Entry { key: "services".into(), key_span: span, value: Value::null(span) });
    }
    let services = entries.iter_mut().rev().find(|e| e.key == "services").map(|e| &mut e.value);
    let services = services.unwrap_or_else(|| unreachable!("inserted above"));
    if !matches!(services.kind, ValueKind::Map(_)) {
        services.kind = ValueKind::Map(Vec::new());
    }
    match &mut services.kind {
        ValueKind::Map(e) => e,
        _ => unreachable!("set above"),
    }
}

/// The paths an `include:` lists (short form, `path:` string or list).
fn include_paths(tree: &Value) -> Vec<String> {
    let Some(items) = tree.get("include").and_then(Value::as_seq) else { return Vec::new() };
    let mut out = Vec::new();
    for item in items {
        match &item.kind {
            ValueKind::Str(s) => out.push(s.text.clone()),
            ValueKind::Map(_) => match item.get("path").map(|p| &p.kind) {
                Some(ValueKind::Str(s)) => out.push(s.text.clone()),
                Some(ValueKind::Seq(paths)) => {
                    out.extend(paths.iter().filter_map(|p| p.as_str().map(|s| s.text.clone())))
                }
                _ => {}
            },
            _ => {}
        }
    }
    out
}

/// Builds the merged view of every compose file set in the project.
pub fn build(project: &Project) -> ComposeModel {
    let mut b = Builder {
        project,
        by_path: HashMap::new(),
        paths: HashMap::new(),
        dotenv: HashMap::new(),
        cycles: Default::default(),
    };
    for (id, f) in project.files.iter().enumerate() {
        let path = normalize(&f.found.path);
        match &f.parsed {
            Parsed::Compose(_) => {
                b.by_path.insert(path.clone(), id);
                b.paths.insert(id, path);
            }
            Parsed::Env(_) if file_name(&path) == ".env" => {
                if let Some(dir) = path.parent() {
                    b.dotenv.insert(dir.to_path_buf(), id);
                }
            }
            _ => {}
        }
    }
    let apps = b.sets().into_iter().filter_map(|files| b.app(files)).collect();
    ComposeModel { apps, cycles: b.cycles.into_inner() }
}

/// The compose files another compose file names (`include:`, `extends.file`), as paths relative
/// to the folder of `path`, for the pipeline to load when discovery did not find them (a
/// `common-services.yml` matches no compose name pattern).
pub fn referenced_paths(file: &ComposeFile, path: &Path) -> Vec<PathBuf> {
    let Some(tree) = &file.tree else { return Vec::new() };
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut out: Vec<PathBuf> = include_paths(tree).into_iter().map(|p| dir.join(p)).collect();
    for s in file.services() {
        if let Some(f) = s.value.get("extends").and_then(|e| e.get("file")).and_then(Value::as_str) {
            out.push(dir.join(&f.text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::config::SelectLayer;

    /// Writes `files` into a temporary project and returns `file:line: code` for each finding of
    /// `code` (config files are read unless `isolated`).
    fn findings(files: &[(&str, &str)], code: &str, isolated: bool) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let report = crate::check(&crate::Options {
            paths: vec![dir.path().to_path_buf()],
            config: None,
            isolated,
            settings: None,
            secrets_all_files: false,
            selection: SelectLayer { select: Some(vec![code.into()]), ..Default::default() },
        })
        .unwrap();
        report
            .diagnostics
            .iter()
            .map(|d| {
                let f = &report.project.files[d.span.file];
                let name = f.found.path.file_name().unwrap().to_string_lossy().into_owned();
                format!("{name}:{}: {}", f.source.position(d.span.start).row, d.code)
            })
            .collect()
    }

    const BASE: &str = "services:\n  web:\n    image: shop/web:1.0\n    privileged: true\n";

    #[test]
    fn config_file_sets_merge_in_order() {
        // Named in no compose pattern: `release.yml` is a compose file only through the config.
        let fix = "services:\n  web:\n    privileged: false\n";
        let files = [
            ("preflight.toml", "compose-files = [[\"docker-compose.yml\", \"release.yml\"]]\n"),
            ("docker-compose.yml", BASE),
            ("release.yml", fix),
        ];
        assert_eq!(findings(&files, "DC001", false), Vec::<String>::new());
        // Without the config, `docker-compose.yml` alone is the production view.
        assert_eq!(findings(&files, "DC001", true), ["docker-compose.yml:4: DC001"]);
    }

    #[test]
    fn override_file_is_development_and_base_stays_production() {
        let files = [
            ("docker-compose.yml", BASE),
            ("docker-compose.override.yml", "services:\n  web:\n    privileged: false\n"),
        ];
        // The base alone (what production runs) still fires; the development set does not hide it.
        assert_eq!(findings(&files, "DC001", true), ["docker-compose.yml:4: DC001"]);
        let files = [
            ("docker-compose.yml", "services:\n  web:\n    image: shop/web:1.0\n"),
            ("docker-compose.override.yml", "services:\n  web:\n    privileged: true\n"),
        ];
        assert_eq!(findings(&files, "DC001", true), Vec::<String>::new());
    }

    #[test]
    fn interpolation_reads_the_project_dotenv_only() {
        std::env::set_var("PREFLIGHT_TEST_PRIV", "true");
        let compose = "services:\n  web:\n    image: shop/web:1.0\n    privileged: ${PRIV}\n    network_mode: ${PREFLIGHT_TEST_PRIV:-host}\n    ports: [\"${DB_IP}:5432:5432\"]\n";
        let files = [("docker-compose.prod.yml", compose), (".env", "PRIV=yes\nDB_IP=0.0.0.0\n")];
        assert_eq!(findings(&files, "DC001", true), ["docker-compose.prod.yml:4: DC001"]);
        assert_eq!(findings(&files, "DC008", true), ["docker-compose.prod.yml:6: DC008"]);
        // The linter's own environment is never read: `PREFLIGHT_TEST_PRIV` is unknown.
        assert_eq!(findings(&files, "DC007", true), Vec::<String>::new());
        // Without the `.env`, the values are unknown: silent.
        assert_eq!(findings(&files[..1], "DC001", true), Vec::<String>::new());
        assert_eq!(findings(&files[..1], "DC008", true), Vec::<String>::new());
    }

    #[test]
    fn extends_and_include_cycles_end() {
        let a =
            "include: [b.yml]\nservices:\n  web:\n    extends: web\n    image: shop/web:1.0\n    privileged: true\n";
        let b = "include: [docker-compose.prod.yml]\nservices:\n  db:\n    extends: {file: docker-compose.prod.yml, service: web}\n";
        let found = findings(&[("docker-compose.prod.yml", a), ("b.yml", b)], "DC001", true);
        // `web`, and `db` that extends it (through the include): the same `true`, two services.
        assert_eq!(found, ["docker-compose.prod.yml:6: DC001", "docker-compose.prod.yml:6: DC001"]);
    }
}
