//! The settings evaluator: Django settings as Django would load them, without running Python.
//!
//! # API
//! - [`discover_modules`] picks the production settings module of each project root (RULES.md
//!   "Settings resolution" order: `--settings`/config, `DJANGO_SETTINGS_MODULE` in production
//!   sources, the `setdefault` in `wsgi.py`/`asgi.py`, then in `manage.py`, then the only settings
//!   module; a development-named default beside a production-named module gives the production
//!   module, and [`ModuleChoice::dev_default`] keeps DEP008's facts). Each [`ModuleChoice`] says
//!   why (`--show-files`). [`project_roots`]: folders holding `manage.py`, else the linted root.
//! - [`evaluate`] (by dotted name) / [`evaluate_file`] run that module statically under an
//!   [`Environment`] (variable → value, with where each value is written;
//!   [`Environment::add_env_file`] fills it from parsed env files) and return an [`Evaluated`]: every
//!   upper-case name the module ends up with, as a [`Value`] with provenance, plus the errors met
//!   ([`ErrorKind::Syntax`] for PF002 at the tree-sitter ERROR/MISSING node, missing modules,
//!   import cycles, raises), notes (assumed production branches, env files loaded at run time),
//!   the files read, and where each setting was last assigned. [`Evaluated::get`] falls back to
//!   Django's `global_settings` default (5.2, or 6.x with `SECURE_CSP`: [`Options::django`]) for
//!   a name never assigned, marked with a [`StepKind::DjangoDefault`] step and no origin.
//! - Files are read only through a [`Reader`] ([`FsReader`], [`MemReader`], or the pipeline's
//!   own): the pipeline decides what may be read, and only the modules evaluation reaches are
//!   read and parsed. Env files that settings code loads at run time (django-environ
//!   `read_env`, python-decouple's `.env`) go through [`Reader::read_dotenv`], off by default.
//! - Locations are [`Loc`]s (file index + byte range) into [`Evaluated::sources`]: Python files
//!   and env files alike, by path, for the pipeline to map to its own file ids.
//!
//! # Values
//! A [`Value`] is a Python value ([`Kind`]) plus its `origin` (the span of the expression that
//! produced it: the literal `True` default inside `env.bool("DEBUG", default=True)`, or the value
//! in the env file when the environment set it) and its `steps` (inherited by
//! `config.settings.production` via `from .base import *`, read from env var X, set to `1` in
//! `.envs/.production/.django:3`...; secret-named variables are masked). Unknown is a value with
//! a reason ([`Kind::Unknown`]: "calls `get_secret()`", "reads DJANGO_X, which no production
//! source sets, with no default..."). [`Value::truthy`] and [`Value::is_true`] keep Django's
//! truthiness versus `is True` distinction (`DEBUG = "False"` is on; `SESSION_COOKIE_SECURE =
//! "True"` is not secure); both answer None when the value cannot be known.
//!
//! # What is modelled
//! - Statements: assignments (plain, annotated, unpacking with `*rest`, chained), `+=` and the
//!   other augmented operators, `.append/.insert/.extend/.remove/.pop/.update/.setdefault...`,
//!   nested item assignment, `del`; imports (relative, absolute, star with `__all__`, named,
//!   submodules, `import a.b as c`; a module runs once per evaluation; cycles are errors, not
//!   hangs; a missing project module is an error, a library is opaque); split-settings
//!   `include()`/`optional()` with globs, in the including module's namespace, relative to the
//!   including file; `if`/`elif`/`else`; `try`/`except ImportError` (the handler runs when an
//!   import in the body fails); `for` over known sequences, comprehensions, lambdas and `def`
//!   functions (called with their arguments); django-configurations classes (the class picked
//!   by `DJANGO_CONFIGURATION`, the entry points' default, or the only production-named one).
//! - Values: None, bool, int, float, str (escapes, f-strings with conversions and simple format
//!   specs, `%` and `.format`), list, tuple, set, dict, `timedelta` (all units, arithmetic),
//!   `pathlib.Path`/`os.path`/`environ.Path` (paths computed from the file's place in the tree),
//!   string methods, operators and comparisons with Python semantics, `and`/`or`, `bool()`,
//!   `int()`, `str()`, `len()`, `filter()`, `map()`, `range()`...
//! - Environment reads, with each library's own casts and default rules: `os.environ[...]`,
//!   `.get`, `os.getenv`, `setdefault` (later reads see it), `in os.environ`; django-environ
//!   (`env(...)` with smart cast, every `env.<type>()`, `db_url`/`cache_url`/`email_url`, schemes
//!   `Env(X=(cast, default))`, proxied `$VAR` values, defaults returned uncast, `read_env`);
//!   python-decouple (`config` with `cast=bool` strtobool, defaults cast too, `Csv`, `Choices`,
//!   the `.env` repository); django-configurations `values.*`; dj-database-url.
//!
//! An environment-dependent `if` follows the production environment when it sets the variable.
//! When no production source sets it, the branch that loads or names production is taken (a
//! package `__init__` switching on `DJANGO_ENV`; an `include()` of `environments/{env}.py` takes
//! the production-named file), noted as an assumption ([`StepKind::AssumedProduction`]);
//! otherwise the code default decides, and the values it selects carry [`Value::env_default`].
//! A condition that cannot be known at all gives a [`Kind::OneOf`] of the branches' values
//! (a development-marked branch such as `if "test" in sys.argv` is left out).
//!
//! # Limits
//! Expressions nest at most [`eval::MAX_DEPTH`] deep and blocks half as deep, and the evaluator
//! uses a bounded amount of stack, so 50,000 nested parentheses give an unknown value, not a
//! stack overflow; loops, comprehensions and function calls share a work budget; containers
//! nest at most [`value::MAX_VALUE_DEPTH`] deep. Evaluation is linear in the input.
//!
//! Not modelled (the values become unknown, with the reason): `globals()`/`vars()` updates,
//! `exec`, `while` loops, `match`, decorators, most of the standard library, file reads. Values
//! are copied, not shared: `A = B; B.append(x)` leaves `A` unchanged (Python would change both).

pub mod defaults;
pub mod discover;
pub mod env;
pub mod eval;
pub mod python;
pub mod resolve;
pub mod value;

#[cfg(test)]
mod samples;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;

pub use defaults::DjangoVersion;
pub use discover::{discover_modules, project_roots, ChoiceSource, DevDefault, DiscoverInput, ModuleChoice};
pub use env::{EnvOrigin, EnvValue, EnvVar, Environment};
pub use eval::Options;
pub use python::SyntaxError;
pub use resolve::{FsReader, MemReader, Reader};
pub use value::{Dict, Kind, Loc, OneOf, SrcId, Step, StepKind, Steps, Unknown, Value};

/// What a source file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// A Python module (`module` is its dotted name; None for files run by `include()`).
    Python { module: Option<String> },
    /// An env file (a production source, or one loaded by `read_env`/python-decouple).
    EnvFile,
}

/// A file that a [`Loc`] can point into.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub kind: SourceKind,
    /// The text as read (None for env files the caller supplied through the [`Environment`]).
    pub text: Option<Arc<str>>,
    pub syntax_errors: Vec<SyntaxError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A tree-sitter ERROR or MISSING node (PF002).
    Syntax,
    /// An import of a project module that does not exist.
    ModuleNotFound,
    /// Modules that import each other.
    ImportCycle,
    /// `include()` of a file that does not exist.
    IncludeNotFound,
    /// A file that could not be read.
    Unreadable,
    /// Settings code that raises an exception on the production path.
    Raises,
}

/// Something that went wrong while evaluating (evaluation always goes on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub kind: ErrorKind,
    pub at: Option<Loc>,
    pub message: String,
}

/// An assumption or remark worth showing (`--show-files`, DJ031 context).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub at: Option<Loc>,
    pub message: String,
}

/// The result of evaluating one settings module.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The dotted module name.
    pub module: String,
    /// Its file (None when it was not found).
    pub path: Option<PathBuf>,
    /// Every upper-case name the module ends with, as Django reads them, in assignment order.
    pub values: IndexMap<String, Value>,
    /// Where each setting was last assigned or changed (the statement).
    pub assigned_at: HashMap<String, Loc>,
    /// The module's first statement (where "never set" diagnostics go).
    pub first_statement: Option<Loc>,
    pub errors: Vec<EvalError>,
    pub notes: Vec<Note>,
    /// The files [`Loc`]s point into, indexed by [`SrcId`].
    pub sources: Vec<Source>,
    /// The Python files read, in the order evaluation reached them.
    pub modules_read: Vec<PathBuf>,
    pub django: DjangoVersion,
    /// The django-configurations class whose settings these are, if any.
    pub configuration: Option<String>,
}

impl Evaluated {
    /// The effective value of a setting: as assigned, else Django's default. None when neither
    /// (a third-party setting never assigned). Alternatives of an undecided `if` that leave the
    /// name unassigned take the default too.
    pub fn get(&self, name: &str) -> Option<Value> {
        match self.values.get(name) {
            Some(v) => Some(self.fill_unset(name, v)),
            None => self.default_of(name),
        }
    }

    /// The value as the settings assign it (no default).
    pub fn assigned(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    pub fn is_assigned(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Django's default for a setting under this evaluation's Django version.
    pub fn default_of(&self, name: &str) -> Option<Value> {
        default_value(self.django, name)
    }

    pub fn source(&self, id: SrcId) -> &Source {
        &self.sources[id.0 as usize]
    }

    /// The path of the file a location points into.
    pub fn path_of(&self, loc: Loc) -> &Path {
        &self.source(loc.file).path
    }

    /// The text at a location in a Python source (None for env files, whose text the caller
    /// holds).
    pub fn text_at(&self, loc: Loc) -> Option<&str> {
        self.source(loc.file).text.as_deref()?.get(loc.range())
    }

    /// The statement that last assigned or changed a setting.
    pub fn last_assignment(&self, name: &str) -> Option<Loc> {
        self.assigned_at.get(name).copied()
    }

    /// Syntax errors in every module read (for PF002), with their file.
    pub fn syntax_errors(&self) -> impl Iterator<Item = (&Path, &SyntaxError)> {
        self.sources.iter().flat_map(|s| s.syntax_errors.iter().map(move |e| (s.path.as_path(), e)))
    }

    fn fill_unset(&self, name: &str, v: &Value) -> Value {
        let Kind::OneOf(o) = &v.kind else { return v.clone() };
        if !o.alternatives.iter().any(|a| matches!(a.kind, Kind::Unset)) {
            return v.clone();
        }
        let Some(default) = self.default_of(name) else { return v.clone() };
        let alternatives = o
            .alternatives
            .iter()
            .map(|a| if matches!(a.kind, Kind::Unset) { default.clone() } else { a.clone() })
            .collect();
        Value { kind: Kind::OneOf(Arc::new(OneOf { alternatives, ..(**o).clone() })), ..v.clone() }
    }
}

/// Django's `global_settings` default for `name`, marked as a default (no origin).
pub fn default_value(version: DjangoVersion, name: &str) -> Option<Value> {
    let literal = defaults::literal(version, name)?;
    let reader = MemReader::new();
    let env = Environment::new();
    let opts = Options { django: version, ..Options::default() };
    let mut ev = eval::Evaluator::new(&reader, &env, &opts);
    let mut v = ev.eval_literal_text(literal);
    let shown = match version {
        DjangoVersion::V5_2 => "5.2",
        DjangoVersion::V6_0 => "6.0",
    };
    v.step(StepKind::DjangoDefault, None, format!("never set; Django {shown}'s default is {}", v.describe()));
    Some(v)
}

/// Evaluates the settings module `module` (dotted), found under `opts.roots`.
pub fn evaluate(module: &str, env: &Environment, reader: &dyn Reader, opts: &Options) -> Evaluated {
    match resolve::resolve_module(reader, &opts.roots, module) {
        Some((file, root)) => evaluate_file(&file, &root, module, env, reader, opts),
        None => {
            let roots: Vec<String> = opts.roots.iter().map(|r| crate::source::display_path(r)).collect();
            let message = if roots.is_empty() {
                format!("settings module `{module}` not found")
            } else {
                format!("settings module `{module}` not found under {}", roots.join(", "))
            };
            Evaluated {
                module: module.to_string(),
                path: None,
                values: IndexMap::new(),
                assigned_at: HashMap::new(),
                first_statement: None,
                errors: vec![EvalError { kind: ErrorKind::ModuleNotFound, at: None, message }],
                notes: Vec::new(),
                sources: Vec::new(),
                modules_read: Vec::new(),
                django: opts.django,
                configuration: None,
            }
        }
    }
}

/// Evaluates the settings module in `file` (dotted name `module`, project root `root`).
pub fn evaluate_file(
    file: &Path,
    root: &Path,
    module: &str,
    env: &Environment,
    reader: &dyn Reader,
    opts: &Options,
) -> Evaluated {
    let mut ev = eval::Evaluator::new(reader, env, opts);
    let file = resolve::normalize(file);
    let result = ev.run_entry(&file, root, module);
    let mut values = IndexMap::new();
    let mut assigned_at = HashMap::new();
    let mut configuration = None;
    match result {
        Ok(ns) => {
            for (k, v) in &ns.values {
                if value::py_isupper(k) {
                    values.insert(k.clone(), v.clone());
                    if let Some(at) = ns.assigned.get(k) {
                        assigned_at.insert(k.clone(), *at);
                    }
                }
            }
            if let Some((class, how)) = pick_configuration(&ns, env, opts) {
                if let Kind::Object(o) = &ns.values[&class].kind {
                    if let eval::Object::Class(c) = &**o {
                        for (k, v) in &c.attrs {
                            if value::py_isupper(k) {
                                let v = match &v.kind {
                                    Kind::Object(inner) if matches!(**inner, eval::Object::Function(_)) => {
                                        Value::unknown(format!("`{}.{k}` is computed by a method", c.name), v.origin)
                                    }
                                    _ => v.clone(),
                                };
                                values.insert(k.clone(), v);
                                assigned_at.insert(k.clone(), c.at);
                            }
                        }
                    }
                }
                ev.notes.push(Note { at: None, message: format!("django-configurations class `{class}`: {how}") });
                configuration = Some(class);
            }
        }
        Err(message) => ev.errors.push(EvalError { kind: ErrorKind::Unreadable, at: None, message }),
    }
    let first_statement = ev.first_statement(&file);
    Evaluated {
        module: module.to_string(),
        path: Some(file),
        values,
        assigned_at,
        first_statement,
        errors: std::mem::take(&mut ev.errors),
        notes: std::mem::take(&mut ev.notes),
        sources: std::mem::take(&mut ev.sources),
        modules_read: std::mem::take(&mut ev.modules_read),
        django: opts.django,
        configuration,
    }
}

/// The django-configurations class to load: `DJANGO_CONFIGURATION` from the environment, else
/// the `setdefault` found by discovery, else the only production-named class, else the only
/// class.
fn pick_configuration(ns: &eval::Namespace, env: &Environment, opts: &Options) -> Option<(String, String)> {
    let classes: Vec<&String> = ns
        .values
        .iter()
        .filter(
            |(_, v)| matches!(&v.kind, Kind::Object(o) if matches!(&**o, eval::Object::Class(c) if c.configuration)),
        )
        .map(|(k, _)| k)
        .collect();
    if classes.is_empty() {
        return None;
    }
    if let Some(EnvVar { value: EnvValue::Set(name), .. }) = env.get("DJANGO_CONFIGURATION") {
        if classes.contains(&name) {
            return Some((name.clone(), "selected by DJANGO_CONFIGURATION in the production environment".into()));
        }
    }
    if let Some(name) = &opts.configuration {
        if classes.contains(&name) {
            return Some((name.clone(), "the `DJANGO_CONFIGURATION` default in the project's entry points".into()));
        }
    }
    let prod: Vec<&&String> = classes
        .iter()
        .filter(|c| {
            let lower = c.to_lowercase();
            crate::discover::PRODUCTION_TOKENS.iter().any(|t| lower.contains(t))
        })
        .collect();
    if prod.len() == 1 {
        return Some(((*prod[0]).clone(), "the only production-named configuration class".into()));
    }
    if classes.len() == 1 {
        return Some((classes[0].clone(), "the only configuration class".into()));
    }
    None
}
