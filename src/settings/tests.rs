//! Evaluator unit tests: small settings modules in memory.

use std::path::{Path, PathBuf};

use super::*;

fn opts() -> Options {
    Options { roots: vec![PathBuf::from("proj")], ..Options::default() }
}

/// Evaluates `proj/<module as path>.py` in a tree of `files` (paths below `proj/`).
fn eval_tree(files: &[(&str, &str)], module: &str, env: &Environment) -> Evaluated {
    let mut r = MemReader::new();
    for (p, t) in files {
        r.insert(&format!("proj/{p}"), t);
    }
    evaluate(module, env, &r, &opts())
}

fn run(src: &str) -> Evaluated {
    eval_tree(&[("settings.py", src)], "settings", &Environment::new())
}

fn run_env(src: &str, env: &Environment) -> Evaluated {
    eval_tree(&[("settings.py", src)], "settings", env)
}

fn env(pairs: &[(&str, &str)]) -> Environment {
    let mut e = Environment::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        let origin = EnvOrigin {
            path: PathBuf::from(".envs/.production/.django"),
            range: i * 10..i * 10 + v.len(),
            line: i + 1,
        };
        e.set(*k, *v, Some(origin));
    }
    e
}

fn repr(ev: &Evaluated, name: &str) -> String {
    let v = ev.get(name).unwrap_or_else(|| panic!("{name} not set; errors: {:?}", ev.errors));
    v.py_repr().unwrap_or_else(|| format!("<{}>", v.describe()))
}

/// The text a value's origin points at.
fn origin_text(ev: &Evaluated, v: &Value) -> String {
    let loc = v.origin.expect("value has an origin");
    let src = ev.source(loc.file);
    src.text
        .as_ref()
        .map(|t| t[loc.range()].to_string())
        .unwrap_or_else(|| format!("{}@{:?}", src.path.display(), loc.range()))
}

#[test]
fn results_can_be_shared_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Evaluated>();
    send_sync::<Value>();
    send_sync::<ModuleChoice>();
}

#[test]
fn literals_and_operators() {
    let ev = run(r#"
A = 1 + 2 * 3
B = 7 // 2, -7 // 2, 7 % 3, -7 % 3, 2 ** 10
C = "a" "b" + 'c' * 2
D = f"{A}-{C!r}-{3.5:.1f}-{'x':>3}"
E = [1, *[2, 3], (4,)]
F = {"k": 1, **{"j": 2}, "k": 3}
G = {1, 2, 2}
H = not A, A and 0, 0 or "x", None or [], A if A > 5 else 0
I = 1 < 2 <= 2 != 3
J = "ab" in "cab", 3 not in [1, 2], None is None, A is not None
K = 0x1F + 0o7 + 0b1 + 1_000
L = 1.5e3 + .5
M = "%s/%d" % ("x", 4), "{}:{name}".format(1, name="n")
N = "\x41\n\t\u00e9" + r"\d"
"#);
    assert_eq!(repr(&ev, "A"), "7");
    assert_eq!(repr(&ev, "B"), "(3, -4, 1, 2, 1024)");
    assert_eq!(repr(&ev, "C"), "'abcc'");
    assert_eq!(repr(&ev, "D"), "\"7-'abcc'-3.5-  x\"");
    assert_eq!(repr(&ev, "E"), "[1, 2, 3, (4,)]");
    assert_eq!(repr(&ev, "F"), "{'k': 3, 'j': 2}");
    assert_eq!(repr(&ev, "G"), "{1, 2}");
    assert_eq!(repr(&ev, "H"), "(False, 0, 'x', [], 7)");
    assert_eq!(repr(&ev, "I"), "True");
    assert_eq!(repr(&ev, "J"), "(True, True, True, True)");
    assert_eq!(repr(&ev, "K"), "1039");
    assert_eq!(repr(&ev, "L"), "1500.5");
    assert_eq!(repr(&ev, "M"), "('x/4', '1:n')");
    assert_eq!(ev.get("N").unwrap().as_str(), Some("A\n\té\\d"));
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
}

#[test]
fn assignments_of_every_shape() {
    let ev = run(r#"
A = B = [1]
C, (D, E) = 1, (2, 3)
F, *G, H = range_ = [1, 2, 3, 4]
I: int = 5
J: str
[K, L] = "xy"
"#);
    assert_eq!(repr(&ev, "A"), "[1]");
    assert_eq!(repr(&ev, "B"), "[1]");
    assert_eq!(repr(&ev, "C"), "1");
    assert_eq!(repr(&ev, "D"), "2");
    assert_eq!(repr(&ev, "E"), "3");
    assert_eq!(repr(&ev, "F"), "1");
    assert_eq!(repr(&ev, "G"), "[2, 3]");
    assert_eq!(repr(&ev, "H"), "4");
    assert_eq!(repr(&ev, "I"), "5");
    assert!(!ev.is_assigned("J"));
    assert_eq!(repr(&ev, "K"), "'x'");
    assert_eq!(repr(&ev, "L"), "'y'");
}

#[test]
fn mutations() {
    let ev = run(r#"
MIDDLEWARE = ["a", "b"]
MIDDLEWARE += ["c"]
MIDDLEWARE += ("d",)
MIDDLEWARE.append("e")
MIDDLEWARE.insert(0, "z")
MIDDLEWARE.extend(["f"])
MIDDLEWARE.remove("b")
APPS = ("x",)
APPS += ("y",)
DATABASES = {"default": {"ENGINE": "sqlite", "OPTIONS": {}}}
DATABASES["default"]["PASSWORD"] = "pw"
DATABASES["default"]["OPTIONS"]["sslmode"] = "require"
DATABASES["default"].update({"HOST": "db"})
del DATABASES["default"]["ENGINE"]
GONE = 1
del GONE
N = 1
N += 2
N *= 3
S = {"a"}
S.add("b")
S.discard("a")
"#);
    assert_eq!(repr(&ev, "MIDDLEWARE"), "['z', 'a', 'c', 'd', 'e', 'f']");
    assert_eq!(repr(&ev, "APPS"), "('x', 'y')");
    assert_eq!(
        repr(&ev, "DATABASES"),
        "{'default': {'OPTIONS': {'sslmode': 'require'}, 'PASSWORD': 'pw', 'HOST': 'db'}}"
    );
    assert!(!ev.is_assigned("GONE"));
    assert_eq!(repr(&ev, "N"), "9");
    assert_eq!(repr(&ev, "S"), "{'b'}");
    // The last change of MIDDLEWARE is the `.remove()` line.
    let loc = ev.last_assignment("MIDDLEWARE").unwrap();
    assert!(ev.source(loc.file).text.as_ref().unwrap()[loc.range()].starts_with("MIDDLEWARE.remove"));
    // A removal of something absent is reported, not fatal.
    let ev = run("L = ['a']\nL.remove('zz')\nX = 1\n");
    assert_eq!(repr(&ev, "X"), "1");
}

#[test]
fn star_import_inherits_with_provenance() {
    let ev = eval_tree(
        &[
            ("config/__init__.py", ""),
            ("config/settings/__init__.py", ""),
            ("config/settings/base.py", "DEBUG = True\nSECRET_KEY = 'base-key'\n_PRIVATE = 1\nMIDDLEWARE = ['a']\n"),
            (
                "config/settings/production.py",
                "from .base import *  # noqa\nfrom .base import DEBUG as BASE_DEBUG\nDEBUG = False\nMIDDLEWARE += ['b']\n",
            ),
        ],
        "config.settings.production",
        &Environment::new(),
    );
    assert_eq!(repr(&ev, "DEBUG"), "False");
    assert_eq!(repr(&ev, "BASE_DEBUG"), "True");
    assert!(!ev.is_assigned("_PRIVATE"));
    let key = ev.get("SECRET_KEY").unwrap();
    assert_eq!(origin_text(&ev, &key), "'base-key'");
    assert!(ev.path_of(key.origin.unwrap()).ends_with("base.py"));
    let steps = key.steps.to_vec();
    let inherited = steps.iter().find(|s| s.kind == StepKind::Imported).unwrap();
    assert_eq!(inherited.message, "inherited by config.settings.production via `from .base import *`");
    assert!(ev.path_of(inherited.at.unwrap()).ends_with("production.py"));
    assert_eq!(repr(&ev, "MIDDLEWARE"), "['a', 'b']");
    assert_eq!(ev.modules_read.len(), 2);
    assert!(ev.first_statement.is_some());
}

#[test]
fn all_limits_star_imports_and_submodules_import() {
    let ev = eval_tree(
        &[
            ("pkg/__init__.py", "__all__ = ['A']\nA = 1\nB = 2\n"),
            ("pkg/sub.py", "C = 3\n"),
            ("settings.py", "from pkg import *\nfrom pkg import sub\nimport pkg.sub\nD = sub.C + pkg.sub.C\nimport pkg.sub as s2\nE = s2.C\n"),
        ],
        "settings",
        &Environment::new(),
    );
    assert_eq!(repr(&ev, "A"), "1");
    assert!(!ev.is_assigned("B"));
    assert_eq!(repr(&ev, "D"), "6");
    assert_eq!(repr(&ev, "E"), "3");
}

#[test]
fn import_errors_cycles_and_try() {
    let ev = eval_tree(
        &[
            ("a.py", "from b import *\nA = 1\n"),
            ("b.py", "from a import *\nB = 2\n"),
            (
                "settings.py",
                "from a import *\ntry:\n    from .local import *\nexcept ImportError:\n    LOCAL = False\nelse:\n    LOCAL = True\nfrom missing_mod import thing\nimport sentry_sdk\nX = sentry_sdk.init(dsn='x')\n",
            ),
        ],
        "settings",
        &Environment::new(),
    );
    assert!(
        ev.errors.iter().any(|e| e.kind == ErrorKind::ImportCycle && e.message.contains("a → b → a")),
        "{:?}",
        ev.errors
    );
    assert_eq!(repr(&ev, "A"), "1");
    assert_eq!(repr(&ev, "B"), "2");
    assert_eq!(repr(&ev, "LOCAL"), "False");
    assert!(ev.notes.iter().any(|n| n.message.contains("except")));
    // A third-party module is not an error; calling into it is unknown.
    assert!(!ev.errors.iter().any(|e| e.kind == ErrorKind::ModuleNotFound && e.message.contains("missing_mod")));
    assert_eq!(ev.get("X").unwrap().unknown_reason(), Some("calls `sentry_sdk.init()`"));
    // A missing project module outside `try` is reported and evaluation goes on.
    let ev = eval_tree(
        &[("proj_pkg/__init__.py", ""), ("settings.py", "from .nope import *\nfrom proj_pkg.nope import X\nY = 1\n")],
        "settings",
        &Environment::new(),
    );
    assert_eq!(ev.errors.iter().filter(|e| e.kind == ErrorKind::ModuleNotFound).count(), 2, "{:?}", ev.errors);
    assert_eq!(repr(&ev, "Y"), "1");
}

#[test]
fn os_environ_reads() {
    let src = r#"
import os
from os import environ, getenv
A = os.environ.get("A", "default-a")
B = os.getenv("B")
C = getenv("C", default="c")
D = environ["D"]
E = os.environ.get("E") or "fallback"
F = os.environ.setdefault("F", "f-default")
G = os.environ["F"]
H = "H" in os.environ
I = bool(os.getenv("DEBUG", False))
J = os.environ.get("J", "dev") == "dev"
"#;
    let ev = run(src);
    assert_eq!(repr(&ev, "A"), "'default-a'");
    assert_eq!(repr(&ev, "B"), "None");
    assert_eq!(repr(&ev, "C"), "'c'");
    assert!(ev.get("D").unwrap().unknown_reason().unwrap().contains("reads D, which no production source sets"));
    assert_eq!(repr(&ev, "E"), "'fallback'");
    assert_eq!(repr(&ev, "F"), "'f-default'");
    assert_eq!(repr(&ev, "G"), "'f-default'");
    assert_eq!(repr(&ev, "H"), "False");
    assert_eq!(repr(&ev, "I"), "False");
    assert_eq!(repr(&ev, "J"), "True");
    let a = ev.get("A").unwrap();
    assert_eq!(a.env_default.as_deref(), Some("A"));
    assert_eq!(origin_text(&ev, &a), "\"default-a\"");
    let kinds: Vec<StepKind> = a.steps.to_vec().into_iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [StepKind::EnvRead { var: "A".into() }, StepKind::EnvUnset { var: "A".into() }]);

    let e = env(&[("A", "from-env"), ("D", "d"), ("E", ""), ("H", "1"), ("DEBUG", "False")]);
    let ev = run_env(src, &e);
    assert_eq!(repr(&ev, "A"), "'from-env'");
    let a = ev.get("A").unwrap();
    assert!(a.env_default.is_none());
    assert!(ev.path_of(a.origin.unwrap()).ends_with(".django"));
    let set = a.steps.to_vec().into_iter().find(|s| matches!(s.kind, StepKind::EnvSet { .. })).unwrap();
    assert_eq!(set.message, "set to `from-env` in .envs/.production/.django:1");
    assert_eq!(repr(&ev, "D"), "'d'");
    assert_eq!(repr(&ev, "E"), "'fallback'");
    assert_eq!(repr(&ev, "H"), "True");
    // bool("False") is True: the trap of `bool(os.getenv(...))`.
    assert_eq!(repr(&ev, "I"), "True");
}

#[test]
fn secret_values_are_masked_in_steps() {
    let e = env(&[("DJANGO_SECRET_KEY", "supersecretvalue123")]);
    let ev = run_env("import os\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n", &e);
    let v = ev.get("SECRET_KEY").unwrap();
    for s in v.steps.to_vec() {
        assert!(!s.message.contains("supersecretvalue123"), "{}", s.message);
    }
}

#[test]
fn django_environ_semantics() {
    let src = r#"
import environ
env = environ.Env(
    DJANGO_DEBUG=(bool, False),
    HOSTS=(list, ["a.example"]),
    PLAIN=bool,
)
DEBUG = env.bool("DJANGO_DEBUG", default=True)
DEBUG2 = env("DJANGO_DEBUG")
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env("HOSTS")
HSTS = env.int("HSTS", default=60)
SMART = env("SMART", default=3)
STRDEF = env.bool("STRDEF", default="False")
PLAIN = env("PLAIN", default=None)
LISTED = env.list("LISTED", default=[])
TUPLED = env.tuple("TUPLED", default=())
DICTED = env.dict("DICTED", default={})
FLOATED = env.float("FLOATED", default=1.0)
DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///app")}
CACHES = {"default": env.cache_url("REDIS_URL", default="redis://redis:6379/0")}
PROXY = env("PROXY", default="p")
LOOP = env("LOOP", default="$LOOP")
"#;
    let ev = run(src);
    let debug = ev.get("DEBUG").unwrap();
    assert_eq!(debug.is_true(), Some(true));
    assert_eq!(origin_text(&ev, &debug), "True");
    assert_eq!(debug.env_default.as_deref(), Some("DJANGO_DEBUG"));
    assert_eq!(repr(&ev, "DEBUG2"), "False");
    let sk = ev.get("SECRET_KEY").unwrap();
    assert!(sk.unknown_reason().unwrap().contains("DJANGO_SECRET_KEY"), "{:?}", sk.unknown_reason());
    assert!(sk.unknown_reason().unwrap().contains("ImproperlyConfigured"));
    assert_eq!(repr(&ev, "ALLOWED_HOSTS"), "['a.example']");
    assert_eq!(repr(&ev, "HSTS"), "60");
    assert_eq!(repr(&ev, "SMART"), "3");
    // Unset: the default is returned as is, not cast: the string "False" (truthy).
    assert_eq!(repr(&ev, "STRDEF"), "'False'");
    assert_eq!(ev.get("STRDEF").unwrap().truthy(), Some(true));
    assert_eq!(repr(&ev, "PLAIN"), "None");
    assert_eq!(repr(&ev, "LISTED"), "[]");
    assert_eq!(repr(&ev, "TUPLED"), "()");
    assert_eq!(repr(&ev, "DICTED"), "{}");
    assert_eq!(repr(&ev, "FLOATED"), "1.0");
    assert_eq!(
        repr(&ev, "DATABASES"),
        "{'default': {'NAME': 'app', 'USER': '', 'PASSWORD': '', 'HOST': '', 'PORT': '', 'ENGINE': 'django.db.backends.postgresql'}}"
    );
    assert_eq!(
        repr(&ev, "CACHES"),
        "{'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': 'redis://redis:6379/0'}}"
    );
    assert_eq!(repr(&ev, "PROXY"), "'p'");
    assert!(ev.get("LOOP").unwrap().unknown_reason().unwrap().contains("RecursionError"));

    let e = env(&[
        ("DJANGO_DEBUG", "on"),
        ("DJANGO_SECRET_KEY", "k"),
        ("HOSTS", "a.com,b.com,"),
        ("HSTS", " 31_536_000 "),
        ("SMART", "7"),
        ("STRDEF", "False"),
        ("PLAIN", "0"),
        ("LISTED", "x, y"),
        ("TUPLED", "(a,b)"),
        ("DICTED", "a=1,b=2"),
        ("FLOATED", "1.000,5"),
        ("DATABASE_URL", "postgres://u:p%40ss@db:5432/app?sslmode=require&conn_max_age=60"),
        ("REDIS_URL", "rediscache://cache:6379/1?timeout=300"),
        ("PROXY", "$SMART"),
    ]);
    let ev = run_env(src, &e);
    assert_eq!(repr(&ev, "DEBUG"), "True");
    assert!(ev.path_of(ev.get("DEBUG").unwrap().origin.unwrap()).ends_with(".django"));
    assert_eq!(repr(&ev, "SECRET_KEY"), "'k'");
    assert_eq!(repr(&ev, "ALLOWED_HOSTS"), "['a.com', 'b.com']");
    assert_eq!(repr(&ev, "HSTS"), "31536000");
    assert_eq!(repr(&ev, "SMART"), "7");
    // Set and equal to the default: django-environ skips the cast.
    assert_eq!(repr(&ev, "STRDEF"), "'False'");
    assert_eq!(repr(&ev, "PLAIN"), "False");
    assert_eq!(repr(&ev, "LISTED"), "['x', ' y']");
    assert_eq!(repr(&ev, "TUPLED"), "('a', 'b')");
    assert_eq!(repr(&ev, "DICTED"), "{'a': '1', 'b': '2'}");
    assert_eq!(repr(&ev, "FLOATED"), "1000.5");
    assert_eq!(
        repr(&ev, "DATABASES"),
        "{'default': {'NAME': 'app', 'USER': 'u', 'PASSWORD': 'p@ss', 'HOST': 'db', 'PORT': 5432, 'CONN_MAX_AGE': 60, 'OPTIONS': {'sslmode': 'require'}, 'ENGINE': 'django.db.backends.postgresql'}}"
    );
    assert_eq!(
        repr(&ev, "CACHES"),
        "{'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': 'redis://cache:6379/1', 'timeout': 300, 'OPTIONS': {}}}"
    );
    assert_eq!(repr(&ev, "PROXY"), "'7'");
}

#[test]
fn django_environ_read_env_uses_the_reader() {
    let src = "import environ\nenv = environ.Env()\nenviron.Env.read_env(env_file='proj/.env')\nDEBUG = env.bool('DEBUG', default=False)\nOTHER = env('OTHER', default='o')\n";
    let mut r = MemReader::new().with("proj/settings.py", src).with("proj/.env", "DEBUG=yes\nOTHER=from-file\n");
    // By default the reader does not hand out env files: their values are not known.
    let ev = evaluate("settings", &Environment::new(), &r, &opts());
    assert_eq!(repr(&ev, "DEBUG"), "False");
    assert!(ev.notes.iter().any(|n| n.message.contains("read_env")));
    r.dotenv = true;
    let e = env(&[("OTHER", "from-env")]);
    let ev = evaluate("settings", &e, &r, &opts());
    assert_eq!(repr(&ev, "DEBUG"), "True");
    // The process environment wins over the file (setdefault semantics).
    assert_eq!(repr(&ev, "OTHER"), "'from-env'");
    assert_eq!(origin_text(&ev, &ev.get("DEBUG").unwrap()), "yes");
}

#[test]
fn python_decouple_semantics() {
    let src = r#"
from decouple import config, Csv, Choices
DEBUG = config("DEBUG", default=False, cast=bool)
DEBUG_STR = config("DEBUG_STR", default="True", cast=bool)
SECRET_KEY = config("SECRET_KEY")
ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="a.com, b.com", cast=Csv())
PORT = config("PORT", default="5432", cast=int)
MODE = config("MODE", default="x", cast=Choices(["x", "y"]))
NONE_BOOL = config("NONE_BOOL", default=None, cast=bool)
"#;
    let ev = run(src);
    assert_eq!(repr(&ev, "DEBUG"), "False");
    // decouple casts the default too.
    assert_eq!(repr(&ev, "DEBUG_STR"), "True");
    assert!(ev.get("SECRET_KEY").unwrap().unknown_reason().unwrap().contains("UndefinedValueError"));
    assert_eq!(repr(&ev, "ALLOWED_HOSTS"), "['a.com', 'b.com']");
    assert_eq!(repr(&ev, "PORT"), "5432");
    assert_eq!(repr(&ev, "MODE"), "'x'");
    assert!(ev.get("NONE_BOOL").unwrap().unknown_reason().unwrap().contains("ValueError"));

    let e = env(&[("DEBUG", "on"), ("SECRET_KEY", "s"), ("ALLOWED_HOSTS", "'x,y', z"), ("PORT", "x"), ("MODE", "q")]);
    let ev = run_env(src, &e);
    assert_eq!(repr(&ev, "DEBUG"), "True");
    assert_eq!(repr(&ev, "ALLOWED_HOSTS"), "['x,y', 'z']");
    assert!(ev.get("PORT").unwrap().unknown_reason().unwrap().contains("int('x')"));
    assert!(ev.get("MODE").unwrap().is_unknown());
    let e = env(&[("DEBUG", "maybe")]);
    let ev = run_env(src, &e);
    assert!(ev.get("DEBUG").unwrap().unknown_reason().unwrap().contains("`maybe` as a boolean"));
}

#[test]
fn decouple_repository_env_file() {
    let src = "from decouple import config\nDEBUG = config('DEBUG', default=False, cast=bool)\n";
    let mut r = MemReader::new().with("proj/site/settings.py", src).with("proj/.env", "# comment\nDEBUG = 'True'\n");
    r.dotenv = true;
    let ev = evaluate("site.settings", &Environment::new(), &r, &opts());
    assert_eq!(repr(&ev, "DEBUG"), "True");
    assert_eq!(origin_text(&ev, &ev.get("DEBUG").unwrap()), "'True'");
}

#[test]
fn django_configurations_classes() {
    let src = r#"
from configurations import Configuration, values
class Common(Configuration):
    DEBUG = values.BooleanValue(True)
    SECRET_KEY = values.SecretValue()
    ALLOWED_HOSTS = values.ListValue(["a"])
    HSTS = values.IntegerValue(0, environ_name="HSTS_SECONDS")
    DATABASES = values.DatabaseURLValue("sqlite:///db.sqlite3")

class Dev(Common):
    pass

class Prod(Common):
    DEBUG = False
"#;
    let ev = run(src);
    assert_eq!(ev.configuration.as_deref(), Some("Prod"));
    assert_eq!(repr(&ev, "DEBUG"), "False");
    assert!(ev.get("SECRET_KEY").unwrap().unknown_reason().unwrap().contains("DJANGO_SECRET_KEY"));
    assert_eq!(repr(&ev, "ALLOWED_HOSTS"), "['a']");
    assert_eq!(repr(&ev, "HSTS"), "0");
    assert_eq!(
        ev.get("DATABASES").unwrap().get("default").unwrap().get("ENGINE").unwrap().as_str(),
        Some("django.db.backends.sqlite3")
    );

    let e = env(&[
        ("DJANGO_CONFIGURATION", "Dev"),
        ("DJANGO_DEBUG", "yes"),
        ("DJANGO_HSTS_SECONDS", "60"),
        ("DJANGO_ALLOWED_HOSTS", "x.com, y.com"),
    ]);
    let ev = run_env(src, &e);
    assert_eq!(ev.configuration.as_deref(), Some("Dev"));
    assert_eq!(repr(&ev, "DEBUG"), "True");
    assert_eq!(repr(&ev, "HSTS"), "60");
    assert_eq!(repr(&ev, "ALLOWED_HOSTS"), "['x.com', 'y.com']");
}

#[test]
fn if_statements() {
    let src = r#"
import os
DEBUG = False
if DEBUG:
    A = 1
elif 1 + 1 == 2:
    A = 2
else:
    A = 3
ENV = os.environ.get("DJANGO_ENV", "development")
if ENV == "production":
    MODE = "prod"
else:
    MODE = "dev"
if os.environ.get("USE_X", "no") == "yes":
    X = True
else:
    X = False
if get_flag():
    MAYBE = True
else:
    MAYBE = "no"
if "test" in sys.argv:
    TESTING = True
"#;
    let ev = run(src);
    assert_eq!(repr(&ev, "A"), "2");
    // Nothing sets DJANGO_ENV: the production branch is assumed, and said.
    assert_eq!(repr(&ev, "MODE"), "'prod'");
    let mode = ev.get("MODE").unwrap();
    assert!(mode.steps.to_vec().iter().any(|s| s.kind == StepKind::AssumedProduction));
    assert!(ev.notes.iter().any(|n| n.message.starts_with("assumed production")));
    // No branch names production: the code default decides, and says so.
    assert_eq!(repr(&ev, "X"), "False");
    // An undecidable condition gives the possible values.
    let maybe = ev.get("MAYBE").unwrap();
    let alts: Vec<String> = maybe.alternatives().iter().map(|v| v.describe()).collect();
    assert_eq!(alts, ["True", "'no'"]);
    assert_eq!(maybe.truthy(), Some(true));
    assert_eq!(maybe.is_true(), None);
    // `"test" in sys.argv` is a development branch: not taken.
    assert!(!ev.is_assigned("TESTING"));

    let e = env(&[("DJANGO_ENV", "development"), ("USE_X", "yes")]);
    let ev = run_env(src, &e);
    assert_eq!(repr(&ev, "MODE"), "'dev'");
    assert_eq!(repr(&ev, "X"), "True");
}

#[test]
fn undecided_if_leaves_unset_to_django_default() {
    let ev = run("if unknown_call():\n    SESSION_COOKIE_SECURE = True\n");
    let v = ev.get("SESSION_COOKIE_SECURE").unwrap();
    let alts: Vec<String> = v.alternatives().iter().map(|v| v.describe()).collect();
    assert_eq!(alts, ["True", "False"]);
    assert_eq!(v.is_true(), None);
}

#[test]
fn raising_branch_is_not_an_alternative() {
    let ev = run("import os\nSECRET_KEY = os.environ.get('SK')\nif not SECRET_KEY:\n    raise ImproperlyConfigured('set SK')\nX = 1\n");
    // Nothing sets SK: the default (None) selects the raising branch; that is reported.
    assert!(ev.errors.iter().any(|e| e.kind == ErrorKind::Raises));
    assert_eq!(repr(&ev, "X"), "1");
    let ev = run("SECRET_KEY = get_secret()\nif not SECRET_KEY:\n    raise ValueError('x')\nX = 1\n");
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
}

#[test]
fn split_settings_include() {
    let files = [
        (
            "site/settings/__init__.py",
            "import os\nfrom split_settings.tools import include, optional\nENV = os.environ.get('DJANGO_ENV') or 'development'\ninclude('components/*.py', 'environments/{0}.py'.format(ENV), optional('local_settings.py'))\n",
        ),
        ("site/settings/components/base.py", "DEBUG = False\nINSTALLED_APPS = ['a']\n"),
        ("site/settings/components/extra.py", "INSTALLED_APPS += ['b']\nHERE = __file__\n"),
        ("site/settings/environments/development.py", "DEBUG = True\n"),
        ("site/settings/environments/production.py", "DEBUG = False\nSECURE = True\n"),
    ];
    let ev = eval_tree(&files, "site.settings", &Environment::new());
    assert_eq!(repr(&ev, "INSTALLED_APPS"), "['a', 'b']");
    // `__file__` in an included file is the including module's.
    assert_eq!(repr(&ev, "HERE"), "'proj/site/settings/__init__.py'");
    assert_eq!(repr(&ev, "DEBUG"), "False");
    assert_eq!(repr(&ev, "SECURE"), "True");
    let secure = ev.get("SECURE").unwrap();
    assert!(secure.steps.to_vec().iter().any(|s| s.kind == StepKind::AssumedProduction));
    assert!(secure.steps.to_vec().iter().any(|s| s.kind == StepKind::Included));
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
    // The environment says development: that file is included.
    let e = env(&[("DJANGO_ENV", "development")]);
    let ev = eval_tree(&files, "site.settings", &e);
    assert_eq!(repr(&ev, "DEBUG"), "True");
    // A missing required file is an error; evaluation goes on.
    let ev = eval_tree(
        &[("s/__init__.py", "from split_settings.tools import include\ninclude('nope.py')\nX = 1\n")],
        "s",
        &Environment::new(),
    );
    assert!(ev.errors.iter().any(|e| e.kind == ErrorKind::IncludeNotFound));
    assert_eq!(repr(&ev, "X"), "1");
}

#[test]
fn package_init_switching_on_env() {
    let files = [
        (
            "app/settings/__init__.py",
            "import os\nenv = os.environ.get('DJANGO_ENV', 'dev')\nif env == 'prod':\n    from .prod import *\nelif env == 'staging':\n    from .staging import *\nelse:\n    from .dev import *\n",
        ),
        ("app/settings/base.py", "DEBUG = False\n"),
        ("app/settings/dev.py", "from .base import *\nDEBUG = True\n"),
        ("app/settings/prod.py", "from .base import *\nSECURE_SSL_REDIRECT = True\n"),
        ("app/settings/staging.py", "from .base import *\n"),
    ];
    let ev = eval_tree(&files, "app.settings", &Environment::new());
    // Nothing sets DJANGO_ENV: of the branches for production-like environments, the one for
    // `prod` ranks before `staging`, and is assumed.
    assert_eq!(repr(&ev, "DEBUG"), "False");
    assert_eq!(repr(&ev, "SECURE_SSL_REDIRECT"), "True");
    assert!(ev.notes.iter().any(|n| n.message.contains("took that branch")), "{:?}", ev.notes);
    let e = env(&[("DJANGO_ENV", "dev")]);
    let ev = eval_tree(&files, "app.settings", &e);
    assert_eq!(repr(&ev, "DEBUG"), "True");
    let e = env(&[("DJANGO_ENV", "prod")]);
    let ev = eval_tree(&files, "app.settings", &e);
    assert_eq!(repr(&ev, "DEBUG"), "False");
    assert_eq!(repr(&ev, "SECURE_SSL_REDIRECT"), "True");
}

#[test]
fn timedelta_and_paths() {
    let src = r#"
from datetime import timedelta
import datetime
from pathlib import Path
import os
A = timedelta(minutes=15)
B = datetime.timedelta(1, 30) * 2 + timedelta(hours=1) - timedelta(seconds=30)
C = timedelta(minutes=5) / 2
D = timedelta(hours=1) // timedelta(minutes=1)
E = timedelta(days=1).total_seconds()
F = timedelta(minutes=15) == timedelta(seconds=900)
BASE_DIR = Path(__file__).resolve().parent.parent
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_STR = str(BASE_DIR / "static" / "css")
OLD_BASE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEDIA = os.path.join(OLD_BASE, "media")
"#;
    let ev = eval_tree(&[("conf/settings.py", src)], "conf.settings", &Environment::new());
    assert_eq!(ev.get("A").unwrap().as_timedelta_seconds(), Some(900.0));
    assert_eq!(repr(&ev, "B"), "datetime.timedelta(days=2, seconds=3630)");
    assert_eq!(repr(&ev, "C"), "datetime.timedelta(seconds=150)");
    assert_eq!(repr(&ev, "D"), "60");
    assert_eq!(repr(&ev, "E"), "86400.0");
    assert_eq!(repr(&ev, "F"), "True");
    assert_eq!(repr(&ev, "BASE_DIR"), "PosixPath('proj')");
    assert_eq!(repr(&ev, "STATIC_ROOT"), "PosixPath('proj/staticfiles')");
    assert_eq!(repr(&ev, "STATIC_STR"), "'proj/static/css'");
    assert_eq!(repr(&ev, "OLD_BASE"), "'proj'");
    assert_eq!(repr(&ev, "MEDIA"), "'proj/media'");
}

#[test]
fn comprehensions_lambdas_functions_loops() {
    let src = r#"
import os
_ = lambda s: s
LANGUAGES = [("en", _("English"))]
HOSTS = [h.strip() for h in os.environ.get("HOSTS", "a.com, b.com").split(",") if h]
SQUARES = {k: k * k for k in (1, 2)}
def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.lower() in ("1", "true", "yes")
DEBUG = env_bool("DJANGO_DEBUG", True)
FLAG = env_bool("FLAG")
APPS = []
for app in ["a", "b", "c"]:
    if app == "b":
        continue
    APPS.append(app)
def secret():
    return open("/run/secrets/key").read()
SECRET_KEY = secret()
COUNT = 0
while COUNT < 3:
    COUNT += 1
HOSTS2 = list(filter(None, os.environ.get("HOSTS2", "a,,b").split(",")))
UPPER = list(map(str.upper, ["a"])) if False else list(map(lambda s: s.upper(), ["a", "b"]))
NUMS = [i * 2 for i in range(3)] + list(reversed([1, 2])) + [sum([1, 2, 3]), abs(-4), round(2.5)]
PAIRS = dict(zip(["a", "b"], [1, 2]))
INDEXED = list(enumerate(["x"], start=1))
"#;
    let ev = run(src);
    assert_eq!(repr(&ev, "LANGUAGES"), "[('en', 'English')]");
    assert_eq!(repr(&ev, "HOSTS"), "['a.com', 'b.com']");
    assert_eq!(repr(&ev, "SQUARES"), "{1: 1, 2: 4}");
    assert_eq!(repr(&ev, "DEBUG"), "True");
    assert_eq!(repr(&ev, "FLAG"), "False");
    assert_eq!(repr(&ev, "APPS"), "['a', 'c']");
    assert_eq!(ev.get("SECRET_KEY").unwrap().unknown_reason(), Some("calls `secret()`: calls `open()`"));
    assert!(ev.get("COUNT").unwrap().unknown_reason().unwrap().contains("while"));
    assert_eq!(repr(&ev, "HOSTS2"), "['a', 'b']");
    assert_eq!(repr(&ev, "UPPER"), "['A', 'B']");
    assert_eq!(repr(&ev, "NUMS"), "[0, 2, 4, 2, 1, 6, 4, 2]");
    assert_eq!(repr(&ev, "PAIRS"), "{'a': 1, 'b': 2}");
    assert_eq!(repr(&ev, "INDEXED"), "[(1, 'x')]");
    let e = env(&[("DJANGO_DEBUG", "no")]);
    assert_eq!(repr(&run_env(src, &e), "DEBUG"), "False");
}

#[test]
fn is_true_versus_truthiness() {
    let ev = run("DEBUG = 'False'\nSESSION_COOKIE_SECURE = 'True'\nCSRF_COOKIE_SECURE = 1\n");
    assert_eq!(ev.get("DEBUG").unwrap().truthy(), Some(true));
    assert_eq!(ev.get("SESSION_COOKIE_SECURE").unwrap().is_true(), Some(false));
    assert_eq!(ev.get("CSRF_COOKIE_SECURE").unwrap().is_true(), Some(false));
    assert_eq!(ev.get("CSRF_COOKIE_SECURE").unwrap().truthy(), Some(true));
}

#[test]
fn django_defaults() {
    let ev = run("DEBUG = True\n");
    let v = ev.get("SESSION_COOKIE_SECURE").unwrap();
    assert_eq!(v.is_true(), Some(false));
    assert!(v.origin.is_none());
    assert_eq!(v.steps.to_vec()[0].kind, StepKind::DjangoDefault);
    assert_eq!(v.steps.to_vec()[0].message, "never set; Django 5.2's default is False");
    assert_eq!(repr(&ev, "SECURE_REFERRER_POLICY"), "'same-origin'");
    assert_eq!(repr(&ev, "PASSWORD_HASHERS").matches("Hasher").count(), 5);
    assert_eq!(repr(&ev, "LOGGING"), "{}");
    assert!(ev.get("SECURE_CSP").is_none());
    assert!(ev.get("SIMPLE_JWT").is_none());
    let mut r = MemReader::new();
    r.insert("proj/settings.py", "X = 1\n");
    let ev = evaluate("settings", &Environment::new(), &r, &Options { django: DjangoVersion::V6_0, ..opts() });
    assert_eq!(repr(&ev, "SECURE_CSP"), "{}");
}

#[test]
fn syntax_errors_are_collected_and_the_rest_evaluated() {
    let ev = run("DEBUG = False\nX = (1,\nSECRET_KEY = 'abc'\ndef broken(:\n    pass\nALLOWED_HOSTS = ['a']\n");
    assert!(ev.errors.iter().any(|e| e.kind == ErrorKind::Syntax), "{:?}", ev.errors);
    assert!(ev.syntax_errors().count() >= 1);
    assert_eq!(repr(&ev, "DEBUG"), "False");
    assert_eq!(repr(&ev, "ALLOWED_HOSTS"), "['a']");
}

#[test]
fn module_not_found() {
    let ev = evaluate("nope.settings", &Environment::new(), &MemReader::new(), &opts());
    assert!(ev.path.is_none());
    assert_eq!(ev.errors[0].kind, ErrorKind::ModuleNotFound);
    assert!(ev.errors[0].message.contains("not found under proj"));
}

#[test]
fn deep_nesting_is_bounded_on_a_small_stack() {
    let depth = 50_000;
    let shapes = [
        format!("X = {}1{}\n", "(".repeat(depth), ")".repeat(depth)),
        format!("X = {}1{}\n", "[".repeat(depth), "]".repeat(depth)),
        format!("X = {}1{}\n", "{'a': ".repeat(depth), "}".repeat(depth)),
        format!("X = {}1{}\n", "str(".repeat(depth), ")".repeat(depth)),
        format!("X = {}1{}\n", "f(x=".repeat(depth), ")".repeat(depth)),
        format!("X = {}1\n", "not ".repeat(depth)),
        format!("X = {}1\n", "-".repeat(depth)),
        format!("X = 1{}\n", " + 1".repeat(depth)),
        format!("X = a{}\n", "[0]".repeat(depth)),
        format!("X = a{}\n", ".b".repeat(depth)),
        format!("X = {}\n", "f'{".repeat(200) + "1" + &"}'".repeat(200)),
        format!("X = {}1{}\n", "lambda: (".repeat(2000), ")".repeat(2000)),
        (0..500).map(|i| format!("{}if True:\n", "    ".repeat(i))).collect::<String>()
            + &"    ".repeat(500)
            + "X = 1\n",
        (0..300).map(|i| format!("{}try:\n", "    ".repeat(i))).collect::<String>()
            + &"    ".repeat(300)
            + "X = 1\n"
            + &(0..300)
                .rev()
                .map(|i| format!("{}except ImportError:\n{}    pass\n", "    ".repeat(i), "    ".repeat(i)))
                .collect::<String>(),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            for src in shapes {
                let src_head: String = src.chars().take(30).collect();
                let ev = run(&(src + "Y = 2\n"));
                assert_eq!(ev.get("Y").unwrap().as_int(), Some(2));
                assert!(ev.get("X").is_some(), "{}: {:?}", &src_head, ev.errors.first());
            }
            // The innermost parts are past the limit, and say why.
            let ev = run(&format!("X = {}1{}\n", "(".repeat(depth), ")".repeat(depth)));
            assert!(ev.get("X").unwrap().unknown_reason().unwrap().contains("nested too deeply"));
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

#[test]
fn values_built_in_loops_stay_shallow() {
    let ev = run("X = []\nfor i in [0] * 5000:\n    X = [X]\nY = []\nfor i in [0] * 5000:\n    Y.append(Y)\nZ = {}\nfor i in [0] * 5000:\n    Z['k'] = Z\n");
    for name in ["X", "Y", "Z"] {
        let v = ev.get(name).unwrap();
        assert!(!super::value::nests_deeper_than(&v, super::value::MAX_VALUE_DEPTH + 1), "{name}");
    }
}

#[test]
fn big_literals_are_linear() {
    let n = 100_000;
    let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let src = format!(
        "BIG = [{}]\nBIG.append(1)\nBIG += [2]\nD = {{{}}}\n",
        items.join(", "),
        items.iter().map(|i| format!("{i}: {i}")).collect::<Vec<_>>().join(", ")
    );
    let start = std::time::Instant::now();
    let ev = run(&src);
    let elapsed = start.elapsed();
    assert_eq!(ev.get("BIG").unwrap().as_seq().unwrap().len(), n + 2);
    assert_eq!(ev.get("D").unwrap().as_dict().unwrap().len(), n);
    assert!(elapsed.as_secs_f64() < 10.0, "took {elapsed:?}");
}

#[test]
fn mem_reader_paths_and_fs_reader() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("proj");
    std::fs::create_dir_all(root.join("cfg")).unwrap();
    std::fs::write(root.join("cfg/settings.py"), "from .parts import *\nDEBUG = False\n").unwrap();
    std::fs::write(root.join("cfg/parts.py"), "A = 1\n").unwrap();
    let opts = Options { roots: vec![root.clone()], ..Options::default() };
    let ev = evaluate("cfg.settings", &Environment::new(), &FsReader::default(), &opts);
    assert_eq!(repr(&ev, "A"), "1");
    assert_eq!(ev.path.as_deref(), Some(Path::new(&root.join("cfg/settings.py"))));
}

#[test]
fn jinja_template_lines_are_tolerated() {
    let src = r#"import environ
env = environ.Env()
DEBUG = env.bool("DJANGO_DEBUG", False)
{%- if cookiecutter.use_celery == 'y' %}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://redis:6379/0")
{%- endif %}
SECRET_KEY = env("DJANGO_SECRET_KEY", default="{{ cookiecutter.secret }}")
INSTALLED_APPS = [
    "django.contrib.auth",
{%- if cookiecutter.use_drf == "y" %}
    "rest_framework",
{%- endif %}
]
SESSION_COOKIE_SECURE = True
"#;
    let ev = run(src);
    assert!(ev.errors.iter().any(|e| e.kind == ErrorKind::Syntax));
    assert_eq!(repr(&ev, "DEBUG"), "False");
    assert_eq!(repr(&ev, "CELERY_BROKER_URL"), "'redis://redis:6379/0'");
    assert_eq!(repr(&ev, "SECRET_KEY"), "'{{ cookiecutter.secret }}'");
    assert_eq!(repr(&ev, "SESSION_COOKIE_SECURE"), "True");
    // Locations in re-parsed parts point into the file.
    let v = ev.get("SESSION_COOKIE_SECURE").unwrap();
    assert_eq!(ev.text_at(v.origin.unwrap()), Some("True"));
}

#[test]
fn namespace_updates_assign_each_key() {
    // django-environ's documented spread: `vars().update(env.email_url(...))`.
    let ev = run_env(
        r#"
import environ
env = environ.Env()
EMAIL_HOST = "localhost"
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))
globals().update({"SERVER_EMAIL": "ops@example.com"})
def f():
    vars().update({"INSIDE": 1})
"#,
        &env(&[("EMAIL_URL", "smtp+tls://user@mail.example.com:587")]),
    );
    assert_eq!(ev.get("EMAIL_HOST").and_then(|v| v.as_str().map(str::to_string)).as_deref(), Some("mail.example.com"));
    assert_eq!(ev.get("EMAIL_USE_TLS").and_then(|v| v.as_bool()), Some(true));
    assert_eq!(ev.get("SERVER_EMAIL").and_then(|v| v.as_str().map(str::to_string)).as_deref(), Some("ops@example.com"));
    assert!(ev.values.get("INSIDE").is_none());
    // An unknown mapping is noted, and the rest of the module still evaluates.
    let ev = run("vars().update(load_secrets())\nDEBUG = False\n");
    assert_eq!(ev.get("DEBUG").and_then(|v| v.as_bool()), Some(false));
    assert!(ev.notes.iter().any(|n| n.message.contains("vars().update")), "{:?}", ev.notes);
}
