//! The interpreter: a module-level evaluator over the tree-sitter CST.
//!
//! It runs what a settings module does at import time (assignments, imports, `if`, `try`,
//! split-settings `include()`, library calls that read the environment) and folds expressions
//! into [`Value`]s that remember where they came from. Anything it cannot know becomes an
//! unknown value with a reason; nothing it meets makes it fail. Recursion is bounded (deep input
//! gives unknown values, not a stack overflow) and work is budgeted (loops, comprehensions and
//! user functions cannot make it hang).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use tree_sitter::Node;

use super::defaults::DjangoVersion;
use super::env::{self as envlib, EnvValue, Environment};
use super::python::{self, ParsedPython};
use super::resolve::{self, Reader};
use super::value::{
    as_num, nests_deeper_than, py_isupper, str_repr, Dict, Kind, Loc, Num, OneOf, SrcId, Step, StepKind, Value,
    MAX_VALUE_DEPTH,
};
use super::{ErrorKind, EvalError, Note, Source, SourceKind};

mod builtins;
mod control;
mod expr;
mod libs;

use builtins::*;
use control::*;
use expr::*;
use libs::*;

/// Deepest nesting of expressions and statements evaluated; deeper input is unknown.
pub const MAX_DEPTH: usize = 64;
/// Most stack the evaluator uses below its entry point; past it, deeper input is unknown too
/// (frames are several times larger in debug builds than in release ones).
const STACK_BUDGET: usize = 256 * 1024;
/// Deepest nesting of user function calls.
const MAX_CALL_DEPTH: usize = 12;
/// Work units (statements, loop iterations, comprehension items) per evaluation.
const WORK_BUDGET: u64 = 5_000_000;
/// Longest string or sequence built by `*` or `+`.
const MAX_BUILT_LEN: usize = 10_000_000;
/// Most alternatives kept for one undecided value.
const MAX_ALTERNATIVES: usize = 16;

/// Inputs that shape one evaluation.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Whose `global_settings` defaults apply.
    pub django: DjangoVersion,
    /// Folders absolute imports resolve against: the folder holding `manage.py`, or the linted
    /// root. The root of the evaluated module is tried first.
    pub roots: Vec<PathBuf>,
    /// The django-configurations class to load when the environment sets no
    /// `DJANGO_CONFIGURATION` (from a `setdefault` in `manage.py`/`wsgi.py`).
    pub configuration: Option<String>,
}

/// A module's names.
#[derive(Debug, Clone, Default)]
pub struct Namespace {
    pub values: IndexMap<String, Value>,
    /// Where each name was last assigned or changed (the statement).
    pub assigned: HashMap<String, Loc>,
}

/// A callable or other non-data object.
#[derive(Debug)]
pub enum Object {
    /// A module: one of the project's (with its namespace) or a library's.
    Module {
        name: String,
        ns: Option<Arc<Namespace>>,
        root: Option<PathBuf>,
    },
    Builtin(Builtin),
    /// `Obj.attr` of a value that is not a module, not yet called.
    Method {
        recv: Value,
        name: String,
    },
    /// A django-environ `Env(...)`.
    EnvReader(Arc<EnvScheme>),
    /// python-decouple's `config` (an `AutoConfig`, or `Config(RepositoryEnv(path))`).
    Decouple {
        repository: Option<PathBuf>,
    },
    /// python-decouple `RepositoryEnv(path)`.
    DecoupleRepository(Option<PathBuf>),
    /// python-decouple `Csv(...)`.
    Csv {
        cast: Value,
        delimiter: String,
        strip: String,
        tuple: bool,
    },
    /// python-decouple `Choices(...)`.
    Choices {
        choices: Vec<Value>,
        cast: Value,
    },
    /// split-settings `optional(path)`.
    OptionalPath(Value),
    /// A `def` or `lambda`.
    Function(Arc<Function>),
    /// A `class` (django-configurations settings classes).
    Class(Arc<Class>),
    /// A name from a library Preflight does not model.
    External(String),
}

impl Object {
    pub fn describe(&self) -> String {
        match self {
            Object::Module { name, .. } => format!("module `{name}`"),
            Object::Builtin(b) => format!("`{}`", b.name()),
            Object::Method { name, .. } => format!("method `{name}`"),
            Object::EnvReader(_) => "a django-environ `Env`".into(),
            Object::Decouple { .. } => "python-decouple `config`".into(),
            Object::DecoupleRepository(_) => "a python-decouple repository".into(),
            Object::Csv { .. } => "python-decouple `Csv()`".into(),
            Object::Choices { .. } => "python-decouple `Choices()`".into(),
            Object::OptionalPath(_) => "split-settings `optional()`".into(),
            Object::Function(f) => format!("function `{}`", f.name),
            Object::Class(c) => format!("class `{}`", c.name),
            Object::External(n) => format!("`{n}`"),
        }
    }
}

/// django-environ `Env(**scheme)`: per variable, a cast and maybe a default.
#[derive(Debug, Default)]
pub struct EnvScheme {
    pub scheme: IndexMap<String, (Value, Option<Value>)>,
}

#[derive(Debug)]
pub struct Function {
    pub name: String,
    parsed: Arc<ParsedPython>,
    src: SrcId,
    file: PathBuf,
    offset: usize,
    range: std::ops::Range<usize>,
    params: Vec<Param>,
}

#[derive(Debug)]
struct Param {
    name: String,
    default: Option<Value>,
    kind: ParamKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ParamKind {
    Normal,
    KeywordOnly,
    VarArgs,
    VarKw,
}

#[derive(Debug)]
pub struct Class {
    pub name: String,
    pub attrs: IndexMap<String, Value>,
    /// Derives from django-configurations `Configuration`.
    pub configuration: bool,
    pub at: Loc,
}

/// Functions and classes the evaluator models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Bool,
    Int,
    Float,
    Str,
    List,
    Tuple,
    Set,
    Dict,
    Len,
    Sorted,
    Min,
    Max,
    Any,
    All,
    Repr,
    Print,
    Filter,
    Map,
    Range,
    Enumerate,
    Zip,
    Reversed,
    Sum,
    Abs,
    Round,
    Identity,
    OsEnviron,
    OsGetenv,
    OsGetcwd,
    PathJoin,
    PathDirname,
    PathBasename,
    PathAbspath,
    PathNormpath,
    PathExpanduser,
    PathSplitext,
    PathCls,
    Timedelta,
    EnvironEnv,
    EnvironPath,
    EnvironReadEnv,
    DecoupleAutoConfig,
    DecoupleConfigCls,
    DecoupleRepositoryEnv,
    DecoupleCsv,
    DecoupleChoices,
    Strtobool,
    DistutilsStrtobool,
    Include,
    Optional,
    ConfigurationBase,
    ConfigValue(&'static str),
    DjDatabaseUrlConfig,
    DjDatabaseUrlParse,
    JsonLoads,
    LiteralEval,
}

impl Builtin {
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Bool => "bool",
            Builtin::Int => "int",
            Builtin::Float => "float",
            Builtin::Str => "str",
            Builtin::List => "list",
            Builtin::Tuple => "tuple",
            Builtin::Set => "set",
            Builtin::Dict => "dict",
            Builtin::Len => "len",
            Builtin::Sorted => "sorted",
            Builtin::Min => "min",
            Builtin::Max => "max",
            Builtin::Any => "any",
            Builtin::All => "all",
            Builtin::Repr => "repr",
            Builtin::Print => "print",
            Builtin::Filter => "filter",
            Builtin::Map => "map",
            Builtin::Range => "range",
            Builtin::Enumerate => "enumerate",
            Builtin::Zip => "zip",
            Builtin::Reversed => "reversed",
            Builtin::Sum => "sum",
            Builtin::Abs => "abs",
            Builtin::Round => "round",
            Builtin::Identity => "gettext",
            Builtin::OsEnviron => "os.environ",
            Builtin::OsGetenv => "os.getenv",
            Builtin::OsGetcwd => "os.getcwd",
            Builtin::PathJoin => "os.path.join",
            Builtin::PathDirname => "os.path.dirname",
            Builtin::PathBasename => "os.path.basename",
            Builtin::PathAbspath => "os.path.abspath",
            Builtin::PathNormpath => "os.path.normpath",
            Builtin::PathExpanduser => "os.path.expanduser",
            Builtin::PathSplitext => "os.path.splitext",
            Builtin::PathCls => "pathlib.Path",
            Builtin::Timedelta => "datetime.timedelta",
            Builtin::EnvironEnv => "environ.Env",
            Builtin::EnvironPath => "environ.Path",
            Builtin::EnvironReadEnv => "environ.Env.read_env",
            Builtin::DecoupleAutoConfig => "decouple.AutoConfig",
            Builtin::DecoupleConfigCls => "decouple.Config",
            Builtin::DecoupleRepositoryEnv => "decouple.RepositoryEnv",
            Builtin::DecoupleCsv => "decouple.Csv",
            Builtin::DecoupleChoices => "decouple.Choices",
            Builtin::Strtobool => "decouple.strtobool",
            Builtin::DistutilsStrtobool => "distutils.util.strtobool",
            Builtin::Include => "split_settings.tools.include",
            Builtin::Optional => "split_settings.tools.optional",
            Builtin::ConfigurationBase => "configurations.Configuration",
            Builtin::ConfigValue(n) => n,
            Builtin::DjDatabaseUrlConfig => "dj_database_url.config",
            Builtin::DjDatabaseUrlParse => "dj_database_url.parse",
            Builtin::JsonLoads => "json.loads",
            Builtin::LiteralEval => "ast.literal_eval",
        }
    }
}

fn obj(o: Object) -> Kind {
    Kind::Object(Arc::new(o))
}

fn builtin(b: Builtin) -> Value {
    Value::new(obj(Object::Builtin(b)), None)
}

/// `module.attr` for the library modules the evaluator models.
fn known_attr(module: &str, attr: &str) -> Option<Kind> {
    use Builtin as B;
    let b = |b: B| Some(obj(Object::Builtin(b)));
    let m = |name: &str| Some(obj(Object::Module { name: name.to_string(), ns: None, root: None }));
    match (module, attr) {
        ("os", "environ") => b(B::OsEnviron),
        ("os", "getenv") => b(B::OsGetenv),
        ("os", "getcwd") => b(B::OsGetcwd),
        ("os", "path") => m("os.path"),
        ("os.path", "join") => b(B::PathJoin),
        ("os.path", "dirname") => b(B::PathDirname),
        ("os.path", "basename") => b(B::PathBasename),
        ("os.path", "abspath" | "realpath") => b(B::PathAbspath),
        ("os.path", "normpath") => b(B::PathNormpath),
        ("os.path", "expanduser") => b(B::PathExpanduser),
        ("os.path", "splitext") => b(B::PathSplitext),
        ("pathlib", "Path" | "PosixPath" | "PurePath" | "PurePosixPath") => b(B::PathCls),
        ("datetime", "timedelta") => b(B::Timedelta),
        ("environ", "Env" | "FileAwareEnv") => b(B::EnvironEnv),
        ("environ", "Path") => b(B::EnvironPath),
        ("environ.environ", a) => known_attr("environ", a),
        ("decouple", "config") => Some(obj(Object::Decouple { repository: None })),
        ("decouple", "AutoConfig") => b(B::DecoupleAutoConfig),
        ("decouple", "Config") => b(B::DecoupleConfigCls),
        ("decouple", "RepositoryEnv") => b(B::DecoupleRepositoryEnv),
        ("decouple", "Csv") => b(B::DecoupleCsv),
        ("decouple", "Choices") => b(B::DecoupleChoices),
        ("decouple", "strtobool") => b(B::Strtobool),
        ("distutils.util" | "setuptools.dist", "strtobool") => b(B::DistutilsStrtobool),
        ("split_settings.tools", "include") => b(B::Include),
        ("split_settings.tools", "optional") => b(B::Optional),
        ("split_settings", "tools") => m("split_settings.tools"),
        ("configurations", "Configuration") => b(B::ConfigurationBase),
        ("configurations", "values") => m("configurations.values"),
        ("configurations.values", name) => config_value_name(name).map(|n| obj(Object::Builtin(B::ConfigValue(n)))),
        ("dj_database_url", "config") => b(B::DjDatabaseUrlConfig),
        ("dj_database_url", "parse") => b(B::DjDatabaseUrlParse),
        ("json", "loads") => b(B::JsonLoads),
        ("ast", "literal_eval") => b(B::LiteralEval),
        (
            "django.utils.translation",
            "gettext_lazy" | "gettext" | "gettext_noop" | "ugettext_lazy" | "ugettext" | "ugettext_noop" | "_",
        ) => b(B::Identity),
        _ => None,
    }
}

fn config_value_name(name: &str) -> Option<&'static str> {
    const NAMES: &[&str] = &[
        "Value",
        "BooleanValue",
        "IntegerValue",
        "PositiveIntegerValue",
        "FloatValue",
        "DecimalValue",
        "ListValue",
        "TupleValue",
        "SingleNestedListValue",
        "SingleNestedTupleValue",
        "SetValue",
        "DictValue",
        "BackendsValue",
        "EmailValue",
        "URLValue",
        "IPValue",
        "RegexValue",
        "PathValue",
        "SecretValue",
        "DatabaseURLValue",
        "CacheURLValue",
        "EmailURLValue",
        "SearchURLValue",
    ];
    NAMES.iter().copied().find(|n| *n == name)
}

/// Python builtins by name.
fn builtin_name(name: &str) -> Option<Value> {
    use Builtin as B;
    Some(builtin(match name {
        "bool" => B::Bool,
        "int" => B::Int,
        "float" => B::Float,
        "str" => B::Str,
        "list" => B::List,
        "tuple" => B::Tuple,
        "set" | "frozenset" => B::Set,
        "dict" => B::Dict,
        "len" => B::Len,
        "sorted" => B::Sorted,
        "min" => B::Min,
        "max" => B::Max,
        "any" => B::Any,
        "all" => B::All,
        "repr" => B::Repr,
        "print" => B::Print,
        "filter" => B::Filter,
        "map" => B::Map,
        "range" => B::Range,
        "enumerate" => B::Enumerate,
        "zip" => B::Zip,
        "reversed" => B::Reversed,
        "sum" => B::Sum,
        "abs" => B::Abs,
        "round" => B::Round,
        _ => {
            let known = [
                "open",
                "isinstance",
                "getattr",
                "hasattr",
                "__import__",
                "globals",
                "locals",
                "vars",
                "type",
                "object",
                "Exception",
                "ImportError",
                "ModuleNotFoundError",
                "ValueError",
                "KeyError",
            ];
            if known.contains(&name) {
                return Some(Value::new(obj(Object::External(name.to_string())), None));
            }
            return None;
        }
    }))
}

/// Where code runs: the file, and its parsed tree.
struct Cx<'t> {
    parsed: &'t Arc<ParsedPython>,
    src: SrcId,
    file: PathBuf,
    /// Where the parsed text starts in the file (a statement re-parsed after a syntax error).
    offset: usize,
}

impl<'t> Cx<'t> {
    fn text(&self, node: Node<'_>) -> &'t str {
        self.parsed.text.get(node.byte_range()).unwrap_or("")
    }

    fn loc(&self, node: Node<'_>) -> Loc {
        let r = node.byte_range();
        Loc::new(self.src, r.start + self.offset..r.end + self.offset)
    }
}

/// The module being run.
#[derive(Debug, Clone)]
struct ModInfo {
    name: String,
    file: PathBuf,
    is_package: bool,
    root: PathBuf,
}

/// Mutable state of one module's run.
struct Frame {
    ns: Namespace,
    /// Local scopes (function, lambda, comprehension, class body), innermost last.
    scopes: Vec<IndexMap<String, Value>>,
    module: Arc<ModInfo>,
    /// The file `include()` paths are relative to (`__included_file__`).
    include_file: PathBuf,
    /// The `include()` calls being run, outermost first.
    include_at: Vec<Loc>,
    /// Enclosing `try` blocks whose handlers catch `ImportError`.
    import_handlers: u32,
    /// Set while running a class body: the class name.
    class_body: Option<String>,
    /// Enclosing constructs that handle a `raise` (a `try`, an undecided branch, a function
    /// call). At module level a raise is reported and evaluation goes on.
    raise_catchers: u32,
}

enum Flow {
    Normal,
    Return(Value),
    Break,
    Continue,
    Raise(Raised),
}

struct Raised {
    import_error: bool,
    at: Loc,
    message: String,
}

enum ModState {
    InProgress,
    Done(Arc<Namespace>),
}

/// An import that did not produce a namespace.
enum ImportFail {
    Cycle(String),
    Unreadable(String),
}

/// Call arguments.
struct Args {
    pos: Vec<Value>,
    kw: Vec<(String, Value)>,
    /// `*x`/`**x` that could not be expanded.
    opaque: bool,
    at: Loc,
}

impl Args {
    fn get(&self, i: usize, name: &str) -> Option<&Value> {
        self.kw.iter().find(|(k, _)| k == name).map(|(_, v)| v).or_else(|| self.pos.get(i))
    }

    fn kw(&self, name: &str) -> Option<&Value> {
        self.kw.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// A python-decouple repository: variable → value and where it is written.
type Repository = HashMap<String, (String, Loc)>;

/// A write to `os.environ` made by the settings code.
#[derive(Debug, Clone)]
struct Overlay {
    text: String,
    at: Option<Loc>,
    desc: String,
    /// Set by `os.environ.setdefault()`: a code default, used because nothing else sets it.
    code_default: bool,
}

/// What an environment lookup found.
enum Lookup {
    Set { value: Value },
    Unset { steps: Value },
    Unknown(Value),
}

pub(crate) struct Evaluator<'a> {
    reader: &'a dyn Reader,
    env: &'a Environment,
    opts: &'a Options,
    pub sources: Vec<Source>,
    source_ids: HashMap<PathBuf, SrcId>,
    modules: HashMap<PathBuf, ModState>,
    /// Import stack (module names), for cycle messages.
    stack: Vec<String>,
    /// `os.environ` writes made while evaluating (setdefault, item assignment, `read_env`):
    /// value, where it is written, how, and whether it is a code default (`setdefault`).
    overlay: HashMap<String, Option<Overlay>>,
    /// python-decouple repositories read, by path.
    decouple_repos: HashMap<PathBuf, Option<Arc<Repository>>>,
    /// Parsed files by source id (functions keep their file's tree alive through it).
    parsed_cache: HashMap<SrcId, Arc<ParsedPython>>,
    pub errors: Vec<EvalError>,
    pub notes: Vec<Note>,
    pub modules_read: Vec<PathBuf>,
    depth: usize,
    call_depth: usize,
    budget: u64,
    /// The stack address at the entry point (see [`STACK_BUDGET`]).
    stack_base: usize,
}

/// An address on the current stack.
#[inline(always)]
fn stack_addr() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

fn named<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut c = node.walk();
    node.named_children(&mut c).filter(|n| !matches!(n.kind(), "comment" | "line_continuation")).collect()
}

fn unknown_at(reason: impl Into<String>, at: Loc) -> Value {
    Value::unknown(reason, Some(at))
}

fn mask(var: &str, value: &str) -> String {
    if crate::secrets::is_secret_name(var) {
        crate::source::mask_secret(value)
    } else {
        let short: String = value.chars().take(60).collect();
        if short.len() < value.len() {
            format!("{short}...")
        } else {
            short
        }
    }
}

/// `v`, or an unknown value in its place when it nests containers too deeply (`X = [X]` in a
/// loop).
fn cap_nesting(v: Value) -> Value {
    if nests_deeper_than(&v, MAX_VALUE_DEPTH) {
        cap_nesting_now(v)
    } else {
        v
    }
}

fn cap_nesting_now(v: Value) -> Value {
    Value::unknown("a value nested too deeply to model", v.origin)
}

/// Statement kinds (to run the statements tree-sitter kept inside an ERROR node).
fn is_statement(kind: &str) -> bool {
    matches!(
        kind,
        "expression_statement"
            | "import_statement"
            | "import_from_statement"
            | "if_statement"
            | "try_statement"
            | "for_statement"
            | "while_statement"
            | "with_statement"
            | "function_definition"
            | "class_definition"
            | "decorated_definition"
            | "delete_statement"
    )
}

impl<'a> Evaluator<'a> {
    pub fn new(reader: &'a dyn Reader, env: &'a Environment, opts: &'a Options) -> Self {
        Evaluator {
            reader,
            env,
            opts,
            sources: Vec::new(),
            source_ids: HashMap::new(),
            modules: HashMap::new(),
            stack: Vec::new(),
            overlay: HashMap::new(),
            decouple_repos: HashMap::new(),
            parsed_cache: HashMap::new(),
            errors: Vec::new(),
            notes: Vec::new(),
            modules_read: Vec::new(),
            depth: 0,
            call_depth: 0,
            budget: WORK_BUDGET,
            stack_base: stack_addr(),
        }
    }

    fn source_id(&mut self, path: &Path, kind: SourceKind, text: Option<Arc<str>>) -> SrcId {
        if let Some(id) = self.source_ids.get(path) {
            return *id;
        }
        let id = SrcId(self.sources.len() as u32);
        self.sources.push(Source { path: path.to_path_buf(), kind, text, syntax_errors: Vec::new() });
        self.source_ids.insert(path.to_path_buf(), id);
        id
    }

    fn error(&mut self, kind: ErrorKind, at: Option<Loc>, message: impl Into<String>) {
        let message = message.into();
        if self.errors.iter().any(|e| e.kind == kind && e.at == at && e.message == message) {
            return;
        }
        self.errors.push(EvalError { kind, at, message });
    }

    fn note(&mut self, at: Option<Loc>, message: impl Into<String>) {
        let message = message.into();
        if self.notes.iter().any(|n| n.at == at && n.message == message) {
            return;
        }
        self.notes.push(Note { at, message });
    }

    // ----------------------------------------------------------------------------------------
    // Modules
    // ----------------------------------------------------------------------------------------

    /// Runs the module in `file` (cached: a module runs once per evaluation, like
    /// `sys.modules`).
    fn import_file(
        &mut self,
        file: &Path,
        root: &Path,
        name: &str,
        at: Option<Loc>,
    ) -> Result<Arc<Namespace>, ImportFail> {
        let file = resolve::normalize(file);
        match self.modules.get(&file) {
            Some(ModState::Done(ns)) => return Ok(ns.clone()),
            Some(ModState::InProgress) => {
                let mut chain = self.stack.clone();
                chain.push(name.to_string());
                let start = chain.iter().position(|m| m == name).unwrap_or(0);
                let msg = format!("import cycle: {}", chain[start..].join(" → "));
                self.error(ErrorKind::ImportCycle, at, msg.clone());
                return Err(ImportFail::Cycle(msg));
            }
            None => {}
        }
        let Some(text) = self.reader.read(&file) else {
            let msg = format!("cannot read `{}`", file.display());
            self.error(ErrorKind::Unreadable, at, msg.clone());
            return Err(ImportFail::Unreadable(msg));
        };
        self.modules.insert(file.clone(), ModState::InProgress);
        self.stack.push(name.to_string());
        let ns = self.run_module(&file, root, name, text);
        self.stack.pop();
        let ns = Arc::new(ns);
        self.modules.insert(file, ModState::Done(ns.clone()));
        Ok(ns)
    }

    fn parse_source(&mut self, file: &Path, kind: SourceKind, text: Arc<str>) -> (SrcId, Arc<ParsedPython>) {
        let parsed = Arc::new(python::parse(text.clone()));
        let src = self.source_id(file, kind, Some(text));
        self.parsed_cache.insert(src, parsed.clone());
        if !self.modules_read.contains(&file.to_path_buf()) {
            self.modules_read.push(file.to_path_buf());
        }
        let source = &mut self.sources[src.0 as usize];
        if source.syntax_errors.is_empty() && !parsed.syntax_errors.is_empty() {
            source.syntax_errors = parsed.syntax_errors.clone();
            for e in &parsed.syntax_errors {
                self.errors.push(EvalError {
                    kind: ErrorKind::Syntax,
                    at: Some(Loc::new(src, e.range.clone())),
                    message: e.message.clone(),
                });
            }
        }
        (src, parsed)
    }

    fn run_module(&mut self, file: &Path, root: &Path, name: &str, text: Arc<str>) -> Namespace {
        let (src, parsed) = self.parse_source(file, SourceKind::Python { module: Some(name.to_string()) }, text);
        let is_package = file.file_name().is_some_and(|n| n == "__init__.py");
        let info = Arc::new(ModInfo {
            name: name.to_string(),
            file: file.to_path_buf(),
            is_package,
            root: root.to_path_buf(),
        });
        let mut frame = Frame {
            ns: Namespace::default(),
            scopes: Vec::new(),
            module: info,
            include_file: file.to_path_buf(),
            include_at: Vec::new(),
            import_handlers: 0,
            class_body: None,
            raise_catchers: 0,
        };
        let file_str = file.to_string_lossy().into_owned();
        frame.ns.values.insert("__file__".into(), Value::str(file_str, None));
        frame.ns.values.insert("__name__".into(), Value::str(name, None));
        let cx = Cx { parsed: &parsed, src, file: file.to_path_buf(), offset: 0 };
        let root_node = parsed.root();
        if let Flow::Raise(r) = self.exec_block(&cx, &mut frame, root_node) {
            self.error(ErrorKind::Raises, Some(r.at), r.message);
        }
        frame.ns
    }

    /// Runs the entry module and returns its namespace, or why it could not.
    pub fn run_entry(&mut self, file: &Path, root: &Path, name: &str) -> Result<Arc<Namespace>, String> {
        self.stack_base = stack_addr();
        match self.import_file(file, root, name, None) {
            Ok(ns) => Ok(ns),
            Err(ImportFail::Cycle(m) | ImportFail::Unreadable(m)) => Err(m),
        }
    }

    /// The roots to resolve absolute imports against, the module's own first.
    fn roots_for(&self, own: &Path) -> Vec<PathBuf> {
        let mut roots = vec![own.to_path_buf()];
        for r in &self.opts.roots {
            if !roots.contains(r) {
                roots.push(r.clone());
            }
        }
        roots
    }

    // ----------------------------------------------------------------------------------------
    // Statements
    // ----------------------------------------------------------------------------------------

    fn exec_block(&mut self, cx: &Cx, f: &mut Frame, block: Node) -> Flow {
        for stmt in named(block) {
            match self.exec_stmt(cx, f, stmt) {
                Flow::Normal => {}
                Flow::Raise(r) if f.raise_catchers == 0 => self.error(ErrorKind::Raises, Some(r.at), r.message),
                other => return other,
            }
        }
        Flow::Normal
    }

    fn exec_stmt(&mut self, cx: &Cx, f: &mut Frame, stmt: Node) -> Flow {
        if self.budget == 0 {
            return Flow::Normal;
        }
        self.budget -= 1;
        // A statement level costs more stack than an expression level: it counts twice, so
        // blocks nest at most MAX_DEPTH / 2 deep (CPython itself stops at 100 indentation levels).
        if self.depth + 2 > MAX_DEPTH || self.too_deep() {
            self.note(Some(cx.loc(stmt)), "statements nested too deeply: not evaluated");
            self.mark_assigned_unknown(cx, f, stmt, "assigned in statements nested too deeply to evaluate");
            return Flow::Normal;
        }
        self.depth += 2;
        let flow = self.exec_stmt_inner(cx, f, stmt);
        self.depth -= 2;
        flow
    }

    fn exec_stmt_inner(&mut self, cx: &Cx, f: &mut Frame, stmt: Node) -> Flow {
        match stmt.kind() {
            "expression_statement" => self.exec_expression_statement(cx, f, stmt),
            "import_statement" => self.exec_import(cx, f, stmt),
            "import_from_statement" => self.exec_import_from(cx, f, stmt),
            "if_statement" => self.exec_if(cx, f, stmt),
            "try_statement" => self.exec_try(cx, f, stmt),
            "for_statement" => self.exec_for(cx, f, stmt),
            "while_statement" => {
                self.mark_assigned_unknown(cx, f, stmt, "changed in a `while` loop");
                Flow::Normal
            }
            "with_statement" => {
                if let Some(body) = stmt.child_by_field_name("body") {
                    return self.exec_block(cx, f, body);
                }
                Flow::Normal
            }
            "match_statement" => {
                self.mark_assigned_unknown(cx, f, stmt, "assigned in a `match` statement");
                Flow::Normal
            }
            "function_definition" => {
                self.exec_def(cx, f, stmt);
                Flow::Normal
            }
            "class_definition" => {
                self.exec_class(cx, f, stmt);
                Flow::Normal
            }
            "decorated_definition" => {
                if let Some(def) = stmt.child_by_field_name("definition") {
                    match def.kind() {
                        "class_definition" => self.exec_class(cx, f, def),
                        _ => self.exec_def(cx, f, def),
                    }
                }
                Flow::Normal
            }
            "delete_statement" => self.exec_delete(cx, f, stmt),
            "return_statement" => self.exec_return(cx, f, stmt),
            "raise_statement" => exec_raise(cx, stmt),
            "break_statement" => Flow::Break,
            "continue_statement" => Flow::Continue,
            "ERROR" if stmt.parent().is_some_and(|p| p.kind() == "module") => self.exec_error_chunks(cx, f, stmt),
            "ERROR" => self.exec_error_children(cx, f, stmt),
            _ => Flow::Normal,
        }
    }

    #[inline(never)]
    fn exec_expression_statement(&mut self, cx: &Cx, f: &mut Frame, stmt: Node) -> Flow {
        for child in named(stmt) {
            match child.kind() {
                "assignment" => self.exec_assign(cx, f, child, stmt),
                "augmented_assignment" => self.exec_augmented(cx, f, child, stmt),
                "call" => {
                    if !self.exec_mutating_call(cx, f, child, stmt) {
                        self.eval(cx, f, child);
                    }
                }
                _ => {
                    self.eval(cx, f, child);
                }
            }
        }
        Flow::Normal
    }

    #[inline(never)]
    fn exec_delete(&mut self, cx: &Cx, f: &mut Frame, stmt: Node) -> Flow {
        for target in named(stmt) {
            let targets = if target.kind() == "expression_list" { named(target) } else { vec![target] };
            for t in targets {
                self.delete_target(cx, f, t, stmt);
            }
        }
        Flow::Normal
    }

    #[inline(never)]
    fn exec_return(&mut self, cx: &Cx, f: &mut Frame, stmt: Node) -> Flow {
        let v = match named(stmt).first() {
            Some(e) => self.eval(cx, f, *e),
            None => Value::none(Some(cx.loc(stmt))),
        };
        Flow::Return(v)
    }

    #[inline(never)]
    fn exec_error_children(&mut self, cx: &Cx, f: &mut Frame, stmt: Node) -> Flow {
        for child in named(stmt) {
            if is_statement(child.kind()) {
                if let Flow::Raise(r) = self.exec_stmt(cx, f, child) {
                    return Flow::Raise(r);
                }
            }
        }
        Flow::Normal
    }

    /// A module-level ERROR node can swallow the statements after the error (an unclosed
    /// bracket, a Jinja line in a template): each top-level line group in it is re-parsed on its
    /// own, and the groups that parse are run.
    fn exec_error_chunks(&mut self, cx: &Cx, f: &mut Frame, node: Node) -> Flow {
        let text = cx.text(node);
        let mut starts = vec![0usize];
        let mut pos = 0usize;
        for line in text.split_inclusive('\n') {
            let next = pos + line.len();
            if next < text.len() {
                let rest = &text[next..];
                if rest
                    .chars()
                    .next()
                    .is_some_and(|c| !c.is_whitespace() && c != '#' && c != ')' && c != ']' && c != '}')
                {
                    starts.push(next);
                }
            }
            pos = next;
        }
        starts.push(text.len());
        for w in starts.windows(2) {
            let chunk = &text[w[0]..w[1]];
            if chunk.trim().is_empty() {
                continue;
            }
            let parsed = Arc::new(python::parse(Arc::from(chunk)));
            let sub = Cx {
                parsed: &parsed,
                src: cx.src,
                file: cx.file.clone(),
                offset: cx.offset + node.start_byte() + w[0],
            };
            for stmt in named(parsed.root()) {
                if stmt.kind() == "ERROR" {
                    continue;
                }
                if let Flow::Raise(r) = self.exec_stmt(&sub, f, stmt) {
                    return Flow::Raise(r);
                }
            }
        }
        Flow::Normal
    }

    /// Every name a statement could assign becomes unknown (loops and constructs not modelled).
    fn mark_assigned_unknown(&mut self, cx: &Cx, f: &mut Frame, stmt: Node, reason: &str) {
        let mut names: Vec<(String, Loc)> = Vec::new();
        let mut stack = vec![stmt];
        let mut seen = 0usize;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 100_000 {
                break;
            }
            match n.kind() {
                "assignment" | "augmented_assignment" => {
                    if let Some(left) = n.child_by_field_name("left") {
                        collect_target_roots(cx, left, &mut names);
                    }
                    if let Some(right) = n.child_by_field_name("right") {
                        stack.push(right);
                    }
                }
                "call" => {
                    if let Some(func) = n.child_by_field_name("function") {
                        if func.kind() == "attribute" {
                            let method = func.child_by_field_name("attribute").map(|a| cx.text(a)).unwrap_or("");
                            if MUTATING.contains(&method) {
                                if let Some(o) = func.child_by_field_name("object") {
                                    collect_target_roots(cx, o, &mut names);
                                }
                            }
                        }
                    }
                }
                "function_definition" | "class_definition" | "lambda" => {}
                _ => {
                    for c in named(n) {
                        stack.push(c);
                    }
                }
            }
        }
        for (name, at) in names {
            let mut v = unknown_at(reason, at);
            if let Some(old) = self.lookup_opt(f, &name) {
                v = v.inherit(&old);
            }
            self.bind(f, &name, v, Some(at));
        }
    }

    // Assignment ---------------------------------------------------------------------------

    fn exec_assign(&mut self, cx: &Cx, f: &mut Frame, node: Node, stmt: Node) {
        let mut targets = Vec::new();
        let mut cur = node;
        let rhs = loop {
            if let Some(left) = cur.child_by_field_name("left") {
                targets.push(left);
            }
            match cur.child_by_field_name("right") {
                Some(r) if r.kind() == "assignment" => cur = r,
                other => break other,
            }
        };
        let Some(rhs) = rhs else { return };
        let name_hint = match targets.as_slice() {
            [t] if t.kind() == "identifier" => Some(cx.text(*t).to_string()),
            _ => None,
        };
        let value = self.eval_with_name(cx, f, rhs, name_hint);
        let at = cx.loc(stmt);
        for t in targets {
            self.assign_target(cx, f, t, value.clone(), at);
        }
    }

    fn eval_with_name(&mut self, cx: &Cx, f: &mut Frame, rhs: Node, name: Option<String>) -> Value {
        if let (Some(name), "call") = (&name, rhs.kind()) {
            return self.eval_call(cx, f, rhs, Some(name.as_str()));
        }
        self.eval(cx, f, rhs)
    }

    /// Binds a name in the innermost scope (module namespace at module level).
    fn bind(&mut self, f: &mut Frame, name: &str, value: Value, at: Option<Loc>) {
        let mut value = cap_nesting(value);
        if let Some(scope) = f.scopes.last_mut() {
            scope.insert(name.to_string(), value);
            return;
        }
        if let (Some(inc), Some(at)) = (f.include_at.last(), at) {
            if !matches!(value.kind, Kind::Object(_)) {
                value.step(StepKind::Included, Some(*inc), "assigned in a file run by split-settings `include()`");
                let _ = at;
            }
        }
        f.ns.values.insert(name.to_string(), value);
        if let Some(at) = at {
            f.ns.assigned.insert(name.to_string(), at);
        }
    }

    fn assign_target(&mut self, cx: &Cx, f: &mut Frame, target: Node, value: Value, at: Loc) {
        match target.kind() {
            "identifier" => {
                let name = cx.text(target).to_string();
                self.bind(f, &name, value, Some(at));
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "expression_list" | "tuple" | "list" => {
                self.assign_unpack(cx, f, target, value, at)
            }
            "parenthesized_expression" => {
                if let Some(inner) = named(target).first() {
                    self.assign_target(cx, f, *inner, value, at);
                }
            }
            "subscript" => self.assign_subscript(cx, f, target, value, at),
            "attribute" => {
                // `os.environ.X = ...`, `env.smart_cast = False`: attributes of objects are not
                // settings; an `Env` option changes how later reads behave, which is noted.
                let obj_text = target.child_by_field_name("object").map(|o| cx.text(o)).unwrap_or("");
                let attr = target.child_by_field_name("attribute").map(|a| cx.text(a)).unwrap_or("");
                if matches!(attr, "smart_cast" | "prefix" | "escape_proxy") {
                    self.note(
                        Some(at),
                        format!("`{obj_text}.{attr}` is set: django-environ reads after it may differ"),
                    );
                }
            }
            _ => {}
        }
    }

    fn assign_unpack(&mut self, cx: &Cx, f: &mut Frame, target: Node, value: Value, at: Loc) {
        let targets = named(target);
        let star = targets.iter().position(|t| t.kind() == "list_splat_pattern" || t.kind() == "list_splat");
        let items: Option<Vec<Value>> = match &value.kind {
            Kind::List(v) | Kind::Tuple(v) | Kind::Set(v) => Some(v.to_vec()),
            Kind::Str(s) => Some(s.chars().map(|c| Value::str(c.to_string(), value.origin)).collect()),
            Kind::Dict(d) => Some(d.iter().map(|(k, _)| k.clone()).collect()),
            _ => None,
        };
        let fits = match (&items, star) {
            (Some(items), None) => items.len() == targets.len(),
            (Some(items), Some(_)) => items.len() + 1 >= targets.len(),
            _ => false,
        };
        if !fits {
            let reason = match value.unknown_reason() {
                Some(r) => r.to_string(),
                None => "unpacking a value of the wrong length".to_string(),
            };
            for t in targets {
                let t = if matches!(t.kind(), "list_splat_pattern" | "list_splat") { named(t)[0] } else { t };
                let v = unknown_at(reason.clone(), value.origin.unwrap_or(at)).inherit(&value);
                self.assign_target(cx, f, t, v, at);
            }
            return;
        }
        let items = items.unwrap_or_default();
        match star {
            None => {
                for (t, v) in targets.into_iter().zip(items) {
                    self.assign_target(cx, f, t, v, at);
                }
            }
            Some(si) => {
                let after = targets.len() - si - 1;
                let rest_end = items.len() - after;
                for (i, t) in targets.iter().enumerate() {
                    if i < si {
                        self.assign_target(cx, f, *t, items[i].clone(), at);
                    } else if i == si {
                        let inner = named(*t).first().copied();
                        let rest = Value::list(items[si..rest_end].to_vec(), value.origin);
                        if let Some(inner) = inner {
                            self.assign_target(cx, f, inner, rest, at);
                        }
                    } else {
                        let idx = rest_end + (i - si - 1);
                        self.assign_target(cx, f, *t, items[idx].clone(), at);
                    }
                }
            }
        }
    }

    /// The root name and the key expressions of `X[k1][k2]...` (or of `X` alone).
    fn place_chain<'t>(&self, cx: &Cx<'t>, node: Node<'t>) -> Option<(PlaceRoot<'t>, Vec<Node<'t>>)> {
        let mut keys = Vec::new();
        let mut cur = node;
        loop {
            match cur.kind() {
                "subscript" => {
                    keys.push(cur.child_by_field_name("subscript")?);
                    cur = cur.child_by_field_name("value")?;
                }
                "identifier" => {
                    keys.reverse();
                    return Some((PlaceRoot::Name(cx.text(cur).to_string()), keys));
                }
                "attribute" => {
                    keys.reverse();
                    return Some((PlaceRoot::Expr(cur), keys));
                }
                "parenthesized_expression" => cur = *named(cur).first()?,
                _ => return None,
            }
        }
    }

    fn assign_subscript(&mut self, cx: &Cx, f: &mut Frame, target: Node, value: Value, at: Loc) {
        let Some((root, key_nodes)) = self.place_chain(cx, target) else { return };
        let keys: Vec<Value> = key_nodes.iter().map(|k| self.eval(cx, f, *k)).collect();
        let root_name = match root {
            PlaceRoot::Name(n) => n,
            PlaceRoot::Expr(e) => {
                // `os.environ["X"] = "v"`
                let base = self.eval(cx, f, e);
                if is_builtin(&base, Builtin::OsEnviron) && keys.len() == 1 {
                    if let (Some(var), Some(text)) = (keys[0].as_str(), value.py_str()) {
                        let shown = mask(var, &text);
                        let desc = format!("set to `{shown}` by the settings code");
                        self.overlay.insert(
                            var.to_string(),
                            Some(Overlay { text, at: value.origin, desc, code_default: false }),
                        );
                    }
                }
                return;
            }
        };
        let value = if nests_deeper_than(&value, MAX_VALUE_DEPTH - 2) { cap_nesting_now(value) } else { value };
        let mut failure = None;
        self.with_place(f, &root_name, |slot| {
            failure = set_in(slot, &keys, value, at);
        });
        if let Some(msg) = failure {
            self.note(Some(at), msg);
        }
        self.mark_changed(f, &root_name, at);
    }

    fn mark_changed(&mut self, f: &mut Frame, name: &str, at: Loc) {
        if f.scopes.is_empty() {
            f.ns.assigned.insert(name.to_string(), at);
        }
    }

    /// Runs `op` on the slot holding `name` (innermost scope first); a missing name is left
    /// alone.
    fn with_place(&mut self, f: &mut Frame, name: &str, op: impl FnOnce(&mut Value)) {
        for scope in f.scopes.iter_mut().rev() {
            if let Some(v) = scope.get_mut(name) {
                op(v);
                return;
            }
        }
        if let Some(v) = f.ns.values.get_mut(name) {
            op(v);
        }
    }

    fn exec_augmented(&mut self, cx: &Cx, f: &mut Frame, node: Node, stmt: Node) {
        let (Some(left), Some(right)) = (node.child_by_field_name("left"), node.child_by_field_name("right")) else {
            return;
        };
        let op_text = node.child_by_field_name("operator").map(|o| cx.text(o)).unwrap_or("+=");
        let op = op_text.trim_end_matches('=');
        let rhs = self.eval(cx, f, right);
        let at = cx.loc(stmt);
        let opnode = cx.loc(node);
        match left.kind() {
            "identifier" | "subscript" => {
                let Some((PlaceRoot::Name(root), key_nodes)) = self.place_chain(cx, left) else { return };
                let keys: Vec<Value> = key_nodes.iter().map(|k| self.eval(cx, f, *k)).collect();
                let current = self.lookup_opt(f, &root);
                let Some(current) = current else {
                    let v = unknown_at(format!("`{root}` is changed with `{op_text}` before it is assigned"), at);
                    self.bind(f, &root, v, Some(at));
                    return;
                };
                let mut slot_value = current;
                let mut failure = None;
                {
                    let slot = match get_in_mut(&mut slot_value, &keys) {
                        Ok(s) => Some(s),
                        Err(m) => {
                            failure = Some(m);
                            None
                        }
                    };
                    if let Some(slot) = slot {
                        let new = self.augment(slot.clone(), op, rhs, opnode, at);
                        *slot = new;
                    }
                }
                if let Some(m) = failure {
                    self.note(Some(at), m);
                }
                if keys.is_empty() {
                    self.bind(f, &root, slot_value, Some(at));
                } else {
                    self.with_place(f, &root, |v| *v = slot_value);
                    self.mark_changed(f, &root, at);
                }
            }
            _ => {}
        }
    }

    /// `current op= rhs`: lists grow in place (keeping their origin); other values are rebound.
    fn augment(&mut self, current: Value, op: &str, rhs: Value, opnode: Loc, at: Loc) -> Value {
        if let Kind::OneOf(o) = &current.kind {
            let alts: Vec<Value> =
                o.alternatives.iter().map(|a| self.augment(a.clone(), op, rhs.clone(), opnode, at)).collect();
            return rebuild_one_of(&current, alts);
        }
        if op == "+" {
            if let Kind::List(items) = &current.kind {
                let extra = match &rhs.kind {
                    Kind::List(v) | Kind::Tuple(v) | Kind::Set(v) => Some(v.to_vec()),
                    Kind::Dict(d) => Some(d.iter().map(|(k, _)| k.clone()).collect()),
                    Kind::Str(s) => Some(s.chars().map(|c| Value::str(c.to_string(), rhs.origin)).collect()),
                    _ => None,
                };
                if let Some(extra) = extra {
                    let mut items = items.clone();
                    Arc::make_mut(&mut items).extend(extra);
                    let mut v = Value { kind: Kind::List(items), ..current };
                    v.step(StepKind::Mutation, Some(at), "extended with `+=`");
                    return v.inherit(&rhs);
                }
            }
        }
        let mut v = self.binop(op, &current, &rhs, opnode);
        if v.is_determined() {
            v.step(StepKind::Mutation, Some(at), format!("changed with `{op}=`"));
        }
        v
    }

    fn delete_target(&mut self, cx: &Cx, f: &mut Frame, target: Node, stmt: Node) {
        let at = cx.loc(stmt);
        match target.kind() {
            "identifier" => {
                let name = cx.text(target).to_string();
                if let Some(scope) = f.scopes.last_mut() {
                    scope.shift_remove(&name);
                } else {
                    f.ns.values.shift_remove(&name);
                    f.ns.assigned.insert(name, at);
                }
            }
            "subscript" => {
                let Some((root, key_nodes)) = self.place_chain(cx, target) else { return };
                let keys: Vec<Value> = key_nodes.iter().map(|k| self.eval(cx, f, *k)).collect();
                match root {
                    PlaceRoot::Name(root) => {
                        let Some((last, path)) = keys.split_last() else { return };
                        let mut failure = None;
                        self.with_place(f, &root, |slot| match get_in_mut(slot, path) {
                            Ok(container) => failure = del_item(container, last),
                            Err(m) => failure = Some(m),
                        });
                        if let Some(m) = failure {
                            self.note(Some(at), m);
                        }
                        self.mark_changed(f, &root, at);
                    }
                    PlaceRoot::Expr(e) => {
                        let base = self.eval(cx, f, e);
                        if is_builtin(&base, Builtin::OsEnviron) {
                            if let Some(var) = keys.first().and_then(Value::as_str) {
                                self.overlay.insert(var.to_string(), None);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// `X.append(...)` and the other in-place methods on a name or an item of one. Returns false
    /// when the call is not such a mutation.
    fn exec_mutating_call(&mut self, cx: &Cx, f: &mut Frame, call: Node, stmt: Node) -> bool {
        let Some(func) = call.child_by_field_name("function") else { return false };
        if func.kind() != "attribute" {
            return false;
        }
        let method = func.child_by_field_name("attribute").map(|a| cx.text(a)).unwrap_or("");
        if !MUTATING.contains(&method) {
            return false;
        }
        let Some(object) = func.child_by_field_name("object") else { return false };
        if method == "update" && self.exec_namespace_update(cx, f, call, object, stmt) {
            return true;
        }
        let Some((PlaceRoot::Name(root), key_nodes)) = self.place_chain(cx, object) else { return false };
        // Only values held by a name: `os.environ.setdefault` and friends are calls.
        match self.lookup_opt(f, &root) {
            Some(v) if !matches!(v.kind, Kind::Object(_)) => {}
            _ => return false,
        }
        let keys: Vec<Value> = key_nodes.iter().map(|k| self.eval(cx, f, *k)).collect();
        let mut args = match call.child_by_field_name("arguments") {
            Some(a) => self.eval_args(cx, f, a, cx.loc(call)),
            None => return false,
        };
        args.pos = args
            .pos
            .into_iter()
            .map(|a| if nests_deeper_than(&a, MAX_VALUE_DEPTH - 2) { cap_nesting_now(a) } else { a })
            .collect();
        let at = cx.loc(stmt);
        let mut failure = None;
        self.with_place(f, &root, |slot| match get_in_mut(slot, &keys) {
            Ok(target) => failure = mutate(target, method, &args, at),
            Err(m) => failure = Some(m),
        });
        if let Some(m) = failure {
            self.note(Some(at), m);
        }
        self.mark_changed(f, &root, at);
        true
    }

    /// `vars().update(env.email_url())`, `globals().update({...})` at module level (django-environ's
    /// documented way to spread a URL's settings): each string key of a known mapping is assigned.
    /// An unknown mapping assigns names nobody can list: noted, and the evaluation goes on.
    fn exec_namespace_update(&mut self, cx: &Cx, f: &mut Frame, call: Node, object: Node, stmt: Node) -> bool {
        if object.kind() != "call" || !f.scopes.is_empty() {
            return false;
        }
        let callee = object.child_by_field_name("function").map(|n| cx.text(n)).unwrap_or("");
        let no_args = object.child_by_field_name("arguments").is_some_and(|a| named(a).is_empty());
        if !matches!(callee, "vars" | "globals" | "locals") || !no_args {
            return false;
        }
        let at = cx.loc(stmt);
        let args = match call.child_by_field_name("arguments") {
            Some(a) => self.eval_args(cx, f, a, cx.loc(call)),
            None => return false,
        };
        match args.pos.first().map(|v| &v.kind) {
            Some(Kind::Dict(d)) => {
                let items: Vec<(String, Value)> =
                    d.iter().filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.clone()))).collect();
                for (name, value) in items {
                    self.bind(f, &name, value, Some(at));
                }
            }
            _ => self.note(Some(at), format!("`{callee}().update(...)` with a mapping Preflight cannot read")),
        }
        true
    }

    // Imports --------------------------------------------------------------------------------

    fn exec_import(&mut self, cx: &Cx, f: &mut Frame, stmt: Node) -> Flow {
        let at = cx.loc(stmt);
        for item in named(stmt) {
            let (dotted, alias) = match item.kind() {
                "dotted_name" => (cx.text(item).to_string(), None),
                "aliased_import" => (
                    item.child_by_field_name("name").map(|n| cx.text(n).to_string()).unwrap_or_default(),
                    item.child_by_field_name("alias").map(|n| cx.text(n).to_string()),
                ),
                _ => continue,
            };
            let dotted: String = dotted.split_whitespace().collect();
            match alias {
                Some(alias) => match self.import_absolute(f, &dotted, at) {
                    Ok(v) => self.bind(f, &alias, v, Some(at)),
                    Err(r) => return Flow::Raise(r),
                },
                None => {
                    // `import a.b.c` binds `a` (and runs a, a.b, a.b.c).
                    let top = dotted.split('.').next().unwrap_or("").to_string();
                    match self.import_absolute(f, &dotted, at) {
                        Ok(_) => {
                            let v = match self.import_absolute(f, &top, at) {
                                Ok(v) => v,
                                Err(r) => return Flow::Raise(r),
                            };
                            self.bind(f, &top, v, Some(at));
                        }
                        Err(r) => return Flow::Raise(r),
                    }
                }
            }
        }
        Flow::Normal
    }

    /// The module object for an absolute dotted name (project module, else library).
    fn import_absolute(&mut self, f: &mut Frame, dotted: &str, at: Loc) -> Result<Value, Raised> {
        let roots = self.roots_for(&f.module.root);
        if let Some((file, root)) = resolve::resolve_module(self.reader, &roots, dotted) {
            return match self.import_file(&file, &root, dotted, Some(at)) {
                Ok(ns) => Ok(module_value(dotted, Some(ns), Some(root), at)),
                Err(ImportFail::Unreadable(m)) => self.import_failed(f, at, m),
                Err(ImportFail::Cycle(m)) => Ok(unknown_at(m, at)),
            };
        }
        if resolve::package_in_roots(self.reader, &roots, dotted) && !is_library_module(dotted) {
            // A namespace package (a folder without `__init__.py`) imports fine.
            let dir_exists = roots.iter().any(|r| {
                let rel: PathBuf = dotted.split('.').collect();
                !self.reader.list_dir(&r.join(rel)).is_empty()
            });
            if dir_exists {
                return Ok(module_value(dotted, Some(Arc::new(Namespace::default())), Some(roots[0].clone()), at));
            }
            return self.import_failed(f, at, format!("module `{dotted}` not found in the tree"));
        }
        Ok(module_value(dotted, None, None, at))
    }

    /// A project import that failed: inside a `try` that handles ImportError it raises, else it
    /// is reported and evaluation goes on.
    fn import_failed(&mut self, f: &mut Frame, at: Loc, message: String) -> Result<Value, Raised> {
        if f.import_handlers > 0 {
            return Err(Raised { import_error: true, at, message });
        }
        self.error(ErrorKind::ModuleNotFound, Some(at), message.clone());
        Ok(unknown_at(message, at))
    }

    fn exec_import_from(&mut self, cx: &Cx, f: &mut Frame, stmt: Node) -> Flow {
        let at = cx.loc(stmt);
        let Some(module_node) = stmt.child_by_field_name("module_name") else { return Flow::Normal };
        let stmt_text: String = cx.text(stmt).split_whitespace().collect::<Vec<_>>().join(" ");
        // Where the module is: a project file, or a library.
        let (target, level, dotted) = if module_node.kind() == "relative_import" {
            let text: String = cx.text(module_node).split_whitespace().collect();
            let level = text.chars().take_while(|c| *c == '.').count();
            let dotted = text[level..].to_string();
            (self.resolve_relative(f, level, &dotted), level, dotted)
        } else {
            let dotted: String = cx.text(module_node).split_whitespace().collect();
            let roots = self.roots_for(&f.module.root);
            match resolve::resolve_module(self.reader, &roots, &dotted) {
                Some((file, root)) => (Some((file, root, dotted.clone())), 0, dotted),
                None => {
                    if resolve::package_in_roots(self.reader, &roots, &dotted) && !is_library_module(&dotted) {
                        match self.import_failed(f, at, format!("module `{dotted}` not found in the tree")) {
                            Ok(_) => return Flow::Normal,
                            Err(r) => return Flow::Raise(r),
                        }
                    }
                    (None, 0, dotted)
                }
            }
        };
        let names: Vec<Node> = {
            let mut c = stmt.walk();
            stmt.children_by_field_name("name", &mut c).collect()
        };
        let wildcard = named(stmt).iter().any(|n| n.kind() == "wildcard_import");

        let Some((file, root, modname)) = target else {
            if level > 0 {
                let shown = format!("{}{}", ".".repeat(level), dotted);
                return match self.import_failed(f, at, format!("module `{shown}` not found in the tree")) {
                    Ok(_) => {
                        for n in &names {
                            let (_, bind_as) = import_name(cx, *n);
                            self.bind(
                                f,
                                &bind_as,
                                unknown_at(format!("imported from missing module `{shown}`"), at),
                                Some(at),
                            );
                        }
                        Flow::Normal
                    }
                    Err(r) => Flow::Raise(r),
                };
            }
            // A library module.
            if wildcard {
                self.note(Some(at), format!("`{stmt_text}`: names from a library module are not known"));
                return Flow::Normal;
            }
            for n in &names {
                let (name, bind_as) = import_name(cx, *n);
                let v = match known_attr(&dotted, &name) {
                    Some(kind) => Value::new(kind, Some(at)),
                    None => {
                        let full = format!("{dotted}.{name}");
                        if is_library_module(&full) || known_attr(&full, "").is_some() {
                            module_value(&full, None, None, at)
                        } else {
                            Value::new(obj(Object::External(full)), Some(at))
                        }
                    }
                };
                self.bind(f, &bind_as, v, Some(at));
            }
            return Flow::Normal;
        };

        let is_package_target = file.file_name().is_some_and(|n| n == "__init__.py");
        let ns = match self.import_file(&file, &root, &modname, Some(at)) {
            Ok(ns) => ns,
            Err(ImportFail::Cycle(m)) => {
                for n in &names {
                    let (_, bind_as) = import_name(cx, *n);
                    self.bind(f, &bind_as, unknown_at(m.clone(), at), Some(at));
                }
                return Flow::Normal;
            }
            Err(ImportFail::Unreadable(m)) => {
                return match self.import_failed(f, at, m) {
                    Ok(_) => Flow::Normal,
                    Err(r) => Flow::Raise(r),
                };
            }
        };
        let via = format!("inherited by {} via `{}`", f.module.name, stmt_text);
        if wildcard {
            let public: Vec<String> = match ns.values.get("__all__").and_then(|a| a.as_seq().map(<[Value]>::to_vec)) {
                Some(all) => all.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
                None => ns.values.keys().filter(|k| !k.starts_with('_')).cloned().collect(),
            };
            for name in public {
                let Some(v) = ns.values.get(&name) else { continue };
                let mut v = v.clone();
                if !matches!(v.kind, Kind::Object(_)) {
                    v.step(StepKind::Imported, Some(at), via.clone());
                }
                let assigned = ns.assigned.get(&name).copied();
                self.bind(f, &name, v, None);
                if f.scopes.is_empty() {
                    match assigned {
                        Some(a) => f.ns.assigned.insert(name, a),
                        None => f.ns.assigned.insert(name, at),
                    };
                }
            }
            return Flow::Normal;
        }
        for n in &names {
            let (name, bind_as) = import_name(cx, *n);
            let v = match ns.values.get(&name) {
                Some(v) => {
                    let mut v = v.clone();
                    if !matches!(v.kind, Kind::Object(_)) {
                        v.step(
                            StepKind::Imported,
                            Some(at),
                            format!("imported by {} via `{}`", f.module.name, stmt_text),
                        );
                    }
                    v
                }
                None => {
                    // A submodule of a package.
                    let sub = if is_package_target { file.parent().map(|d| d.join(&name)) } else { None };
                    let sub_file = sub.and_then(|d| {
                        let py = d.with_extension("py");
                        if self.reader.is_file(&py) {
                            Some(py)
                        } else {
                            let init = d.join("__init__.py");
                            self.reader.is_file(&init).then_some(init)
                        }
                    });
                    match sub_file {
                        Some(sf) => {
                            let subname = format!("{modname}.{name}");
                            match self.import_file(&sf, &root, &subname, Some(at)) {
                                Ok(sns) => module_value(&subname, Some(sns), Some(root.clone()), at),
                                Err(ImportFail::Cycle(m) | ImportFail::Unreadable(m)) => unknown_at(m, at),
                            }
                        }
                        None => {
                            let msg = format!("cannot import `{name}` from `{modname}`");
                            match self.import_failed(f, at, msg) {
                                Ok(v) => v,
                                Err(r) => return Flow::Raise(r),
                            }
                        }
                    }
                }
            };
            self.bind(f, &bind_as, v, Some(at));
        }
        Flow::Normal
    }

    /// `from ..x import y`: the file of `..x` relative to the current module, its root and name.
    fn resolve_relative(&self, f: &Frame, level: usize, dotted: &str) -> Option<(PathBuf, PathBuf, String)> {
        let m = &f.module;
        let mut dir = m.file.parent()?.to_path_buf();
        let mut pkg: Vec<&str> = m.name.split('.').collect();
        if !m.is_package {
            pkg.pop();
        }
        for _ in 1..level {
            dir = dir.parent()?.to_path_buf();
            pkg.pop();
        }
        let file = resolve::module_file(self.reader, &dir, dotted)?;
        let mut name = pkg.join(".");
        if !dotted.is_empty() {
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(dotted);
        }
        Some((file, m.root.clone(), name))
    }
}

#[inline(never)]
fn exec_raise(cx: &Cx, stmt: Node) -> Flow {
    let text: String = cx.text(stmt).chars().take(80).collect();
    let import_error = text.contains("ImportError") || text.contains("ModuleNotFoundError");
    Flow::Raise(Raised { import_error, at: cx.loc(stmt), message: format!("settings raise here: `{text}`") })
}

/// The root of an assignable place.
enum PlaceRoot<'t> {
    Name(String),
    Expr(Node<'t>),
}

const MUTATING: &[&str] = &[
    "append",
    "insert",
    "extend",
    "remove",
    "pop",
    "clear",
    "update",
    "setdefault",
    "add",
    "discard",
    "sort",
    "reverse",
];

fn collect_target_roots(cx: &Cx, node: Node, out: &mut Vec<(String, Loc)>) {
    match node.kind() {
        "identifier" => out.push((cx.text(node).to_string(), cx.loc(node))),
        "subscript" => {
            if let Some(v) = node.child_by_field_name("value") {
                collect_target_roots(cx, v, out);
            }
        }
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "expression_list"
        | "tuple"
        | "list"
        | "parenthesized_expression"
        | "list_splat_pattern" => {
            for c in named(node) {
                collect_target_roots(cx, c, out);
            }
        }
        _ => {}
    }
}

fn import_name(cx: &Cx, n: Node) -> (String, String) {
    match n.kind() {
        "aliased_import" => {
            let name = n.child_by_field_name("name").map(|x| cx.text(x).to_string()).unwrap_or_default();
            let alias = n.child_by_field_name("alias").map(|x| cx.text(x).to_string()).unwrap_or_else(|| name.clone());
            (name, alias)
        }
        _ => {
            let t: String = cx.text(n).split_whitespace().collect();
            (t.clone(), t)
        }
    }
}

fn module_value(name: &str, ns: Option<Arc<Namespace>>, root: Option<PathBuf>, at: Loc) -> Value {
    Value::new(obj(Object::Module { name: name.to_string(), ns, root }), Some(at))
}

/// Modules that are libraries even when a same-named folder exists in the tree.
fn is_library_module(dotted: &str) -> bool {
    let top = dotted.split('.').next().unwrap_or("");
    matches!(
        top,
        "os" | "sys"
            | "pathlib"
            | "datetime"
            | "json"
            | "ast"
            | "django"
            | "environ"
            | "decouple"
            | "split_settings"
            | "configurations"
            | "dj_database_url"
            | "logging"
            | "socket"
            | "distutils"
    )
}

fn is_builtin(v: &Value, b: Builtin) -> bool {
    matches!(&v.kind, Kind::Object(o) if matches!(**o, Object::Builtin(x) if x == b))
}

fn rebuild_one_of(template: &Value, alternatives: Vec<Value>) -> Value {
    let (by_code_default, reason) = match &template.kind {
        Kind::OneOf(o) => (o.by_code_default, o.reason.clone()),
        _ => (None, String::new()),
    };
    Value {
        kind: Kind::OneOf(Arc::new(OneOf { alternatives, by_code_default, reason })),
        origin: template.origin,
        steps: template.steps.clone(),
        env_default: template.env_default.clone(),
    }
}

/// The slot at `keys` inside `root` (`root` itself for no keys).
fn get_in_mut<'v>(root: &'v mut Value, keys: &[Value]) -> Result<&'v mut Value, String> {
    let mut cur = root;
    for key in keys {
        let type_name = cur.type_name();
        cur = match &mut cur.kind {
            Kind::Dict(d) => {
                let d = Arc::make_mut(d);
                match d.get_mut(key) {
                    Some(v) => v,
                    None => return Err(format!("key {} is not in the dict (KeyError)", key.describe())),
                }
            }
            Kind::List(items) => {
                let items = Arc::make_mut(items);
                let Some(i) = key.as_int().and_then(|i| py_index(i, items.len())) else {
                    return Err(format!("index {} out of range", key.describe()));
                };
                &mut items[i]
            }
            Kind::Unknown(_) | Kind::OneOf(_) => return Err("changes an item of a value that is not known".into()),
            _ => return Err(format!("cannot index a {type_name}")),
        };
    }
    Ok(cur)
}

fn py_index(i: i64, len: usize) -> Option<usize> {
    let idx = if i < 0 { len as i64 + i } else { i };
    (idx >= 0 && (idx as usize) < len).then_some(idx as usize)
}

/// `slot[keys...] = value`; a message when it cannot be done.
fn set_in(slot: &mut Value, keys: &[Value], value: Value, at: Loc) -> Option<String> {
    let (last, path) = keys.split_last()?;
    let container = match get_in_mut(slot, path) {
        Ok(c) => c,
        Err(m) => return Some(m),
    };
    match &mut container.kind {
        Kind::Dict(d) => {
            if !Arc::make_mut(d).insert(last.clone(), value) {
                container.kind = Kind::Unknown(Arc::new(super::value::Unknown {
                    reason: "an item was set under a key that is not known".into(),
                }));
                return None;
            }
        }
        Kind::List(items) => {
            let items = Arc::make_mut(items);
            match last.as_int().and_then(|i| py_index(i, items.len())) {
                Some(i) => items[i] = value,
                None => return Some(format!("index {} out of range", last.describe())),
            }
        }
        Kind::Unknown(_) | Kind::OneOf(_) => return None,
        _ => return Some(format!("cannot set an item of a {}", container.type_name())),
    }
    container.step(StepKind::Mutation, Some(at), "item set");
    None
}

fn del_item(container: &mut Value, key: &Value) -> Option<String> {
    match &mut container.kind {
        Kind::Dict(d) => {
            let removed = Arc::make_mut(d).remove(key);
            if removed.is_none() {
                return Some(format!("key {} is not in the dict (KeyError)", key.describe()));
            }
        }
        Kind::List(items) => {
            let items = Arc::make_mut(items);
            match key.as_int().and_then(|i| py_index(i, items.len())) {
                Some(i) => {
                    items.remove(i);
                }
                None => return Some(format!("index {} out of range", key.describe())),
            }
        }
        _ => {}
    }
    None
}

/// An in-place method (`append`, `update`...) on `target`.
fn mutate(target: &mut Value, method: &str, args: &Args, at: Loc) -> Option<String> {
    if let Kind::OneOf(o) = &mut target.kind {
        let o = Arc::make_mut(o);
        let mut msg = None;
        for alt in &mut o.alternatives {
            msg = msg.or(mutate(alt, method, args, at));
        }
        return msg;
    }
    if args.opaque {
        *target = Value::unknown(format!("changed by `.{method}()` with arguments that are not known"), Some(at))
            .inherit(target);
        return None;
    }
    let desc = format!("changed by `.{method}()`");
    let iter_items = |v: &Value| -> Option<Vec<Value>> {
        match &v.kind {
            Kind::List(x) | Kind::Tuple(x) | Kind::Set(x) => Some(x.to_vec()),
            Kind::Dict(d) => Some(d.iter().map(|(k, _)| k.clone()).collect()),
            Kind::Str(s) => Some(s.chars().map(|c| Value::str(c.to_string(), v.origin)).collect()),
            _ => None,
        }
    };
    let result: Result<(), String> = match (&mut target.kind, method) {
        (Kind::List(items), "append") => match args.pos.first() {
            Some(v) => {
                Arc::make_mut(items).push(v.clone());
                Ok(())
            }
            None => Err("`.append()` without an argument".into()),
        },
        (Kind::List(items), "insert") => match (args.pos.first().and_then(Value::as_int), args.pos.get(1)) {
            (Some(i), Some(v)) => {
                let items = Arc::make_mut(items);
                let len = items.len() as i64;
                let idx = if i < 0 { (len + i).max(0) } else { i.min(len) } as usize;
                items.insert(idx, v.clone());
                Ok(())
            }
            _ => Err("`.insert()` with an index that is not known".into()),
        },
        (Kind::List(items), "extend") => match args.pos.first().and_then(iter_items) {
            Some(extra) => {
                Arc::make_mut(items).extend(extra);
                Ok(())
            }
            None => Err("`.extend()` with a value that is not known".into()),
        },
        (Kind::List(items) | Kind::Set(items), "remove" | "discard") => match args.pos.first() {
            Some(v) => {
                let pos = items.iter().position(|x| x.py_eq(v) == Some(true));
                match pos {
                    Some(p) => {
                        Arc::make_mut(items).remove(p);
                        Ok(())
                    }
                    None if method == "discard" => Ok(()),
                    None => Err(format!("`.remove({})`: not in the list (ValueError)", v.describe())),
                }
            }
            None => Err("`.remove()` without an argument".into()),
        },
        (Kind::List(items), "pop") => {
            let items = Arc::make_mut(items);
            let idx = match args.pos.first() {
                None => items.len().checked_sub(1),
                Some(i) => i.as_int().and_then(|i| py_index(i, items.len())),
            };
            match idx {
                Some(i) => {
                    items.remove(i);
                    Ok(())
                }
                None => Err("`.pop()` index out of range".into()),
            }
        }
        (Kind::List(items) | Kind::Set(items), "clear") => {
            Arc::make_mut(items).clear();
            Ok(())
        }
        (Kind::List(items), "reverse") => {
            Arc::make_mut(items).reverse();
            Ok(())
        }
        (Kind::List(_), "sort") => Ok(()),
        (Kind::Set(items), "add") => match args.pos.first() {
            Some(v) => {
                if !items.iter().any(|x| x.py_eq(v) == Some(true)) {
                    Arc::make_mut(items).push(v.clone());
                }
                Ok(())
            }
            None => Err("`.add()` without an argument".into()),
        },
        (Kind::Dict(d), "update") => {
            let d = Arc::make_mut(d);
            let mut ok = true;
            if let Some(other) = args.pos.first() {
                match &other.kind {
                    Kind::Dict(o) => {
                        for (k, v) in o.iter() {
                            d.insert(k.clone(), v.clone());
                        }
                    }
                    _ => ok = false,
                }
            }
            for (k, v) in &args.kw {
                d.insert(Value::str(k.as_str(), Some(at)), v.clone());
            }
            if ok {
                Ok(())
            } else {
                Err("`.update()` with a value that is not known".into())
            }
        }
        (Kind::Dict(d), "setdefault") => match args.pos.first() {
            Some(k) => {
                let d = Arc::make_mut(d);
                if d.get(k).is_none() {
                    d.insert(k.clone(), args.pos.get(1).cloned().unwrap_or_else(|| Value::none(Some(at))));
                }
                Ok(())
            }
            None => Err("`.setdefault()` without a key".into()),
        },
        (Kind::Dict(d), "pop") => {
            if let Some(k) = args.pos.first() {
                Arc::make_mut(d).remove(k);
            }
            Ok(())
        }
        (Kind::Dict(d), "clear") => {
            *Arc::make_mut(d) = Dict::new();
            Ok(())
        }
        (Kind::Unknown(_), _) => Ok(()),
        (_, m) => Err(format!("`.{m}()` on a {}", target.type_name())),
    };
    match result {
        Ok(()) => {
            target.step(StepKind::Mutation, Some(at), desc);
            None
        }
        Err(m) => {
            if !matches!(target.kind, Kind::Tuple(_) | Kind::Str(_)) {
                *target = Value::unknown(m.clone(), Some(at)).inherit(target);
            }
            Some(m)
        }
    }
}

/// The text of a plain string literal node (no f-string fields, no bytes).
pub(crate) fn string_literal(text: &str, node: Node) -> Option<String> {
    if node.kind() == "concatenated_string" {
        let mut out = String::new();
        for part in named(node) {
            out.push_str(&string_literal(text, part)?);
        }
        return Some(out);
    }
    if node.kind() != "string" {
        return None;
    }
    let mut prefix = String::new();
    let mut out = String::new();
    let mut c = node.walk();
    for child in node.children(&mut c) {
        match child.kind() {
            "string_start" => {
                prefix = text.get(child.byte_range())?.trim_end_matches(['\'', '"']).to_ascii_lowercase();
                if prefix.contains('b') || prefix.contains('f') {
                    return None;
                }
            }
            "string_content" | "escape_sequence" => {
                let t = text.get(child.byte_range())?;
                out.push_str(&if prefix.contains('r') { t.to_string() } else { decode_escapes(t) });
            }
            "interpolation" => return None,
            _ => {}
        }
    }
    Some(out)
}

impl<'a> Evaluator<'a> {
    /// The first statement of a parsed file (a module docstring skipped).
    pub(crate) fn first_statement(&self, file: &Path) -> Option<Loc> {
        let src = *self.source_ids.get(&resolve::normalize(file))?;
        let parsed = self.parsed_cache.get(&src)?;
        let stmts = named(parsed.root());
        let first = stmts.iter().find(|s| {
            !(s.kind() == "expression_statement" && named(**s).len() == 1 && named(**s)[0].kind() == "string")
        })?;
        Some(Loc::new(src, first.byte_range()))
    }

    /// Evaluates a Python literal (Django's defaults): values without origin.
    pub(crate) fn eval_literal_text(&mut self, text: &str) -> Value {
        let v = self.literal_eval(&Value::str(text, None), Loc::new(SrcId(u32::MAX), 0..0));
        let mut v = reorigin(v, None);
        v.steps = Default::default();
        v
    }
}
