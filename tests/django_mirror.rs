//! Differential test of the Django mirror rules against Django itself: Django 5.2.x and 6.0.x,
//! installed from PyPI into venvs under `target/`, run their security deploy checks
//! (`run_checks(include_deployment_checks=True, tags=["security"])`) on generated settings
//! modules, and Preflight must report exactly the same Django check IDs (RULES.md, "mirror"
//! column; "Django mirror rules": DJ010's own `hsts-min-seconds` is set to 0 here).
//!
//! Every case is a small project `cNNN/` in a temp dir: a production settings module (a single
//! `settings.py`, or `settings/production.py` doing `from .base import *`), and sometimes a
//! production env file `.envs/.production/.django`. Preflight evaluates the module statically
//! under that env file; Django imports it with the same variables in `os.environ`. The modules
//! are built from a fixed seed by a small PRNG (splitmix64): literals, aliases, `"True"` strings,
//! None, env reads with defaults (`os.environ.get`, `os.getenv`, `setdefault`, `environ[...]`
//! for variables the env file sets), conditional expressions and `if` blocks on env reads,
//! `+=`/`.append`/`.insert`/`.remove` on `MIDDLEWARE`, overrides in production of base values.
//!
//! One Python process per Django version runs every module (`settings._wrapped` is swapped for a
//! `django.conf.Settings` of each). IDs of rules that are not registered (DJ001's W018, DJ003's
//! W009/W025 and DJ005's W020 belong to other rules) are left out of the comparison until those
//! rules exist: `preflight::registry::find` decides at run time.
//!
//! Django 6.0 requires Python 3.12: the 6.0 venv is built with the first Python >= 3.12 found
//! (`PYTHON`, `python3`, `python3.1x` on PATH, pyenv versions). Where there is none, Django 6.0 is
//! installed into a venv of the default `python3` with `--ignore-requires-python` (its security
//! checks are plain Python that older interpreters run), and the test says so.
//!
//! Known Django-version differences: none for these checks. 5.2 and 6.0 share the code of every
//! check compared here (6.0 adds `security.E026` for non-dict `SECURE_CSP`, which no mirror
//! rule covers and which the generator never triggers); the test fails if the two versions ever
//! disagree on a case, so a new difference gets documented here and in the rule's doc.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use preflight::config::SelectLayer;

/// The PRNG seed: change it to explore other modules (every seed must pass).
const SEED: u64 = 0x5eed_d1a6_0c0f_fee5;
/// How many settings modules are generated.
const CASES: usize = 400;
/// (venv under `target/`, pip requirement, `django.VERSION[:2]`).
const DJANGO_5_2: (&str, &str, &str) = ("django52-venv", "Django>=5.2,<5.3", "(5, 2)");
const DJANGO_6_0: (&str, &str, &str) = ("django60-venv", "Django>=6.0,<6.1", "(6, 0)");
/// The Python Django 6.0 needs.
const DJANGO_6_MIN_PYTHON: (u32, u32) = (3, 12);

/// Preflight code → the Django check IDs it mirrors (RULES.md, "mirror" column).
const MIRRORS: &[(&str, &[&str])] = &[
    ("DJ001", &["W018"]),
    ("DJ003", &["W009", "W025"]),
    ("DJ005", &["W020"]),
    ("DJ006", &["W003"]),
    ("DJ007", &["W001"]),
    ("DJ008", &["W002", "W019"]),
    ("DJ009", &["W008"]),
    ("DJ010", &["W004", "W005", "W021"]),
    ("DJ011", &["W010", "W011", "W012"]),
    ("DJ012", &["W016"]),
    ("DJ013", &["W013", "W014", "W015"]),
    ("DJ015", &["W006", "W022", "E023", "E024"]),
];

// ---------------------------------------------------------------------------------------------
// The generator.

/// splitmix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T: ?Sized>(&mut self, xs: &[&'a T]) -> &'a T {
        xs[self.below(xs.len())]
    }
}

const SECURITY_MW: &str = "django.middleware.security.SecurityMiddleware";
const SESSION_MW: &str = "django.contrib.sessions.middleware.SessionMiddleware";
const CSRF_MW: &str = "django.middleware.csrf.CsrfViewMiddleware";
const XFRAME_MW: &str = "django.middleware.clickjacking.XFrameOptionsMiddleware";
const MIDDLEWARE: &[&str] = &[
    SECURITY_MW,
    SESSION_MW,
    "django.middleware.common.CommonMiddleware",
    CSRF_MW,
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    XFRAME_MW,
    "myproject.middleware.TimingMiddleware",
];
const APPS: &[&str] = &[
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
];

/// What a setting holds, for the value generator.
#[derive(Clone, Copy, PartialEq)]
enum Ty {
    Bool,
    HstsSeconds,
    FrameOptions,
    ReferrerPolicy,
    OpenerPolicy,
    SecretKey,
    Fallbacks,
    Hosts,
}

const SETTINGS: &[(&str, Ty)] = &[
    ("DEBUG", Ty::Bool),
    ("SECRET_KEY", Ty::SecretKey),
    ("SECRET_KEY_FALLBACKS", Ty::Fallbacks),
    ("ALLOWED_HOSTS", Ty::Hosts),
    ("SECURE_SSL_REDIRECT", Ty::Bool),
    ("SECURE_HSTS_SECONDS", Ty::HstsSeconds),
    ("SECURE_HSTS_INCLUDE_SUBDOMAINS", Ty::Bool),
    ("SECURE_HSTS_PRELOAD", Ty::Bool),
    ("SECURE_CONTENT_TYPE_NOSNIFF", Ty::Bool),
    ("SECURE_REFERRER_POLICY", Ty::ReferrerPolicy),
    ("SECURE_CROSS_ORIGIN_OPENER_POLICY", Ty::OpenerPolicy),
    ("X_FRAME_OPTIONS", Ty::FrameOptions),
    ("SESSION_COOKIE_SECURE", Ty::Bool),
    ("SESSION_COOKIE_HTTPONLY", Ty::Bool),
    ("CSRF_COOKIE_SECURE", Ty::Bool),
    ("CSRF_USE_SESSIONS", Ty::Bool),
];

const STRONG_KEY: &str = "k3J8x9!pQ2@vL7%wZ5^mN8&bR4*tY6(hF1)gD0-sA3+eC9=uI2_oP7";

/// A file being written, line by line.
#[derive(Default)]
struct Module {
    lines: Vec<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Which {
    Base,
    Prod,
}

struct Gen<'r> {
    rng: &'r mut Rng,
    split: bool,
    base: Module,
    prod: Module,
    /// Variables the production env file sets, in order.
    env: Vec<(String, String)>,
    vars: usize,
    aliases: usize,
    /// Settings assigned in base (production may change them in place).
    in_base: BTreeSet<&'static str>,
}

impl Gen<'_> {
    fn module(&mut self, which: Which) -> &mut Module {
        match which {
            Which::Base if self.split => &mut self.base,
            _ => &mut self.prod,
        }
    }

    fn line(&mut self, which: Which, line: String) {
        self.module(which).lines.push(line);
    }

    /// An env read that yields a str: the variable is set by the production env file (to one
    /// of `values`) or left to the code default `default`.
    fn env_str(&mut self, default: &str, values: &[&str]) -> String {
        self.vars += 1;
        let var = format!("PFM_V{}", self.vars);
        let set = self.rng.chance(40);
        if set {
            let v = self.rng.pick(values).to_string();
            self.env.push((var.clone(), v));
            // Reads without a default only where the variable is set (else Preflight rightly
            // cannot know the value: another source may set it).
            match self.rng.below(8) {
                0 => return format!("os.environ[\"{var}\"]"),
                1 => return format!("os.getenv(\"{var}\")"),
                2 => return format!("environ.get(\"{var}\")"),
                _ => {}
            }
        }
        match self.rng.below(7) {
            0 => format!("os.environ.get(\"{var}\", \"{default}\")"),
            1 => format!("os.getenv(\"{var}\", \"{default}\")"),
            2 => format!("environ.get(\"{var}\", \"{default}\")"),
            3 => format!("getenv(\"{var}\", \"{default}\")"),
            4 => format!("os.environ.setdefault(\"{var}\", \"{default}\")"),
            5 => format!("os.getenv(\"{var}\", default=\"{default}\")"),
            _ => format!("os.environ.get(\"{var}\", \"{default}\")"),
        }
    }

    /// A boolean-ish value computed from an env read.
    fn env_bool(&mut self) -> String {
        const FLAGS: &[&str] = &["True", "False", "true", "false", "1", "0", "yes", "no", ""];
        let default = self.rng.pick(FLAGS);
        let read = self.env_str(default, FLAGS);
        match self.rng.below(11) {
            0 => format!("{read} == \"True\""),
            1 => format!("{read} == \"1\""),
            2 => format!("{read}.lower() in (\"1\", \"true\", \"yes\")"),
            3 => format!("bool({read})"),
            4 => read,
            5 => format!("{read} != \"0\""),
            6 => format!("not {read}"),
            7 => format!("{read} in (\"True\", \"1\")"),
            8 => format!("{read}.strip().lower() == \"true\""),
            9 => format!("{read} or False"),
            _ => format!("{read}.lower() == \"true\" and True"),
        }
    }

    fn bool_value(&mut self, which: Which) -> String {
        match self.rng.below(100) {
            0..=34 => self.rng.pick(&["True", "False"]).to_string(),
            35..=49 => {
                self.rng.pick(&["None", "1", "0", "\"True\"", "\"False\"", "\"\"", "\"1\"", "[]", "1.0"]).to_string()
            }
            50..=79 => self.env_bool(),
            80..=89 => {
                // An alias: `_flag_3 = ...` / `FLAG_3 = ...`, then the setting names it.
                self.aliases += 1;
                let name = if self.rng.chance(50) {
                    format!("_flag_{}", self.aliases)
                } else {
                    format!("FLAG_{}", self.aliases)
                };
                let inner = if self.rng.chance(50) {
                    self.rng.pick(&["True", "False", "\"True\"", "None"]).to_string()
                } else {
                    self.env_bool()
                };
                self.line(which, format!("{name} = {inner}"));
                if self.rng.chance(25) {
                    format!("not {name}")
                } else {
                    name
                }
            }
            _ => {
                let cond = self.env_bool();
                let alt = self.rng.pick(&["False", "None", "\"False\"", "0"]);
                let yes = self.rng.pick(&["True", "True", "\"True\"", "1"]);
                format!("{yes} if {cond} else {alt}")
            }
        }
    }

    fn value(&mut self, ty: Ty, which: Which) -> String {
        let r = &mut *self.rng;
        match ty {
            Ty::Bool => self.bool_value(which),
            Ty::HstsSeconds => match r.below(10) {
                0..=4 => r.pick(&["0", "3600", "31536000", "60 * 60 * 24 * 365", "None", "False", "2592000"]).into(),
                5 => r.pick(&["True", "\"0\"", "\"3600\"", "0.0", "\"\"", "3600.5"]).into(),
                6..=8 => {
                    const SECS: &[&str] = &["0", "3600", "31536000", "60"];
                    let default = self.rng.pick(SECS);
                    let read = self.env_str(default, SECS);
                    match self.rng.below(4) {
                        0 | 1 => format!("int({read})"),
                        2 => read,
                        _ => format!("int({read}) * 24"),
                    }
                }
                _ => {
                    let cond = self.env_bool();
                    format!("31536000 if {cond} else 0")
                }
            },
            Ty::FrameOptions => match r.below(10) {
                0..=6 => r.pick(&["\"DENY\"", "\"SAMEORIGIN\"", "\"deny\"", "\"\"", "None", "\"ALLOWALL\""]).into(),
                _ => {
                    const XFO: &[&str] = &["DENY", "SAMEORIGIN", "deny"];
                    let default = self.rng.pick(XFO);
                    let read = self.env_str(default, XFO);
                    if self.rng.chance(40) {
                        format!("{read}.upper()")
                    } else {
                        read
                    }
                }
            },
            Ty::ReferrerPolicy => match r.below(10) {
                0..=6 => r
                    .pick(&[
                        "None",
                        "\"same-origin\"",
                        "\"origin, strict-origin\"",
                        "\"no-referer\"",
                        "\"\"",
                        "[\"same-origin\", \"origin\"]",
                        "(\"no-referrer\",)",
                        "[]",
                        "[\"same-origin \"]",
                        "\"same-origin ,origin\"",
                        "{\"origin\"}",
                        "\"strict-origin-when-cross-origin\"",
                        "(\"unsafe-url\", \"bogus\")",
                        "\"Origin\"",
                        "[\"origin\", 1]",
                    ])
                    .into(),
                _ => {
                    const RP: &[&str] = &["same-origin", "no-referer", "origin,unsafe-url", "origin, unsafe-url", ""];
                    let default = self.rng.pick(RP);
                    let read = self.env_str(default, RP);
                    if self.rng.chance(40) {
                        format!("{read}.split(\",\")")
                    } else {
                        read
                    }
                }
            },
            Ty::OpenerPolicy => match r.below(10) {
                0..=6 => r
                    .pick(&[
                        "None",
                        "\"same-origin\"",
                        "\"same-origin-allow-popups\"",
                        "\"unsafe-none\"",
                        "\"same-site\"",
                        "\"\"",
                        "\"Same-Origin\"",
                        "\"same-origin \"",
                        "1",
                        "(\"same-origin\",)",
                    ])
                    .into(),
                _ => {
                    const COOP: &[&str] = &["same-origin", "unsafe-none", "same-site", ""];
                    let default = self.rng.pick(COOP);
                    self.env_str(default, COOP)
                }
            },
            Ty::SecretKey => {
                let weak: &[&str] = &[
                    "\"short-key\"",
                    "\"django-insecure-k3J8x9!pQ2@vL7%wZ5^mN8&bR4*tY6(hF1)gD0-sA3+eC9=uI2_oP7\"",
                    "\"ab\" * 40",
                ];
                match r.below(10) {
                    0..=5 => format!("\"{STRONG_KEY}\""),
                    6 => r.pick(weak).into(),
                    _ => {
                        let default = if self.rng.chance(70) { STRONG_KEY } else { "too-short" };
                        self.env_str(default, &[STRONG_KEY, "env-short"])
                    }
                }
            }
            Ty::Fallbacks => r
                .pick(&[
                    "[]",
                    "[\"old-and-short\"]",
                    &format!("[\"{STRONG_KEY}\"]"),
                    &format!("(\"{STRONG_KEY}\", \"x\")"),
                ])
                .to_string(),
            Ty::Hosts => match r.below(10) {
                0..=6 => r.pick(&["[\"example.com\"]", "(\"example.com\", \".example.com\")", "[]", "()"]).into(),
                _ => {
                    const HOSTS: &[&str] = &["example.com", "a.example.com,b.example.com", ""];
                    let default = self.rng.pick(HOSTS);
                    let read = self.env_str(default, HOSTS);
                    format!("{read}.split(\",\")")
                }
            },
        }
    }

    /// Assigns a setting somewhere: base, production, both (production overrides), or an `if`
    /// block in production; or not at all.
    fn setting(&mut self, name: &'static str, ty: Ty) {
        let unset = match ty {
            Ty::SecretKey => 0,
            Ty::Hosts => 5,
            Ty::Fallbacks => 70,
            _ => 25,
        };
        if self.rng.chance(unset) {
            return;
        }
        let in_base = self.split && self.rng.chance(50);
        if in_base {
            let v = self.value(ty, Which::Base);
            self.line(Which::Base, format!("{name} = {v}"));
            self.in_base.insert(name);
            if !self.rng.chance(40) {
                return;
            }
        }
        match self.rng.below(10) {
            0 | 1 if ty != Ty::SecretKey || in_base => {
                let cond = self.env_bool();
                let a = self.value(ty, Which::Prod);
                // Without `else`, a base value (or Django's default) stays.
                let b = if !in_base || self.rng.chance(50) { Some(self.value(ty, Which::Prod)) } else { None };
                self.line(Which::Prod, format!("if {cond}:\n    {name} = {a}"));
                if let Some(b) = b {
                    self.line(Which::Prod, format!("else:\n    {name} = {b}"));
                }
            }
            2 if ty == Ty::Bool => {
                let v = self.value(ty, Which::Prod);
                self.line(Which::Prod, format!("{name}: bool = {v}"));
            }
            _ => {
                let v = self.value(ty, Which::Prod);
                self.line(Which::Prod, format!("{name} = {v}"));
            }
        }
    }

    /// A list (or tuple) of `items` as Python source; a name may be spelled by concatenation.
    fn seq(&mut self, items: &[&str], tuple: bool) -> String {
        let parts: Vec<String> = items
            .iter()
            .map(|m| match m.rsplit_once('.') {
                Some((pkg, class)) if self.rng.chance(8) => format!("\"{pkg}.\" + \"{class}\""),
                _ => format!("\"{m}\""),
            })
            .collect();
        if tuple {
            format!("({}{})", parts.join(", "), if parts.len() == 1 { "," } else { "" })
        } else {
            format!("[{}]", parts.join(", "))
        }
    }

    fn subset(&mut self, all: &[&'static str], percent: u64) -> Vec<&'static str> {
        all.iter().copied().filter(|_| self.rng.chance(percent)).collect()
    }

    fn middleware(&mut self) {
        if self.rng.chance(4) {
            return; // Django's default: []
        }
        let all = self.subset(MIDDLEWARE, 72);
        let tuple = self.rng.chance(25);
        if !self.split || self.rng.chance(30) {
            // Production alone, or production replacing the base list.
            if self.split && self.rng.chance(50) {
                let base = self.subset(MIDDLEWARE, 60);
                let s = self.seq(&base, false);
                self.line(Which::Base, format!("MIDDLEWARE = {s}"));
            }
            let s = self.seq(&all, tuple);
            self.line(Which::Prod, format!("MIDDLEWARE = {s}"));
            return;
        }
        // Base holds a part; production adds the rest (or removes one).
        let cut = self.rng.below(all.len() + 1);
        let (head, tail) = all.split_at(cut);
        let s = self.seq(head, tuple);
        self.line(Which::Base, format!("MIDDLEWARE = {s}"));
        if tail.is_empty() {
            if let Some(&gone) = head.get(self.rng.below(head.len().max(1))) {
                if !tuple && self.rng.chance(50) {
                    self.line(Which::Prod, format!("MIDDLEWARE.remove(\"{gone}\")"));
                } else if self.rng.chance(50) {
                    self.line(Which::Prod, format!("MIDDLEWARE = [m for m in MIDDLEWARE if m != \"{gone}\"]"));
                }
            }
            return;
        }
        match self.rng.below(if tuple { 2 } else { 5 }) {
            0 => {
                let t = self.seq(tail, tuple);
                self.line(Which::Prod, format!("MIDDLEWARE += {t}"));
            }
            1 => {
                let t = self.seq(tail, tuple);
                let cond = self.env_bool();
                let full = self.seq(tail, tuple);
                self.line(Which::Prod, format!("MIDDLEWARE = MIDDLEWARE + {t}"));
                // The same again under a condition changes nothing when it holds (no duplicates
                // matter to `in`), but exercises `if` around a mutation.
                self.line(Which::Prod, format!("if {cond}:\n    MIDDLEWARE = MIDDLEWARE + {full}"));
            }
            2 => {
                for m in tail {
                    self.line(Which::Prod, format!("MIDDLEWARE.append(\"{m}\")"));
                }
            }
            3 => {
                for m in tail {
                    self.line(Which::Prod, format!("MIDDLEWARE.insert(0, \"{m}\")"));
                }
            }
            _ => {
                let t = self.seq(tail, false);
                self.line(Which::Prod, format!("MIDDLEWARE.extend({t})"));
            }
        }
    }

    /// Statements that set several settings at once, or one from another.
    fn finale(&mut self) {
        const BOOLS: &[&str] = &[
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SECURE_CONTENT_TYPE_NOSNIFF",
            "SESSION_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "CSRF_COOKIE_SECURE",
        ];
        // A setting named after another that base assigned (inherited through the star import).
        let inherited: Vec<&'static str> = BOOLS.iter().copied().filter(|b| self.in_base.contains(b)).collect();
        if !inherited.is_empty() && self.rng.chance(30) {
            let from = self.rng.pick(&inherited);
            let to = self.rng.pick(BOOLS);
            let not = if self.rng.chance(30) { "not " } else { "" };
            self.line(Which::Prod, format!("{to} = {not}{from}"));
        }
        match self.rng.below(10) {
            0 => {
                // Chained assignment.
                let (a, b) = (self.rng.pick(BOOLS), self.rng.pick(BOOLS));
                let v = self.bool_value(Which::Prod);
                self.line(Which::Prod, format!("{a} = {b} = {v}"));
            }
            1 if self.split => {
                // Tuple unpacking (in base: production may override).
                let (a, b) = (self.rng.pick(BOOLS), self.rng.pick(BOOLS));
                if a != b {
                    let (x, y) = (self.bool_value(Which::Base), self.bool_value(Which::Base));
                    self.line(Which::Base, format!("{a}, {b} = {x}, {y}"));
                }
            }
            2 => {
                // A dict of flags.
                let (a, b) = (self.rng.pick(BOOLS), self.rng.pick(BOOLS));
                let x = self.bool_value(Which::Prod);
                let y = self.rng.pick(&["True", "False", "\"True\""]);
                self.line(Which::Prod, format!("_security = {{\"a\": {x}, \"b\": {y}}}"));
                self.line(Which::Prod, format!("{a} = _security[\"a\"]\n{b} = _security.get(\"c\", {y})"));
            }
            3 => {
                // An int read from the environment, as a bool.
                let a = self.rng.pick(BOOLS);
                const INTS: &[&str] = &["0", "1", "2"];
                let default = self.rng.pick(INTS);
                let read = self.env_str(default, INTS);
                self.line(Which::Prod, format!("{a} = bool(int({read}))"));
            }
            _ => {}
        }
    }

    fn installed_apps(&mut self) {
        if self.rng.chance(5) {
            return; // Django's default: []
        }
        let mut apps = self.subset(APPS, 70);
        if apps.contains(&"django.contrib.sessions") && self.rng.chance(15) {
            // Django's check looks for the exact string "django.contrib.sessions".
            for a in &mut apps {
                if *a == "django.contrib.sessions" {
                    *a = "django.contrib.sessions.apps.SessionsConfig";
                }
            }
        }
        let tuple = self.rng.chance(25);
        if self.split && self.rng.chance(50) {
            let cut = self.rng.below(apps.len() + 1);
            let (head, tail) = apps.split_at(cut);
            let s = self.seq(head, tuple);
            self.line(Which::Base, format!("INSTALLED_APPS = {s}"));
            if tail.len() == 1 && !tuple && self.rng.chance(50) {
                self.line(Which::Prod, format!("INSTALLED_APPS.append(\"{}\")", tail[0]));
            } else if !tail.is_empty() {
                let t = self.seq(tail, tuple);
                self.line(Which::Prod, format!("INSTALLED_APPS += {t}"));
            }
        } else {
            let s = self.seq(&apps, tuple);
            self.line(Which::Prod, format!("INSTALLED_APPS = {s}"));
        }
    }
}

/// One generated project.
struct Case {
    name: String,
    module: String,
    /// `(path relative to the case folder, text)`.
    files: Vec<(String, String)>,
    env: Vec<(String, String)>,
}

const HEADER: &str = "import os\nfrom os import environ, getenv\n";

fn generate(rng: &mut Rng, index: usize) -> Case {
    let name = format!("c{index:03}");
    let split = rng.chance(65);
    let mut g = Gen {
        rng,
        split,
        base: Module::default(),
        prod: Module::default(),
        env: Vec::new(),
        vars: 0,
        aliases: 0,
        in_base: BTreeSet::new(),
    };
    // Settings in a shuffled order, MIDDLEWARE and INSTALLED_APPS among them.
    let mut order: Vec<Option<(&'static str, Ty)>> = SETTINGS.iter().copied().map(Some).collect();
    order.push(None);
    order.push(None);
    for i in (1..order.len()).rev() {
        let j = g.rng.below(i + 1);
        order.swap(i, j);
    }
    let mut lists_done = 0;
    for item in order {
        match item {
            Some((setting, ty)) => g.setting(setting, ty),
            None if lists_done == 0 => {
                lists_done += 1;
                g.middleware();
            }
            None => g.installed_apps(),
        }
    }
    g.finale();
    let mut files = Vec::new();
    let module;
    if split {
        module = format!("{name}.settings.production");
        files.push((format!("{name}/__init__.py"), String::new()));
        files.push((format!("{name}/settings/__init__.py"), String::new()));
        files.push((format!("{name}/settings/base.py"), format!("{HEADER}\n{}\n", g.base.lines.join("\n"))));
        files.push((
            format!("{name}/settings/production.py"),
            format!("{HEADER}\nfrom .base import *  # noqa: F401,F403\n\n{}\n", g.prod.lines.join("\n")),
        ));
    } else {
        module = format!("{name}.settings");
        files.push((format!("{name}/__init__.py"), String::new()));
        files.push((format!("{name}/settings.py"), format!("{HEADER}\n{}\n", g.prod.lines.join("\n"))));
    }
    let env = std::mem::take(&mut g.env);
    if !env.is_empty() {
        let mut text = String::new();
        for (k, v) in &env {
            let line = match g.rng.below(6) {
                0 => format!("{k}=\"{v}\""),
                1 => format!("{k}='{v}'"),
                2 => format!("export {k}={v}"),
                _ => format!("{k}={v}"),
            };
            text.push_str(&line);
            text.push('\n');
        }
        files.push((".envs/.production/.django".into(), text));
    }
    Case { name, module, files, env }
}

// ---------------------------------------------------------------------------------------------
// Django.

const HARNESS: &str = r#"
import importlib, json, os, sys, warnings
warnings.simplefilter("ignore")
import django
from django.conf import Settings, settings
settings.configure(SECRET_KEY="x" * 64, INSTALLED_APPS=[], MIDDLEWARE=[])
django.setup()
from django.core import checks

manifest = json.load(open(sys.argv[1], encoding="utf-8"))
results = {}
for case in manifest:
    for key in [k for k in os.environ if k.startswith("PFM_")]:
        del os.environ[key]
    os.environ.update(dict(case["env"]))
    sys.path.insert(0, case["root"])
    try:
        settings._wrapped = Settings(case["module"])
        found = checks.run_checks(include_deployment_checks=True, tags=["security"])
        results[case["name"]] = {"ids": sorted({m.id for m in found})}
    except Exception as e:
        results[case["name"]] = {"error": f"{type(e).__name__}: {e}"}
    finally:
        sys.path.remove(case["root"])
json.dump({"version": django.get_version(), "results": results}, sys.stdout)
"#;

/// Whether `python` is at least `min`.
fn python_is_at_least(python: &Path, min: (u32, u32)) -> bool {
    let code = format!("import sys; sys.exit(0 if sys.version_info[:2] >= {min:?} else 1)");
    Command::new(python).args(["-c", &code]).output().is_ok_and(|o| o.status.success())
}

/// A Python interpreter at least `min`, if this machine has one.
fn find_python(min: (u32, u32)) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(p) = std::env::var("PYTHON") {
        candidates.push(p.into());
    }
    candidates.push("python3".into());
    for minor in (min.1..=20).rev() {
        candidates.push(format!("python{}.{minor}", min.0).into());
    }
    let pyenv_root = std::env::var("PYENV_ROOT")
        .map(PathBuf::from)
        .ok()
        .or_else(|| std::env::var("HOME").ok().map(|h| Path::new(&h).join(".pyenv")));
    if let Some(versions) = pyenv_root.map(|r| r.join("versions")) {
        let mut found: Vec<PathBuf> = std::fs::read_dir(versions)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin").join("python3"))
            .collect();
        found.sort();
        found.reverse();
        candidates.extend(found);
    }
    candidates.into_iter().find(|p| python_is_at_least(p, min))
}

/// The venv's Python for one Django version (installed on first use).
fn django_python(version: (&str, &str, &str)) -> PathBuf {
    let (venv, requirement, major_minor) = version;
    let check = format!("import django; assert django.VERSION[:2] == {major_minor}");
    if version != DJANGO_6_0 {
        return support::python_venv(venv, &[requirement], &check);
    }
    match find_python(DJANGO_6_MIN_PYTHON) {
        Some(python) => {
            // `python_venv` builds the venv with `$PYTHON`: point it at this interpreter for
            // this call only (the only test of this binary, so no other thread reads it).
            let saved = std::env::var_os("PYTHON");
            std::env::set_var("PYTHON", &python);
            let out = support::python_venv(venv, &[requirement], &check);
            match saved {
                Some(v) => std::env::set_var("PYTHON", v),
                None => std::env::remove_var("PYTHON"),
            }
            out
        }
        None => {
            eprintln!(
                "note: no Python >= {}.{} found; Django 6.0 is installed with --ignore-requires-python",
                DJANGO_6_MIN_PYTHON.0, DJANGO_6_MIN_PYTHON.1
            );
            support::python_venv(venv, &["--ignore-requires-python", requirement], &check)
        }
    }
}

/// Django's security check IDs per case (`security.W008` → `W008`), or the error it raised.
fn run_django(python: &Path, manifest: &Path) -> (String, BTreeMap<String, Result<BTreeSet<String>, String>>) {
    let out = Command::new(python).arg("-c").arg(HARNESS).arg(manifest).output().expect("python runs");
    assert!(out.status.success(), "the Django harness failed: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the harness prints JSON");
    let version = json["version"].as_str().unwrap_or_default().to_string();
    let mut results = BTreeMap::new();
    for (name, r) in json["results"].as_object().expect("results") {
        let r = match r.get("ids") {
            Some(ids) => Ok(ids
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|id| id.as_str()?.strip_prefix("security.").map(str::to_string))
                .collect()),
            None => Err(r["error"].as_str().unwrap_or_default().to_string()),
        };
        results.insert(name.clone(), r);
    }
    (version, results)
}

// ---------------------------------------------------------------------------------------------
// Preflight.

/// The Django IDs one diagnostic stands for: those its message names (`(Django security.W012)`)
/// among its rule's; a rule with one ID needs not name it. Err for a message that names none of
/// a multi-ID rule's, or several.
fn ids_of(code: &str, message: &str, allowed: &[&str]) -> Result<String, String> {
    let named: BTreeSet<&str> =
        allowed.iter().copied().filter(|id| message.contains(&format!("security.{id}"))).collect();
    match (named.len(), allowed.len()) {
        (1, _) => Ok(named.into_iter().next().unwrap().to_string()),
        (0, 1) => Ok(allowed[0].to_string()),
        // DJ003 speaks of SECRET_KEY (W009) or of an entry of SECRET_KEY_FALLBACKS (W025).
        (0, _) if code == "DJ003" => Ok(if message.contains("SECRET_KEY_FALLBACKS") { "W025" } else { "W009" }.into()),
        _ => Err(format!("{code} names {} of its Django checks {allowed:?}: {message}", named.len())),
    }
}

fn run_preflight(root: &Path, module: &str, config: &Path, codes: &[String]) -> (BTreeSet<String>, Vec<String>) {
    let report = preflight::check(&preflight::Options {
        paths: vec![root.to_path_buf()],
        config: Some(config.to_path_buf()),
        isolated: false,
        settings: Some(module.to_string()),
        secrets_all_files: false,
        selection: SelectLayer { select: Some(codes.to_vec()), ..Default::default() },
    })
    .expect("preflight runs");
    let mut ids = BTreeSet::new();
    let mut messages = Vec::new();
    for d in &report.diagnostics {
        messages.push(format!("{} {}", d.code, d.message));
        let Some((_, allowed)) = MIRRORS.iter().find(|(c, _)| *c == d.code) else { continue };
        match ids_of(d.code, &d.message, allowed) {
            Ok(id) => {
                ids.insert(id);
            }
            Err(e) => {
                ids.insert(format!("?{e}"));
            }
        }
    }
    (ids, messages)
}

#[test]
fn mirror_rules_agree_with_django() {
    let registered: Vec<(&str, &[&str])> =
        MIRRORS.iter().copied().filter(|(code, _)| preflight::registry::find(code).is_some()).collect();
    let skipped: Vec<&str> =
        MIRRORS.iter().filter(|(code, _)| preflight::registry::find(code).is_none()).map(|(c, _)| *c).collect();
    if !skipped.is_empty() {
        eprintln!("note: not registered, so their Django IDs are not compared: {skipped:?}");
    }
    let compared: BTreeSet<String> = registered.iter().flat_map(|(_, ids)| ids.iter().map(|s| s.to_string())).collect();
    let codes: Vec<String> = registered.iter().map(|(c, _)| c.to_string()).collect();

    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("preflight.toml");
    std::fs::write(&config, "[thresholds]\nhsts-min-seconds = 0\n").unwrap();
    let mut rng = Rng(SEED);
    let cases: Vec<Case> = (0..CASES).map(|i| generate(&mut rng, i)).collect();
    let mut manifest = Vec::new();
    for case in &cases {
        let root = dir.path().join(&case.name);
        for (path, text) in &case.files {
            support::write(&root, &[(path.as_str(), text.as_str())]);
        }
        manifest.push(serde_json::json!({
            "name": case.name,
            "root": root.to_string_lossy(),
            "module": case.module,
            "env": case.env,
        }));
    }
    let manifest_path = dir.path().join("manifest.json");
    std::fs::write(&manifest_path, serde_json::to_string(&manifest).unwrap()).unwrap();

    let mut by_version = Vec::new();
    for version in [DJANGO_5_2, DJANGO_6_0] {
        let python = django_python(version);
        by_version.push(run_django(&python, &manifest_path));
    }

    let mut failures = Vec::new();
    let mut fired: BTreeMap<String, usize> = BTreeMap::new();
    for case in &cases {
        let root = dir.path().join(&case.name);
        let (ours, messages) = run_preflight(&root, &case.module, &config, &codes);
        let mut problems = Vec::new();
        let mut theirs_first: Option<BTreeSet<String>> = None;
        for (version, results) in &by_version {
            let theirs = match &results[&case.name] {
                Ok(ids) => ids.iter().filter(|id| compared.contains(*id)).cloned().collect::<BTreeSet<_>>(),
                Err(e) => {
                    problems.push(format!("Django {version} cannot load the module (a generator bug): {e}"));
                    continue;
                }
            };
            if theirs != ours {
                let missing: Vec<_> = theirs.difference(&ours).collect();
                let extra: Vec<_> = ours.difference(&theirs).collect();
                problems.push(format!(
                    "Django {version}: {theirs:?}; Preflight: {ours:?} (missing {missing:?}, extra {extra:?})"
                ));
            }
            match &theirs_first {
                None => theirs_first = Some(theirs),
                Some(first) if *first != theirs => {
                    problems.push(format!("Django versions disagree ({first:?} / {theirs:?}): document it"))
                }
                Some(_) => {}
            }
        }
        for id in theirs_first.unwrap_or_default() {
            *fired.entry(id).or_default() += 1;
        }
        if !problems.is_empty() {
            let mut text = format!("== {} ({})\n", case.name, case.module);
            for p in problems {
                text.push_str(&format!("   {p}\n"));
            }
            for m in messages {
                text.push_str(&format!("   preflight: {m}\n"));
            }
            for (path, body) in &case.files {
                if !body.is_empty() {
                    text.push_str(&format!("--- {path}\n{body}"));
                }
            }
            failures.push(text);
        }
    }
    eprintln!(
        "{} modules; Django {}: cases per check ID: {fired:?}",
        cases.len(),
        by_version.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>().join(" and ")
    );
    assert!(
        failures.is_empty(),
        "{} of {} modules disagree with Django:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // The generator must exercise every compared check, both ways.
    for id in &compared {
        let n = fired.get(id).copied().unwrap_or(0);
        assert!(
            n > 0 && n < cases.len(),
            "security.{id} fires on {n} of {} modules: the generator needs work",
            cases.len()
        );
    }
}
