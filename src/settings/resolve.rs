//! Reading files and resolving Python modules: the [`Reader`] the pipeline supplies, dotted
//! module names to files, relative imports, split-settings globs.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// How the evaluator reaches files. The pipeline decides what may be read; the evaluator asks
/// only for the modules that evaluation reaches.
pub trait Reader {
    /// The text of a Python file; None when it does not exist or cannot be read.
    fn read(&self, path: &Path) -> Option<Arc<str>>;

    /// Whether a regular file exists (module resolution), without reading it.
    fn is_file(&self, path: &Path) -> bool;

    /// The entries of a directory, with whether each is a directory (for `include()` globs).
    fn list_dir(&self, dir: &Path) -> Vec<(PathBuf, bool)>;

    /// An env file that settings code loads at run time (django-environ `read_env`,
    /// python-decouple's `.env` repository). None (the default) ignores such files: whether they
    /// exist in production is the pipeline's call.
    fn read_dotenv(&self, _path: &Path) -> Option<Arc<str>> {
        None
    }
}

/// Reads from the file system.
#[derive(Debug, Clone, Default)]
pub struct FsReader {
    /// Whether [`Reader::read_dotenv`] reads env files.
    pub dotenv: bool,
}

impl Reader for FsReader {
    fn read(&self, path: &Path) -> Option<Arc<str>> {
        // The pipeline's own bounded read: no special files, nothing over the size cap.
        match crate::check::read_text(path) {
            (text, None) => Some(Arc::from(text)),
            (_, Some(_)) => None,
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        std::fs::metadata(path).is_ok_and(|m| m.is_file())
    }

    fn list_dir(&self, dir: &Path) -> Vec<(PathBuf, bool)> {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
        rd.filter_map(|e| e.ok())
            .map(|e| {
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                let name = e.file_name();
                (if dir == Path::new(".") { PathBuf::from(name) } else { dir.join(name) }, is_dir)
            })
            .collect()
    }

    fn read_dotenv(&self, path: &Path) -> Option<Arc<str>> {
        if self.dotenv {
            self.read(path)
        } else {
            None
        }
    }
}

/// An in-memory tree (tests, and callers that already hold the texts).
#[derive(Debug, Clone, Default)]
pub struct MemReader {
    pub files: BTreeMap<PathBuf, Arc<str>>,
    /// Whether [`Reader::read_dotenv`] serves the env files held.
    pub dotenv: bool,
}

impl MemReader {
    pub fn new() -> Self {
        MemReader::default()
    }

    pub fn with(mut self, path: &str, text: &str) -> Self {
        self.insert(path, text);
        self
    }

    pub fn insert(&mut self, path: &str, text: &str) {
        self.files.insert(normalize(Path::new(path)), Arc::from(text));
    }
}

impl Reader for MemReader {
    fn read(&self, path: &Path) -> Option<Arc<str>> {
        self.files.get(&normalize(path)).cloned()
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(&normalize(path))
    }

    fn list_dir(&self, dir: &Path) -> Vec<(PathBuf, bool)> {
        let dir = normalize(dir);
        let mut out: BTreeMap<PathBuf, bool> = BTreeMap::new();
        for path in self.files.keys() {
            let Ok(rest) = path.strip_prefix(&dir) else { continue };
            let mut comps = rest.components();
            let Some(first) = comps.next() else { continue };
            let is_dir = comps.next().is_some();
            let entry = dir.join(first.as_os_str());
            let slot = out.entry(entry).or_insert(false);
            *slot |= is_dir;
        }
        out.into_iter().collect()
    }

    fn read_dotenv(&self, path: &Path) -> Option<Arc<str>> {
        if self.dotenv {
            self.read(path)
        } else {
            None
        }
    }
}

/// Lexical normalisation: drops `.` and folds `..` (never touches the file system).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            c => out.push(c),
        }
    }
    out.iter().collect()
}

/// `a.b.c` under `base`: `base/a/b/c.py`, else `base/a/b/c/__init__.py`.
pub fn module_file(reader: &dyn Reader, base: &Path, dotted: &str) -> Option<PathBuf> {
    if dotted.is_empty() {
        let init = normalize(&base.join("__init__.py"));
        return reader.is_file(&init).then_some(init);
    }
    if !dotted.split('.').all(is_identifier) {
        return None;
    }
    let rel: PathBuf = dotted.split('.').collect();
    let file = normalize(&base.join(&rel).with_extension("py"));
    if reader.is_file(&file) {
        return Some(file);
    }
    let init = normalize(&base.join(&rel).join("__init__.py"));
    reader.is_file(&init).then_some(init)
}

/// Resolves a dotted module name against the project roots, in order: the file and its root.
pub fn resolve_module(reader: &dyn Reader, roots: &[PathBuf], dotted: &str) -> Option<(PathBuf, PathBuf)> {
    roots.iter().find_map(|root| module_file(reader, root, dotted).map(|f| (f, root.clone())))
}

/// Whether the first package of `dotted` exists under one of the roots (so a missing submodule
/// is a real `ImportError`, not a third-party package).
pub fn package_in_roots(reader: &dyn Reader, roots: &[PathBuf], dotted: &str) -> bool {
    let top = dotted.split('.').next().unwrap_or("");
    !top.is_empty()
        && roots.iter().any(|root| {
            let dir = root.join(top);
            reader.is_file(&dir.join("__init__.py"))
                || reader.is_file(&root.join(format!("{top}.py")))
                || !reader.list_dir(&dir).is_empty()
        })
}

/// The dotted name of a module file below `root` (`config/settings/__init__.py` →
/// `config.settings`).
pub fn module_name(root: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(root).ok()?;
    let mut parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".py")?;
    if stem != "__init__" {
        parts.push(stem.to_string());
    }
    (!parts.is_empty()).then(|| parts.join("."))
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// Python `glob.glob(pattern)` over the reader, sorted (Python's order is the directory's, which
/// is arbitrary; sorting keeps results deterministic). Hidden entries match only patterns that
/// start with a dot.
pub fn glob(reader: &dyn Reader, pattern: &Path) -> Vec<PathBuf> {
    let pattern = normalize(pattern);
    let comps: Vec<String> = pattern.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if !comps.iter().any(|c| has_magic(c)) {
        return if reader.is_file(&pattern) { vec![pattern] } else { Vec::new() };
    }
    let mut current: Vec<PathBuf> = vec![PathBuf::new()];
    let absolute = pattern.has_root();
    for (i, comp) in comps.iter().enumerate() {
        let last = i + 1 == comps.len();
        let mut next = Vec::new();
        for base in &current {
            if !has_magic(comp) {
                let p = if base.as_os_str().is_empty() && !absolute && i == 0 {
                    PathBuf::from(comp)
                } else {
                    base.join(comp)
                };
                next.push(p);
                continue;
            }
            let Ok(matcher) = globset::GlobBuilder::new(comp).literal_separator(true).build() else { continue };
            let matcher = matcher.compile_matcher();
            for (entry, is_dir) in reader.list_dir(base) {
                let Some(name) = entry.file_name().map(|n| n.to_string_lossy().into_owned()) else { continue };
                if name.starts_with('.') && !comp.starts_with('.') {
                    continue;
                }
                if matcher.is_match(&name) && (last || is_dir) {
                    next.push(entry);
                }
            }
        }
        current = next;
    }
    let mut out: Vec<PathBuf> = current.into_iter().map(|p| normalize(&p)).filter(|p| reader.is_file(p)).collect();
    out.sort();
    out.dedup();
    out
}

fn has_magic(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> MemReader {
        MemReader::new()
            .with("proj/manage.py", "")
            .with("proj/config/__init__.py", "")
            .with("proj/config/settings/__init__.py", "")
            .with("proj/config/settings/base.py", "")
            .with("proj/config/settings/production.py", "")
            .with("proj/config/settings/components/a.py", "")
            .with("proj/config/settings/components/b.py", "")
            .with("proj/config/settings/components/.hidden.py", "")
    }

    #[test]
    fn resolves_modules_and_packages() {
        let r = tree();
        let roots = vec![PathBuf::from("proj")];
        let (file, root) = resolve_module(&r, &roots, "config.settings.production").unwrap();
        assert_eq!(file, PathBuf::from("proj/config/settings/production.py"));
        assert_eq!(root, PathBuf::from("proj"));
        let (pkg, _) = resolve_module(&r, &roots, "config.settings").unwrap();
        assert_eq!(pkg, PathBuf::from("proj/config/settings/__init__.py"));
        assert!(resolve_module(&r, &roots, "config.settings.nope").is_none());
        assert!(resolve_module(&r, &roots, "config..x").is_none());
        assert!(package_in_roots(&r, &roots, "config.settings.nope"));
        assert!(!package_in_roots(&r, &roots, "django.conf"));
    }

    #[test]
    fn module_names() {
        let root = Path::new("proj");
        assert_eq!(module_name(root, Path::new("proj/config/settings/__init__.py")).unwrap(), "config.settings");
        assert_eq!(module_name(root, Path::new("proj/config/settings/base.py")).unwrap(), "config.settings.base");
        assert!(module_name(root, Path::new("other/x.py")).is_none());
    }

    #[test]
    fn globs_like_python() {
        let r = tree();
        let found = glob(&r, Path::new("proj/config/settings/components/*.py"));
        assert_eq!(
            found,
            vec![
                PathBuf::from("proj/config/settings/components/a.py"),
                PathBuf::from("proj/config/settings/components/b.py")
            ]
        );
        let found = glob(&r, Path::new("proj/config/settings/./components/../base.py"));
        assert_eq!(found, vec![PathBuf::from("proj/config/settings/base.py")]);
        assert!(glob(&r, Path::new("proj/config/settings/missing/*.py")).is_empty());
        assert_eq!(glob(&r, Path::new("proj/config/*/base.py")).len(), 1);
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../a")), PathBuf::from("../a"));
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
    }
}
