//! Which settings module production loads, per project root (RULES.md, "Settings resolution"):
//! `--settings`/config; `DJANGO_SETTINGS_MODULE` in production sources; the `setdefault` in
//! `wsgi.py`/`asgi.py`; the one in `manage.py`; the only settings module. A development-named
//! default beside a production-named module gives the production module (and DEP008's facts).

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tree_sitter::Node;

use super::env::{EnvOrigin, EnvValue, Environment};
use super::python;
use super::resolve::{self, Reader};

/// What discovery looks at.
pub struct DiscoverInput<'a> {
    /// The linted root, as the reader knows paths.
    pub linted_root: &'a Path,
    /// The Python settings candidates found by file discovery (`manage.py`, `wsgi.py`,
    /// `asgi.py`, `settings*.py`, `*settings.py`, files in a `settings/` folder).
    pub python_files: &'a [PathBuf],
    /// `DJANGO_SETTINGS_MODULE` as production sources set it, with where.
    pub selected: &'a [(String, Option<EnvOrigin>)],
    /// `--settings MODULE` or config `settings-module`.
    pub explicit: Option<&'a str>,
    pub reader: &'a dyn Reader,
}

/// How a module was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceSource {
    Explicit,
    Environment,
    Wsgi,
    Manage,
    OnlyModule,
    /// A production-named module, chosen over a development-named default or as the only
    /// production-named settings module.
    ProductionSibling,
}

/// A `DJANGO_SETTINGS_MODULE` default in an entry point that names a development module while a
/// production module exists (DEP008).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevDefault {
    pub module: String,
    /// The entry point (`wsgi.py`, `asgi.py`, `manage.py`).
    pub file: PathBuf,
    /// The string literal of the default.
    pub range: Range<usize>,
    pub line: usize,
}

/// The production settings module of one project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleChoice {
    pub root: PathBuf,
    pub module: String,
    /// The module's file; None when it names no module in the tree.
    pub file: Option<PathBuf>,
    pub source: ChoiceSource,
    /// Why, for `--show-files`.
    pub reason: String,
    pub dev_default: Option<DevDefault>,
    /// A `DJANGO_CONFIGURATION` default in the root's entry points (django-configurations).
    pub configuration: Option<String>,
}

/// The `DJANGO_SETTINGS_MODULE` values an environment sets.
pub fn selected_in(env: &Environment) -> Vec<(String, Option<EnvOrigin>)> {
    match env.get("DJANGO_SETTINGS_MODULE") {
        Some(v) => match &v.value {
            EnvValue::Set(m) => vec![(m.clone(), v.origin.clone())],
            EnvValue::Unknown(_) => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// Project roots: each folder holding a `manage.py`, else the linted root.
pub fn project_roots(linted_root: &Path, python_files: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = python_files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "manage.py"))
        .map(|p| p.parent().map(Path::to_path_buf).unwrap_or_default())
        .collect();
    roots.sort();
    roots.dedup();
    if roots.is_empty() {
        roots.push(linted_root.to_path_buf());
    }
    roots
}

/// The deepest project root holding `file`.
pub fn owner_root<'r>(file: &Path, roots: &'r [PathBuf]) -> Option<&'r PathBuf> {
    roots.iter().filter(|r| r.as_os_str().is_empty() || file.starts_with(r)).max_by_key(|r| r.components().count())
}

fn display(p: &Path) -> String {
    if p.as_os_str().is_empty() {
        ".".to_string()
    } else {
        crate::source::display_path(p)
    }
}

fn tokens_of(module: &str) -> Vec<String> {
    let last = module.rsplit('.').next().unwrap_or(module);
    last.split(['_', '-']).filter(|t| !t.is_empty()).map(str::to_lowercase).collect()
}

fn is_dev_named(module: &str) -> bool {
    tokens_of(module).iter().any(|t| crate::discover::DEVELOPMENT_TOKENS.contains(&t.as_str()))
}

fn prod_rank(module: &str) -> Option<usize> {
    let toks = tokens_of(module);
    if toks.iter().any(|t| crate::discover::DEVELOPMENT_TOKENS.contains(&t.as_str())) {
        return None;
    }
    crate::discover::PRODUCTION_TOKENS.iter().position(|t| toks.iter().any(|x| x == t))
}

/// An entry point's `os.environ.setdefault(NAME, "value")` (or `os.environ[NAME] = "value"`).
struct EntryDefault {
    value: String,
    range: Range<usize>,
    line: usize,
}

fn find_default(parsed: &python::ParsedPython, name: &str) -> Option<EntryDefault> {
    let text: &str = &parsed.text;
    let mut cursor = parsed.tree.walk();
    let mut found = None;
    'walk: loop {
        let node = cursor.node();
        match node.kind() {
            "call" => {
                let func = node.child_by_field_name("function");
                let is_setdefault =
                    func.is_some_and(|f| text.get(f.byte_range()).is_some_and(|t| t.ends_with("setdefault")));
                if is_setdefault {
                    if let Some(args) = node.child_by_field_name("arguments") {
                        let a = named_args(args);
                        if a.len() >= 2 && super::eval::string_literal(text, a[0]).as_deref() == Some(name) {
                            if let Some(v) = super::eval::string_literal(text, a[1]) {
                                found = Some(EntryDefault {
                                    value: v,
                                    range: a[1].byte_range(),
                                    line: a[1].start_position().row + 1,
                                });
                                break 'walk;
                            }
                        }
                    }
                }
            }
            "assignment" => {
                if let (Some(l), Some(r)) = (node.child_by_field_name("left"), node.child_by_field_name("right")) {
                    if l.kind() == "subscript" && text.get(l.byte_range()).is_some_and(|t| t.contains("environ")) {
                        if let Some(key) = l.child_by_field_name("subscript") {
                            if super::eval::string_literal(text, key).as_deref() == Some(name) {
                                if let Some(v) = super::eval::string_literal(text, r) {
                                    found = Some(EntryDefault {
                                        value: v,
                                        range: r.byte_range(),
                                        line: r.start_position().row + 1,
                                    });
                                    break 'walk;
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    found
}

fn named_args(args: Node) -> Vec<Node> {
    let mut c = args.walk();
    args.named_children(&mut c).filter(|n| n.kind() != "comment").collect()
}

/// Whether a package `__init__.py` holds code (not only comments and a docstring).
fn has_code(text: &str) -> bool {
    let parsed = python::parse(Arc::from(text));
    let root = parsed.root();
    let mut c = root.walk();
    let found = root.named_children(&mut c).any(|n| {
        n.kind() != "comment"
            && !(n.kind() == "expression_statement"
                && n.named_child_count() == 1
                && n.named_child(0).is_some_and(|s| s.kind() == "string"))
    });
    found
}

/// The production settings module of every project root, and why.
pub fn discover_modules(input: &DiscoverInput) -> Vec<ModuleChoice> {
    let reader = input.reader;
    let roots = project_roots(input.linted_root, input.python_files);
    let mut out: Vec<ModuleChoice> = Vec::new();

    if let Some(m) = input.explicit {
        let found: Vec<(PathBuf, PathBuf)> =
            roots.iter().filter_map(|r| resolve::module_file(reader, r, m).map(|f| (r.clone(), f))).collect();
        if found.is_empty() {
            out.push(ModuleChoice {
                root: roots[0].clone(),
                module: m.to_string(),
                file: None,
                source: ChoiceSource::Explicit,
                reason: format!("`{m}` (given by --settings / settings-module) is not found under any project root"),
                dev_default: None,
                configuration: None,
            });
        }
        for (root, file) in found {
            out.push(ModuleChoice {
                root,
                module: m.to_string(),
                file: Some(file),
                source: ChoiceSource::Explicit,
                reason: "given by --settings / settings-module".into(),
                dev_default: None,
                configuration: None,
            });
        }
        return out;
    }

    let mut unresolved_selections: Vec<&(String, Option<EnvOrigin>)> = input.selected.iter().collect();
    // Each file's project root, found once (a monorepo has many roots and many files).
    let owner: Vec<Option<&PathBuf>> = input.python_files.iter().map(|f| owner_root(f, &roots)).collect();
    for root in &roots {
        let files: Vec<&PathBuf> =
            input.python_files.iter().zip(&owner).filter(|(_, o)| **o == Some(root)).map(|(f, _)| f).collect();
        let configuration = entry_points(reader, &files, &["wsgi.py", "asgi.py", "manage.py"])
            .into_iter()
            .find_map(|(_, parsed)| find_default(&parsed, "DJANGO_CONFIGURATION").map(|d| d.value));

        // 2. Production sources.
        let mut chose = false;
        for sel in input.selected {
            let (m, origin) = sel;
            let Some(file) = resolve::module_file(reader, root, m) else { continue };
            unresolved_selections.retain(|s| !std::ptr::eq(*s, sel));
            if out.iter().any(|c| c.root == *root && c.module == *m) {
                continue;
            }
            let where_ = match origin {
                Some(o) => format!(" in {}:{}", crate::source::display_path(&o.path), o.line),
                None => String::new(),
            };
            out.push(ModuleChoice {
                root: root.clone(),
                module: m.clone(),
                file: Some(file),
                source: ChoiceSource::Environment,
                reason: format!("DJANGO_SETTINGS_MODULE={m}{where_}"),
                dev_default: None,
                configuration: configuration.clone(),
            });
            chose = true;
        }
        if chose {
            continue;
        }

        // 3-4. Entry point defaults.
        let mut choice: Option<(String, PathBuf, ChoiceSource, String, Option<DevDefault>)> = None;
        let mut skipped: Vec<String> = Vec::new();
        for (source, names) in
            [(ChoiceSource::Wsgi, &["wsgi.py", "asgi.py"][..]), (ChoiceSource::Manage, &["manage.py"][..])]
        {
            for (path, parsed) in entry_points(reader, &files, names) {
                let Some(d) = find_default(&parsed, "DJANGO_SETTINGS_MODULE") else { continue };
                let shown = display(&path);
                match resolve::module_file(reader, root, &d.value) {
                    Some(file) => {
                        let dev =
                            DevDefault { module: d.value.clone(), file: path.clone(), range: d.range, line: d.line };
                        choice = Some((
                            d.value.clone(),
                            file,
                            source,
                            format!("the DJANGO_SETTINGS_MODULE default in {shown}:{}", d.line),
                            Some(dev),
                        ));
                        break;
                    }
                    None => skipped
                        .push(format!("the default `{}` in {shown}:{} names no module in the tree", d.value, d.line)),
                }
            }
            if choice.is_some() {
                break;
            }
        }

        // 5. The only settings module (or the only production-named one).
        let candidates = settings_candidates(reader, root, &files);
        if choice.is_none() {
            if candidates.len() == 1 {
                let (m, f) = candidates[0].clone();
                choice = Some((
                    m,
                    f,
                    ChoiceSource::OnlyModule,
                    format!("the only settings module in {}", display(root)),
                    None,
                ));
            } else {
                let prod: Vec<&(String, PathBuf)> = candidates.iter().filter(|(m, _)| prod_rank(m).is_some()).collect();
                if prod.len() == 1 {
                    let (m, f) = prod[0].clone();
                    choice = Some((
                        m,
                        f,
                        ChoiceSource::ProductionSibling,
                        format!("the only production-named settings module in {}", display(root)),
                        None,
                    ));
                }
            }
        }
        let Some((module, file, source, mut reason, dev)) = choice else { continue };
        if !skipped.is_empty() {
            reason.push_str(&format!(" ({})", skipped.join("; ")));
        }

        // A development-named default beside a production-named module.
        if is_dev_named(&module) {
            if let Some((pm, pf)) = production_sibling(reader, root, &module, &file) {
                let from = match &dev {
                    Some(d) => format!("{}:{}", display(&d.file), d.line),
                    None => "discovery".into(),
                };
                out.push(ModuleChoice {
                    root: root.clone(),
                    module: pm.clone(),
                    file: Some(pf),
                    source: ChoiceSource::ProductionSibling,
                    reason: format!(
                        "`{pm}` is the production-named module beside `{module}`, the development module that {from} defaults to"
                    ),
                    dev_default: dev.filter(|_| source != ChoiceSource::Manage),
                    configuration: configuration.clone(),
                });
                continue;
            }
        }
        out.push(ModuleChoice {
            root: root.clone(),
            module,
            file: Some(file),
            source,
            reason,
            dev_default: None,
            configuration,
        });
    }
    for (m, origin) in unresolved_selections {
        let where_ = match origin {
            Some(o) => format!(" in {}:{}", crate::source::display_path(&o.path), o.line),
            None => String::new(),
        };
        out.push(ModuleChoice {
            root: roots[0].clone(),
            module: m.clone(),
            file: None,
            source: ChoiceSource::Environment,
            reason: format!("DJANGO_SETTINGS_MODULE={m}{where_} names no module in the tree"),
            dev_default: None,
            configuration: None,
        });
    }
    out
}

/// The entry points among `files` with one of `names`, parsed, in the order of `names`.
fn entry_points(reader: &dyn Reader, files: &[&PathBuf], names: &[&str]) -> Vec<(PathBuf, python::ParsedPython)> {
    let mut out = Vec::new();
    for name in names {
        let mut matching: Vec<&&PathBuf> = files.iter().filter(|f| f.file_name().is_some_and(|n| n == *name)).collect();
        matching.sort_by_key(|f| (f.components().count(), (**f).clone()));
        for f in matching {
            if let Some(text) = reader.read(f) {
                out.push(((*f).clone(), python::parse(text)));
            }
        }
    }
    out
}

/// Settings modules below a root: `settings.py`-like files, and `settings/` packages (one
/// module when the package `__init__` holds code, else each of its modules).
fn settings_candidates(reader: &dyn Reader, root: &Path, files: &[&PathBuf]) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = Vec::new();
    let mut packages_done: Vec<PathBuf> = Vec::new();
    for f in files {
        let name = f.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        if matches!(name.as_str(), "manage.py" | "wsgi.py" | "asgi.py") || !name.ends_with(".py") {
            continue;
        }
        let parent = f.parent().map(Path::to_path_buf).unwrap_or_default();
        let in_settings_dir = parent.file_name().is_some_and(|d| d.eq_ignore_ascii_case("settings"));
        if in_settings_dir {
            if packages_done.contains(&parent) {
                continue;
            }
            let init = parent.join("__init__.py");
            let init_has_code = reader.read(&init).is_some_and(|t| has_code(&t));
            if init_has_code {
                packages_done.push(parent.clone());
                if let Some(m) = resolve::module_name(root, &init) {
                    out.push((m, init));
                }
                continue;
            }
            if name == "__init__.py" {
                continue;
            }
        }
        if let Some(m) = resolve::module_name(root, f) {
            if !out.iter().any(|(x, _)| *x == m) {
                out.push((m, (*f).clone()));
            }
        }
    }
    out.sort();
    out
}

/// The production-named module in the same package as `module`.
fn production_sibling(reader: &dyn Reader, root: &Path, module: &str, file: &Path) -> Option<(String, PathBuf)> {
    let dir =
        if file.file_name().is_some_and(|n| n == "__init__.py") { file.parent()?.parent()? } else { file.parent()? };
    let mut best: Option<(usize, String, PathBuf)> = None;
    for (entry, is_dir) in reader.list_dir(dir) {
        let path = if is_dir { entry.join("__init__.py") } else { entry.clone() };
        if !is_dir && entry.extension().is_none_or(|e| e != "py") {
            continue;
        }
        if is_dir && !reader.is_file(&path) {
            continue;
        }
        let Some(m) = resolve::module_name(root, &path) else { continue };
        if m == module {
            continue;
        }
        if let Some(rank) = prod_rank(&m) {
            if best.as_ref().is_none_or(|(r, bm, _)| rank < *r || (rank == *r && m < *bm)) {
                best = Some((rank, m, resolve::normalize(&path)));
            }
        }
    }
    best.map(|(_, m, p)| (m, p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::MemReader;

    fn files(r: &MemReader) -> Vec<PathBuf> {
        r.files
            .keys()
            .filter(|p| {
                let rel = p.strip_prefix("repo").unwrap_or(p);
                crate::discover::kind_of(rel, &crate::config::Config::default()) == Some(crate::discover::Kind::Python)
            })
            .cloned()
            .collect()
    }

    fn cookiecutter() -> MemReader {
        MemReader::new()
            .with("repo/manage.py", "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"config.settings.local\")\n")
            .with(
                "repo/config/wsgi.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.production')\napplication = None\n",
            )
            .with("repo/config/__init__.py", "")
            .with("repo/config/settings/__init__.py", "")
            .with("repo/config/settings/base.py", "DEBUG = False\n")
            .with("repo/config/settings/local.py", "from .base import *\n")
            .with("repo/config/settings/production.py", "from .base import *\n")
            .with("repo/config/settings/test.py", "from .base import *\n")
    }

    #[test]
    fn wsgi_default_wins_over_manage() {
        let r = cookiecutter();
        let py = files(&r);
        let input = DiscoverInput {
            linted_root: Path::new("repo"),
            python_files: &py,
            selected: &[],
            explicit: None,
            reader: &r,
        };
        let out = discover_modules(&input);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].module, "config.settings.production");
        assert_eq!(out[0].source, ChoiceSource::Wsgi);
        assert_eq!(out[0].root, PathBuf::from("repo"));
        assert!(out[0].reason.contains("repo/config/wsgi.py:2"), "{}", out[0].reason);
    }

    #[test]
    fn environment_selection_comes_first_and_unknown_modules_are_reported() {
        let r = cookiecutter();
        let py = files(&r);
        let origin = EnvOrigin { path: ".envs/.production/.django".into(), range: 0..1, line: 3 };
        let selected = vec![("config.settings.test".to_string(), Some(origin)), ("nope.settings".to_string(), None)];
        let input = DiscoverInput {
            linted_root: Path::new("repo"),
            python_files: &py,
            selected: &selected,
            explicit: None,
            reader: &r,
        };
        let out = discover_modules(&input);
        assert_eq!(out[0].module, "config.settings.test");
        assert_eq!(out[0].source, ChoiceSource::Environment);
        assert!(out[0].reason.contains(".envs/.production/.django:3"));
        assert_eq!(out[1].module, "nope.settings");
        assert!(out[1].file.is_none());
    }

    #[test]
    fn explicit_module_and_not_found() {
        let r = cookiecutter();
        let py = files(&r);
        let input = DiscoverInput {
            linted_root: Path::new("repo"),
            python_files: &py,
            selected: &[],
            explicit: Some("config.settings.local"),
            reader: &r,
        };
        let out = discover_modules(&input);
        assert_eq!(out[0].source, ChoiceSource::Explicit);
        assert_eq!(out[0].file, Some(PathBuf::from("repo/config/settings/local.py")));
        let input = DiscoverInput { explicit: Some("x.y"), ..input };
        let out = discover_modules(&input);
        assert!(out[0].file.is_none());
        assert!(out[0].reason.contains("not found"));
    }

    #[test]
    fn dev_default_beside_production_module() {
        let r = MemReader::new()
            .with(
                "repo/manage.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings.dev')\n",
            )
            .with(
                "repo/mysite/wsgi.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings.dev')\n",
            )
            .with("repo/mysite/settings/__init__.py", "")
            .with("repo/mysite/settings/dev.py", "DEBUG = True\n")
            .with("repo/mysite/settings/prod.py", "DEBUG = False\n");
        let py = files(&r);
        let input = DiscoverInput {
            linted_root: Path::new("repo"),
            python_files: &py,
            selected: &[],
            explicit: None,
            reader: &r,
        };
        let out = discover_modules(&input);
        assert_eq!(out[0].module, "mysite.settings.prod");
        assert_eq!(out[0].source, ChoiceSource::ProductionSibling);
        let dev = out[0].dev_default.as_ref().unwrap();
        assert_eq!(dev.module, "mysite.settings.dev");
        assert_eq!(dev.file, PathBuf::from("repo/mysite/wsgi.py"));
        assert_eq!(dev.line, 2);
    }

    #[test]
    fn only_settings_module_and_monorepo_roots() {
        let r = MemReader::new()
            .with("repo/a/manage.py", "print('no default')\n")
            .with("repo/a/shop/settings.py", "DEBUG = False\n")
            .with("repo/b/manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'blog.settings')\n")
            .with(
                "repo/b/blog/settings/__init__.py",
                "import os\nif os.environ.get('DJANGO_ENV') == 'production':\n    from .prod import *\n",
            )
            .with("repo/b/blog/settings/prod.py", "DEBUG = False\n")
            .with("repo/b/blog/settings/dev.py", "DEBUG = True\n");
        let py = files(&r);
        assert_eq!(project_roots(Path::new("repo"), &py), vec![PathBuf::from("repo/a"), PathBuf::from("repo/b")]);
        let input = DiscoverInput {
            linted_root: Path::new("repo"),
            python_files: &py,
            selected: &[],
            explicit: None,
            reader: &r,
        };
        let out = discover_modules(&input);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].module, "shop.settings");
        assert_eq!(out[0].source, ChoiceSource::OnlyModule);
        assert_eq!(out[1].module, "blog.settings");
        assert_eq!(out[1].source, ChoiceSource::Manage);
    }

    #[test]
    fn configuration_default_is_found() {
        let r = MemReader::new()
            .with(
                "repo/manage.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\nos.environ.setdefault('DJANGO_CONFIGURATION', 'Prod')\n",
            )
            .with("repo/site/settings.py", "");
        let py = files(&r);
        let input = DiscoverInput {
            linted_root: Path::new("repo"),
            python_files: &py,
            selected: &[],
            explicit: None,
            reader: &r,
        };
        let out = discover_modules(&input);
        assert_eq!(out[0].configuration.as_deref(), Some("Prod"));
    }
}
