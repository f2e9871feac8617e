//! Values of the settings evaluator: Python values with provenance.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use indexmap::IndexMap;

/// Index into [`super::Evaluated::sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SrcId(pub u32);

/// A byte range in one source (a Python file or an env file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: SrcId,
    pub start: u32,
    pub end: u32,
}

impl Loc {
    pub fn new(file: SrcId, range: Range<usize>) -> Self {
        Loc { file, start: range.start as u32, end: range.end.max(range.start) as u32 }
    }

    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// What a provenance step says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// Copied into a module by `from X import *` or a named import.
    Imported,
    /// Assigned in a file run by split-settings `include()`.
    Included,
    /// The code read an environment variable.
    EnvRead { var: String },
    /// A production environment source set the variable (`at` is the value in the env file).
    EnvSet { var: String },
    /// No production environment source sets the variable: the code default applies.
    EnvUnset { var: String },
    /// The variable's value is unknown (set by a source Preflight cannot read).
    EnvUnknown { var: String },
    /// An `if`/`elif`/`else` branch was chosen.
    Branch,
    /// The branch (or included file) for production was assumed, since nothing selects one.
    AssumedProduction,
    /// The value was changed in place (`+=`, `.append`, item assignment...).
    Mutation,
    /// Django's `global_settings` default.
    DjangoDefault,
    /// Anything else worth showing.
    Note,
}

/// One step in the history of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    pub at: Option<Loc>,
    pub message: String,
}

#[derive(Debug)]
struct StepNode {
    step: Step,
    prev: Option<Arc<StepNode>>,
    len: u32,
}

/// A persistent list of steps (cheap to clone and extend).
#[derive(Debug, Clone, Default)]
pub struct Steps(Option<Arc<StepNode>>);

/// Longest history kept: older steps are dropped first.
const MAX_STEPS: u32 = 24;

impl Steps {
    pub fn push(&self, step: Step) -> Steps {
        let len = self.len() as u32 + 1;
        let node = StepNode { step, prev: self.0.clone(), len };
        let out = Steps(Some(Arc::new(node)));
        if len > MAX_STEPS {
            let mut v = out.to_vec();
            v.drain(..(len - MAX_STEPS) as usize);
            return Steps::from_vec(v);
        }
        out
    }

    fn from_vec(v: Vec<Step>) -> Steps {
        let mut s = Steps::default();
        for step in v {
            let len = s.len() as u32 + 1;
            s = Steps(Some(Arc::new(StepNode { step, prev: s.0.clone(), len })));
        }
        s
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |n| n.len as usize)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// Oldest first.
    pub fn to_vec(&self) -> Vec<Step> {
        let mut out = Vec::with_capacity(self.len());
        let mut cur = self.0.as_deref();
        while let Some(n) = cur {
            out.push(n.step.clone());
            cur = n.prev.as_deref();
        }
        out.reverse();
        out
    }

    /// The steps of `self` followed by those of `other` that `self` does not already hold.
    pub fn merge(&self, other: &Steps) -> Steps {
        match (&self.0, &other.0) {
            (_, None) => self.clone(),
            (None, _) => other.clone(),
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => self.clone(),
            _ => {
                let mut v = self.to_vec();
                for s in other.to_vec() {
                    if !v.contains(&s) {
                        v.push(s);
                    }
                }
                let extra = v.len().saturating_sub(MAX_STEPS as usize);
                v.drain(..extra);
                Steps::from_vec(v)
            }
        }
    }
}

/// Why a value is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub reason: String,
}

/// A dictionary key that can be hashed (Python's `1 == 1.0 == True` share a key).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    None,
    Int(i64),
    Float(u64),
    Str(Arc<str>),
    Tuple(Vec<Key>),
    Other(String),
}

/// An insertion-ordered dict.
#[derive(Debug, Clone, Default)]
pub struct Dict {
    entries: IndexMap<Key, (Value, Value)>,
}

impl Dict {
    pub fn new() -> Self {
        Dict::default()
    }

    /// Inserts (Python `d[k] = v`): a new key goes last, an existing key keeps its place.
    /// Returns false when the key cannot be hashed (unknown).
    pub fn insert(&mut self, key: Value, value: Value) -> bool {
        let Some(k) = key.hash_key() else { return false };
        match self.entries.get_mut(&k) {
            Some(slot) => slot.1 = value,
            None => {
                self.entries.insert(k, (key, value));
            }
        }
        true
    }

    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.entries.get(&key.hash_key()?).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &Value) -> Option<&mut Value> {
        self.entries.get_mut(&key.hash_key()?).map(|(_, v)| v)
    }

    /// A string key.
    pub fn get_str(&self, key: &str) -> Option<&Value> {
        self.entries.get(&Key::Str(Arc::from(key))).map(|(_, v)| v)
    }

    pub fn remove(&mut self, key: &Value) -> Option<Value> {
        self.entries.shift_remove(&key.hash_key()?).map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.entries.values().map(|(k, v)| (k, v))
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.entries.values_mut().map(|(_, v)| v)
    }
}

/// A Python value as the evaluator knows it.
#[derive(Debug, Clone)]
pub enum Kind {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    List(Arc<Vec<Value>>),
    Tuple(Arc<Vec<Value>>),
    Set(Arc<Vec<Value>>),
    Dict(Arc<Dict>),
    /// `datetime.timedelta`, in microseconds.
    Timedelta(i128),
    /// A filesystem path (`pathlib.Path`, or a `str` built with `os.path`): the text of the path,
    /// computed from the file's location in the linted tree.
    Path(Arc<str>),
    /// Not determined statically.
    Unknown(Arc<Unknown>),
    /// One of several values: an `if` on a condition that could not be decided. See
    /// [`Value::alternatives`].
    OneOf(Arc<OneOf>),
    /// Inside [`Kind::OneOf`] only: the name is not assigned on that path.
    Unset,
    /// A module, function, class or library object (not a settings value).
    Object(Arc<super::eval::Object>),
}

/// The alternatives of an undecided `if`.
#[derive(Debug, Clone)]
pub struct OneOf {
    pub alternatives: Vec<Value>,
    /// The alternative that the code defaults of the environment variables select, when known.
    pub by_code_default: Option<usize>,
    /// Why the branch could not be decided.
    pub reason: String,
}

/// A value with its provenance.
#[derive(Debug, Clone)]
pub struct Value {
    pub kind: Kind,
    /// The expression that produced the value (the literal, the env-file value...). None for
    /// Django defaults and values built by the evaluator itself.
    pub origin: Option<Loc>,
    /// How it got here, oldest first.
    pub steps: Steps,
    /// Set when the value depends on an environment variable that no production source sets
    /// (the code default was used): the variable's name.
    pub env_default: Option<Arc<str>>,
}

impl Value {
    pub fn new(kind: Kind, origin: Option<Loc>) -> Self {
        Value { kind, origin, steps: Steps::default(), env_default: None }
    }

    pub fn unknown(reason: impl Into<String>, origin: Option<Loc>) -> Self {
        Value::new(Kind::Unknown(Arc::new(Unknown { reason: reason.into() })), origin)
    }

    pub fn none(origin: Option<Loc>) -> Self {
        Value::new(Kind::None, origin)
    }

    pub fn bool(b: bool, origin: Option<Loc>) -> Self {
        Value::new(Kind::Bool(b), origin)
    }

    pub fn int(i: i64, origin: Option<Loc>) -> Self {
        Value::new(Kind::Int(i), origin)
    }

    pub fn str(s: impl Into<Arc<str>>, origin: Option<Loc>) -> Self {
        Value::new(Kind::Str(s.into()), origin)
    }

    pub fn list(items: Vec<Value>, origin: Option<Loc>) -> Self {
        Value::new(Kind::List(Arc::new(items)), origin)
    }

    pub fn tuple(items: Vec<Value>, origin: Option<Loc>) -> Self {
        Value::new(Kind::Tuple(Arc::new(items)), origin)
    }

    pub fn dict(d: Dict, origin: Option<Loc>) -> Self {
        Value::new(Kind::Dict(Arc::new(d)), origin)
    }

    pub fn with_step(mut self, step: Step) -> Self {
        self.steps = self.steps.push(step);
        self
    }

    pub fn step(&mut self, kind: StepKind, at: Option<Loc>, message: impl Into<String>) {
        self.steps = self.steps.push(Step { kind, at, message: message.into() });
    }

    /// Takes the history (steps and env-default flag) of `other` in addition to its own.
    pub fn inherit(mut self, other: &Value) -> Self {
        self.steps = other.steps.merge(&self.steps);
        if self.env_default.is_none() {
            self.env_default = other.env_default.clone();
        }
        self
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, Kind::Unknown(_))
    }

    /// Why the value is unknown, for an unknown value.
    pub fn unknown_reason(&self) -> Option<&str> {
        match &self.kind {
            Kind::Unknown(u) => Some(&u.reason),
            Kind::OneOf(o) => Some(&o.reason),
            _ => None,
        }
    }

    /// A value that cannot be judged: unknown, or several possible values that disagree on `f`.
    pub fn is_determined(&self) -> bool {
        !matches!(self.kind, Kind::Unknown(_) | Kind::OneOf(_))
    }

    /// The possible values: several for [`Kind::OneOf`], else the value itself.
    pub fn alternatives(&self) -> Vec<&Value> {
        match &self.kind {
            Kind::OneOf(o) => o.alternatives.iter().collect(),
            _ => vec![self],
        }
    }

    /// Python truthiness (`if DEBUG:`); None when it cannot be known.
    pub fn truthy(&self) -> Option<bool> {
        match &self.kind {
            Kind::None | Kind::Unset => Some(false),
            Kind::Bool(b) => Some(*b),
            Kind::Int(i) => Some(*i != 0),
            Kind::Float(f) => Some(*f != 0.0),
            Kind::Str(s) => Some(!s.is_empty()),
            Kind::List(v) | Kind::Tuple(v) | Kind::Set(v) => Some(!v.is_empty()),
            Kind::Dict(d) => Some(!d.is_empty()),
            Kind::Timedelta(t) => Some(*t != 0),
            Kind::Path(_) | Kind::Object(_) => Some(true),
            Kind::Unknown(_) => None,
            Kind::OneOf(o) => agree(o.alternatives.iter().map(Value::truthy)),
        }
    }

    /// `value is True` (Django's deploy checks use it for booleans: `"True"` is not `True`).
    pub fn is_true(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            Kind::Unknown(_) => None,
            Kind::OneOf(o) => agree(o.alternatives.iter().map(Value::is_true)),
            _ => Some(false),
        }
    }

    /// `value is False`.
    pub fn is_false(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(!*b),
            Kind::Unknown(_) => None,
            Kind::OneOf(o) => agree(o.alternatives.iter().map(Value::is_false)),
            _ => Some(false),
        }
    }

    /// `value is None`.
    pub fn is_none(&self) -> Option<bool> {
        match &self.kind {
            Kind::None => Some(true),
            Kind::Unknown(_) => None,
            Kind::OneOf(o) => agree(o.alternatives.iter().map(Value::is_none)),
            _ => Some(false),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match &self.kind {
            Kind::Int(i) => Some(*i),
            Kind::Bool(b) => Some(*b as i64),
            _ => None,
        }
    }

    /// The items of a list, tuple or set.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::List(v) | Kind::Tuple(v) | Kind::Set(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_dict(&self) -> Option<&Dict> {
        match &self.kind {
            Kind::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// `self[key]` for a dict with a string key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_dict()?.get_str(key)
    }

    /// A timedelta in seconds.
    pub fn as_timedelta_seconds(&self) -> Option<f64> {
        match &self.kind {
            Kind::Timedelta(us) => Some(*us as f64 / 1_000_000.0),
            _ => None,
        }
    }

    /// Whether a list/tuple/set holds a string equal to `s` (None when it cannot be known).
    pub fn contains_str(&self, s: &str) -> Option<bool> {
        match &self.kind {
            Kind::OneOf(o) => agree(o.alternatives.iter().map(|v| v.contains_str(s))),
            _ => {
                let items = self.as_seq()?;
                let mut unknown = false;
                for item in items {
                    match &item.kind {
                        Kind::Str(x) if &**x == s => return Some(true),
                        Kind::Unknown(_) | Kind::OneOf(_) => unknown = true,
                        _ => {}
                    }
                }
                if unknown {
                    None
                } else {
                    Some(false)
                }
            }
        }
    }

    /// The Python type name.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::None => "NoneType",
            Kind::Bool(_) => "bool",
            Kind::Int(_) => "int",
            Kind::Float(_) => "float",
            Kind::Str(_) => "str",
            Kind::List(_) => "list",
            Kind::Tuple(_) => "tuple",
            Kind::Set(_) => "set",
            Kind::Dict(_) => "dict",
            Kind::Timedelta(_) => "timedelta",
            Kind::Path(_) => "Path",
            Kind::Unknown(_) | Kind::OneOf(_) | Kind::Unset => "unknown",
            Kind::Object(_) => "object",
        }
    }

    /// The key for dict and set membership; None for unknown or unhashable values.
    pub fn hash_key(&self) -> Option<Key> {
        Some(match &self.kind {
            Kind::None => Key::None,
            Kind::Bool(b) => Key::Int(*b as i64),
            Kind::Int(i) => Key::Int(*i),
            Kind::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Key::Int(*f as i64),
            Kind::Float(f) => Key::Float(f.to_bits()),
            Kind::Str(s) => Key::Str(s.clone()),
            Kind::Tuple(items) => Key::Tuple(items.iter().map(Value::hash_key).collect::<Option<Vec<_>>>()?),
            Kind::Timedelta(t) => Key::Other(format!("td:{t}")),
            Kind::Path(p) => Key::Other(format!("path:{p}")),
            _ => return None,
        })
    }

    /// Python `==`; None when it cannot be known.
    pub fn py_eq(&self, other: &Value) -> Option<bool> {
        use Kind::*;
        Some(match (&self.kind, &other.kind) {
            (Unknown(_), _) | (_, Unknown(_)) | (OneOf(_), _) | (_, OneOf(_)) => return Option::None,
            (None, None) => true,
            (Bool(_) | Int(_) | Float(_), Bool(_) | Int(_) | Float(_)) => num_eq(self, other),
            (Str(a), Str(b)) => a == b,
            (Path(a), Path(b)) => a == b,
            (Timedelta(a), Timedelta(b)) => a == b,
            (List(a), List(b)) | (Tuple(a), Tuple(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                for (x, y) in a.iter().zip(b.iter()) {
                    if !x.py_eq(y)? {
                        return Some(false);
                    }
                }
                true
            }
            (Set(a), Set(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                for x in a.iter() {
                    let mut found = false;
                    for y in b.iter() {
                        if x.py_eq(y)? {
                            found = true;
                            break;
                        }
                    }
                    if !found {
                        return Some(false);
                    }
                }
                true
            }
            (Dict(a), Dict(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                for (k, v) in a.iter() {
                    match b.get(k) {
                        Some(w) => {
                            if !v.py_eq(w)? {
                                return Some(false);
                            }
                        }
                        Option::None => return Some(false),
                    }
                }
                true
            }
            (Object(a), Object(b)) => Arc::ptr_eq(a, b),
            (Unset, Unset) => true,
            _ => false,
        })
    }

    /// Python `str(value)`; None for unknown values and objects.
    pub fn py_str(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) => Some(s.to_string()),
            Kind::Path(p) => Some(p.to_string()),
            _ => self.py_repr(),
        }
    }

    /// Python `repr(value)`; None for unknown values and objects.
    pub fn py_repr(&self) -> Option<String> {
        let mut out = String::new();
        self.write_repr(&mut out, 0, false).then_some(out)
    }

    /// Like [`Value::py_repr`], with `<unknown>` for the parts that cannot be known (for showing a
    /// partly known container).
    pub fn partial_repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out, 0, true);
        out
    }

    fn write_repr(&self, out: &mut String, depth: usize, lenient: bool) -> bool {
        if depth > 50 {
            return false;
        }
        match &self.kind {
            Kind::None => out.push_str("None"),
            Kind::Bool(true) => out.push_str("True"),
            Kind::Bool(false) => out.push_str("False"),
            Kind::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Kind::Float(f) => out.push_str(&float_repr(*f)),
            Kind::Str(s) => out.push_str(&str_repr(s)),
            Kind::Path(p) => {
                let _ = write!(out, "PosixPath({})", str_repr(p));
            }
            Kind::Timedelta(us) => out.push_str(&timedelta_repr(*us)),
            Kind::List(items) | Kind::Tuple(items) | Kind::Set(items) => {
                let (open, close) = match &self.kind {
                    Kind::List(_) => ("[", "]"),
                    Kind::Tuple(_) => ("(", ")"),
                    _ if items.is_empty() => ("set(", ")"),
                    _ => ("{", "}"),
                };
                out.push_str(open);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if !item.write_repr(out, depth + 1, lenient) {
                        return false;
                    }
                }
                if matches!(self.kind, Kind::Tuple(_)) && items.len() == 1 {
                    out.push(',');
                }
                out.push_str(close);
            }
            Kind::Dict(d) => {
                out.push('{');
                for (i, (k, v)) in d.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if !k.write_repr(out, depth + 1, lenient) {
                        return false;
                    }
                    out.push_str(": ");
                    if !v.write_repr(out, depth + 1, lenient) {
                        return false;
                    }
                }
                out.push('}');
            }
            Kind::Unknown(_) | Kind::OneOf(_) | Kind::Unset | Kind::Object(_) if lenient => out.push_str("<unknown>"),
            Kind::Unknown(_) | Kind::OneOf(_) | Kind::Unset | Kind::Object(_) => return false,
        }
        true
    }

    /// A short description for messages: the repr, shortened, or why it is unknown.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Unknown(u) => format!("unknown ({})", u.reason),
            Kind::OneOf(o) => {
                let alts: Vec<String> = o.alternatives.iter().map(Value::describe).collect();
                format!("one of {}", alts.join(", "))
            }
            Kind::Unset => "not set".to_string(),
            Kind::Object(o) => o.describe(),
            _ => {
                let r = self.py_repr().unwrap_or_else(|| self.partial_repr());
                if r.chars().count() > 80 {
                    let short: String = r.chars().take(77).collect();
                    format!("{short}...")
                } else {
                    r
                }
            }
        }
    }
}

/// Deepest container nesting a value may have (deeper values are replaced by unknown ones, so
/// comparing, printing and dropping values stays shallow).
pub const MAX_VALUE_DEPTH: usize = 100;

/// Whether containers nest more than `limit` deep inside `v`. The walk looks at no more than
/// 10,000 containers (a wide value is taken as shallow past that).
pub fn nests_deeper_than(v: &Value, limit: usize) -> bool {
    fn is_container(v: &Value) -> bool {
        matches!(v.kind, Kind::List(_) | Kind::Tuple(_) | Kind::Set(_) | Kind::Dict(_) | Kind::OneOf(_))
    }
    let mut stack: Vec<(&Value, usize)> = vec![(v, 0)];
    let mut visited = 0usize;
    while let Some((x, depth)) = stack.pop() {
        if depth > limit {
            return true;
        }
        visited += 1;
        if visited > 10_000 {
            return false;
        }
        let children: Box<dyn Iterator<Item = &Value> + '_> = match &x.kind {
            Kind::List(items) | Kind::Tuple(items) | Kind::Set(items) => Box::new(items.iter()),
            Kind::Dict(d) => Box::new(d.iter().flat_map(|(k, v)| [k, v])),
            Kind::OneOf(o) => Box::new(o.alternatives.iter()),
            _ => Box::new(std::iter::empty()),
        };
        for c in children {
            if is_container(c) {
                stack.push((c, depth + 1));
            }
        }
    }
    false
}

/// All Some and equal: that value; else None.
fn agree(mut it: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let first = it.next()??;
    for x in it {
        if x? != first {
            return None;
        }
    }
    Some(first)
}

fn num_eq(a: &Value, b: &Value) -> bool {
    match (as_num(a), as_num(b)) {
        (Some(Num::I(x)), Some(Num::I(y))) => x == y,
        (Some(x), Some(y)) => x.f() == y.f(),
        _ => false,
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Num {
    I(i64),
    F(f64),
}

impl Num {
    pub(crate) fn f(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::F(f) => f,
        }
    }
}

pub(crate) fn as_num(v: &Value) -> Option<Num> {
    match &v.kind {
        Kind::Bool(b) => Some(Num::I(*b as i64)),
        Kind::Int(i) => Some(Num::I(*i)),
        Kind::Float(f) => Some(Num::F(*f)),
        _ => None,
    }
}

/// Python's `repr` of a str: single quotes unless the text holds a single quote and no double.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr` of a float (close enough for settings: `1.0`, `0.5`, `1e+20`, `inf`).
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f.fract() == 0.0 && f.abs() < 1e16 {
        return format!("{f:.1}");
    }
    let s = format!("{f}");
    if f.abs() >= 1e16 || (f != 0.0 && f.abs() < 1e-4) {
        let e = format!("{f:e}");
        // Rust: 1e20 / 1.5e-5; Python: 1e+20 / 1.5e-05.
        if let Some((mant, exp)) = e.split_once('e') {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            return format!("{mant}e{sign}{digits:0>2}");
        }
    }
    s
}

/// Python's `str(timedelta)`: `0:15:00`, `1 day, 2:00:00`, `0:00:00.500000`.
pub fn timedelta_str(us: i128) -> String {
    let days = us.div_euclid(86_400_000_000);
    let rest = us.rem_euclid(86_400_000_000);
    let secs = rest / 1_000_000;
    let micros = rest % 1_000_000;
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::new();
    if days != 0 {
        let plural = if days.abs() != 1 { "s" } else { "" };
        let _ = write!(out, "{days} day{plural}, ");
    }
    let _ = write!(out, "{h}:{m:02}:{s:02}");
    if micros != 0 {
        let _ = write!(out, ".{micros:06}");
    }
    out
}

/// Python's `repr(timedelta)`: `datetime.timedelta(seconds=900)`.
pub fn timedelta_repr(us: i128) -> String {
    let days = us.div_euclid(86_400_000_000);
    let rest = us.rem_euclid(86_400_000_000);
    let secs = rest / 1_000_000;
    let micros = rest % 1_000_000;
    let mut parts = Vec::new();
    if days != 0 {
        parts.push(format!("days={days}"));
    }
    if secs != 0 {
        parts.push(format!("seconds={secs}"));
    }
    if micros != 0 {
        parts.push(format!("microseconds={micros}"));
    }
    if parts.is_empty() {
        return "datetime.timedelta(0)".into();
    }
    format!("datetime.timedelta({})", parts.join(", "))
}

/// Python's `str.isupper()`: at least one cased character and no lower-case one.
pub fn py_isupper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            cased = true;
        }
    }
    cased
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::str(x, None)
    }

    #[test]
    fn truthiness_and_is_true_differ() {
        assert_eq!(s("False").truthy(), Some(true));
        assert_eq!(s("False").is_true(), Some(false));
        assert_eq!(s("True").is_true(), Some(false));
        assert_eq!(Value::bool(true, None).is_true(), Some(true));
        assert_eq!(Value::int(1, None).is_true(), Some(false));
        assert_eq!(Value::int(1, None).truthy(), Some(true));
        assert_eq!(Value::unknown("x", None).truthy(), None);
        assert_eq!(Value::list(vec![], None).truthy(), Some(false));
    }

    #[test]
    fn one_of_agrees_or_is_unknown() {
        let one = |alts: Vec<Value>| {
            Value::new(
                Kind::OneOf(Arc::new(OneOf { alternatives: alts, by_code_default: None, reason: "r".into() })),
                None,
            )
        };
        assert_eq!(one(vec![Value::bool(true, None), s("x")]).truthy(), Some(true));
        assert_eq!(one(vec![Value::bool(true, None), s("x")]).is_true(), None);
        assert_eq!(one(vec![Value::bool(false, None), Value::none(None)]).truthy(), Some(false));
    }

    #[test]
    fn python_equality() {
        assert_eq!(Value::int(1, None).py_eq(&Value::bool(true, None)), Some(true));
        assert_eq!(Value::int(1, None).py_eq(&Value::new(Kind::Float(1.0), None)), Some(true));
        assert_eq!(s("1").py_eq(&Value::int(1, None)), Some(false));
        assert_eq!(s("True").py_eq(&Value::bool(true, None)), Some(false));
        assert_eq!(Value::list(vec![s("a")], None).py_eq(&Value::tuple(vec![s("a")], None)), Some(false));
        assert_eq!(s("a").py_eq(&Value::unknown("u", None)), None);
    }

    #[test]
    fn reprs() {
        assert_eq!(s("it's").py_repr().unwrap(), "\"it's\"");
        assert_eq!(Value::tuple(vec![s("a")], None).py_repr().unwrap(), "('a',)");
        assert_eq!(float_repr(1.0), "1.0");
        assert_eq!(float_repr(0.5), "0.5");
        assert_eq!(float_repr(1e20), "1e+20");
        assert_eq!(timedelta_str(15 * 60 * 1_000_000), "0:15:00");
        assert_eq!(timedelta_str(86_400_000_000 + 1), "1 day, 0:00:00.000001");
        assert_eq!(timedelta_repr(900_000_000), "datetime.timedelta(seconds=900)");
    }

    #[test]
    fn dict_keys_follow_python() {
        let mut d = Dict::new();
        d.insert(Value::int(1, None), s("a"));
        d.insert(Value::bool(true, None), s("b"));
        assert_eq!(d.len(), 1);
        assert_eq!(d.get(&Value::int(1, None)).unwrap().as_str(), Some("b"));
        d.insert(s("k"), s("v"));
        assert_eq!(d.get_str("k").unwrap().as_str(), Some("v"));
    }

    #[test]
    fn nesting_is_measured_with_bounded_work() {
        let mut v = Value::int(1, None);
        for _ in 0..10 {
            v = Value::list(vec![v], None);
        }
        assert!(nests_deeper_than(&v, 5));
        assert!(!nests_deeper_than(&v, 10));
        let wide = Value::list((0..100_000).map(|i| Value::int(i, None)).collect(), None);
        assert!(!nests_deeper_than(&wide, 1));
    }

    #[test]
    fn isupper_like_python() {
        assert!(py_isupper("DEBUG"));
        assert!(py_isupper("X_1"));
        assert!(py_isupper("_X"));
        assert!(!py_isupper("Debug"));
        assert!(!py_isupper("_1"));
    }

    #[test]
    fn steps_are_persistent_and_bounded() {
        let a = Steps::default().push(Step { kind: StepKind::Note, at: None, message: "a".into() });
        let b = a.push(Step { kind: StepKind::Note, at: None, message: "b".into() });
        assert_eq!(a.len(), 1);
        assert_eq!(b.to_vec().iter().map(|s| s.message.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        let mut long = Steps::default();
        for i in 0..100 {
            long = long.push(Step { kind: StepKind::Note, at: None, message: i.to_string() });
        }
        assert_eq!(long.len(), MAX_STEPS as usize);
        assert_eq!(long.to_vec().last().unwrap().message, "99");
    }
}
