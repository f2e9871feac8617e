//! DEP001 settings-module-not-found: a `DJANGO_SETTINGS_MODULE` that a production source sets
//! (the sources of DEP002: a production service's environment, a production image's `ENV`, a
//! production env file; not `manage.py`/`wsgi.py` defaults, not an inline `RUN` assignment)
//! names no module in the tree: Django stops at start-up with `ModuleNotFoundError`.

use std::path::{Path, PathBuf};

use super::{selected_by, selections};
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::Kind;
use crate::model::settings::linted_root;
use crate::project::Project;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::resolve::{is_identifier, normalize, resolve_module, FsReader, Reader};

pub const RULE: Rule = Rule {
    code: "DEP001",
    name: "settings-module-not-found",
    family: Family::Deployment,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A production `DJANGO_SETTINGS_MODULE` names no module in the tree",
    check: Check::Project(check),
};

/// The file paths a dotted module name may have, relative (`a/b/c.py`, `a/b/c/__init__.py`).
fn candidates(dotted: &str) -> [PathBuf; 2] {
    let rel: PathBuf = dotted.split('.').collect();
    [rel.with_extension("py"), rel.join("__init__.py")]
}

/// The folder `p` sits in as `rel` (`src` for `src/shop/settings.py` and `shop/settings.py`).
fn base_of(p: &Path, rel: &Path) -> Option<PathBuf> {
    let mut base = p.to_path_buf();
    for _ in rel.components() {
        if !base.pop() {
            return None;
        }
    }
    Some(base)
}

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    let python: Vec<PathBuf> =
        project.files.iter().filter(|f| f.kind() == Kind::Python).map(|f| normalize(&f.found.path)).collect();
    // Nothing to resolve against (a deployment repository without the code): unknown, not missing.
    if python.is_empty() {
        return;
    }
    // The project roots (folders holding a `manage.py`) and the linted roots.
    let mut roots: Vec<PathBuf> = Vec::new();
    for f in project.files.iter() {
        let root = normalize(&linted_root(&f.found));
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    for p in &python {
        if p.file_name().is_some_and(|n| n == "manage.py") {
            let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
            if !roots.contains(&dir) {
                roots.push(dir);
            }
        }
    }
    let reader = FsReader::default();
    for sel in selections(project) {
        let module = sel.module.as_str();
        let valid = !module.is_empty() && module.split('.').all(is_identifier);
        if valid {
            if resolve_module(&reader, &roots, module).is_some() {
                continue;
            }
            // Below a folder that is not itself a package (a `src/` layout, a PYTHONPATH the
            // image sets): found. Inside a package (`config/settings/production.py` for
            // `settings.production`) it is not importable by that name.
            let found = candidates(module).iter().any(|rel| {
                python.iter().any(|p| {
                    p.ends_with(rel) && base_of(p, rel).is_some_and(|b| !reader.is_file(&b.join("__init__.py")))
                })
            });
            if found {
                continue;
            }
        }
        let why = if valid {
            format!(
                "no `{}` or `{}` is found below a project root",
                candidates(module)[0].display(),
                candidates(module)[1].display()
            )
        } else {
            "it is not a dotted Python module name".to_string()
        };
        out.push(
            Diagnostic::new(
                &RULE,
                sel.span,
                format!(
                    "production selects the settings module `{module}`{}, but {why}: Django stops at start-up \
                     with ModuleNotFoundError",
                    selected_by(&sel)
                ),
            )
            .with_label("no such module")
            .with_help(
                "name the settings module by its dotted path from the project root (the folder of \
                 `manage.py`), e.g. `config.settings.production`",
            ),
        );
    }
}
