//! Whole sample projects (`fixtures/settings/*`): discovered and evaluated as the pipeline
//! will (files found by the real walker and classifier, the production environment built
//! from the production env files, modules read from disk), with the security-relevant settings
//! asserted.

use std::path::{Path, PathBuf};

use super::*;
use crate::config::Config;
use crate::discover::{self as files, Classifier, Kind as FileKind};

struct Sample {
    choices: Vec<ModuleChoice>,
    evals: Vec<Evaluated>,
}

impl Sample {
    /// The evaluation of `module`.
    fn eval(&self, module: &str) -> &Evaluated {
        self.evals
            .iter()
            .find(|e| e.module == module)
            .unwrap_or_else(|| panic!("no evaluation of {module}; chose {:?}", self.choices))
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new("fixtures/settings").join(name)
}

/// Discovery and evaluation as the pipeline does them.
fn load(name: &str) -> Sample {
    let root = fixture(name);
    let cfg = Config::default();
    let found = files::walk(&root, &cfg);
    let classifier = Classifier::new(&cfg);
    let mut python: Vec<PathBuf> = Vec::new();
    let mut env = Environment::new();
    let mut env_files: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (path, rel, kind) in &found {
        match kind {
            FileKind::Python => python.push(path.clone()),
            FileKind::EnvFile => {
                let class = classifier.classify(path, rel, *kind);
                if class.env == files::Environment::Production {
                    env_files.push((path.clone(), rel.clone()));
                }
            }
            _ => {}
        }
    }
    python.sort();
    env_files.sort();
    for (path, _) in &env_files {
        let text = std::fs::read_to_string(path).expect("env file reads");
        let parsed = crate::parse::dotenv::parse(&text);
        env.add_env_file(path, &text, &parsed);
    }
    let reader = FsReader::default();
    let selected = discover::selected_in(&env);
    let input = DiscoverInput {
        linted_root: &root,
        python_files: &python,
        selected: &selected,
        explicit: None,
        reader: &reader,
    };
    let choices = discover_modules(&input);
    let roots = project_roots(&root, &python);
    let mut evals = Vec::new();
    for choice in &choices {
        let Some(file) = &choice.file else { continue };
        let mut r = vec![choice.root.clone()];
        r.extend(roots.iter().filter(|x| **x != choice.root).cloned());
        let opts = Options { roots: r, configuration: choice.configuration.clone(), ..Options::default() };
        evals.push(evaluate_file(file, &choice.root, &choice.module, &env, &reader, &opts));
    }
    Sample { choices, evals }
}

fn repr(ev: &Evaluated, name: &str) -> String {
    let v = ev.get(name).unwrap_or_else(|| panic!("{name} is not set in {}", ev.module));
    v.py_repr().unwrap_or_else(|| format!("<{}>", v.describe()))
}

/// The text at a location (Python source, or the env file on disk).
fn text_at(ev: &Evaluated, loc: Loc) -> String {
    let src = ev.source(loc.file);
    let text = match &src.text {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(&src.path).unwrap_or_default(),
    };
    text[loc.range()].to_string()
}

fn origin_file(ev: &Evaluated, v: &Value) -> String {
    crate::source::display_path(ev.path_of(v.origin.expect("an origin")))
}

fn dump(s: &Sample) -> String {
    let mut out = String::new();
    for c in &s.choices {
        out.push_str(&format!("choice {} in {}: {:?} ({})\n", c.module, c.root.display(), c.source, c.reason));
    }
    for ev in &s.evals {
        out.push_str(&format!("== {}\n", ev.module));
        for (k, v) in &ev.values {
            out.push_str(&format!("{k} = {}\n", v.describe()));
        }
        for e in &ev.errors {
            out.push_str(&format!("error: {e:?}\n"));
        }
        for n in &ev.notes {
            out.push_str(&format!("note: {}\n", n.message));
        }
    }
    out
}

fn has_step(v: &Value, kind: &StepKind) -> bool {
    v.steps.to_vec().iter().any(|s| &s.kind == kind)
}

fn contains(v: &Value, s: &str) -> bool {
    v.contains_str(s) == Some(true)
}

#[test]
fn cookiecutter_split_settings_with_django_environ() {
    let s = load("cookiecutter");
    assert_eq!(s.choices.len(), 1, "{}", dump(&s));
    let c = &s.choices[0];
    assert_eq!(c.module, "config.settings.production");
    assert_eq!(c.source, ChoiceSource::Environment);
    assert_eq!(c.reason, "DJANGO_SETTINGS_MODULE=config.settings.production in fixtures/settings/cookiecutter/.envs/.production/.django:4");
    let ev = s.eval("config.settings.production");
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
    assert_eq!(ev.modules_read.len(), 2);

    // DEBUG: the literal default in base.py, inherited.
    let debug = ev.get("DEBUG").unwrap();
    assert_eq!(debug.is_true(), Some(false));
    assert_eq!(text_at(ev, debug.origin.unwrap()), "False");
    assert!(origin_file(ev, &debug).ends_with("config/settings/base.py"));
    assert_eq!(debug.env_default.as_deref(), Some("DJANGO_DEBUG"));
    let inherited = debug.steps.to_vec().into_iter().find(|s| s.kind == StepKind::Imported).unwrap();
    assert_eq!(inherited.message, "inherited by config.settings.production via `from .base import *`");

    // The hardcoded key in base.py is overridden from the production env file.
    let key = ev.get("SECRET_KEY").unwrap();
    assert!(origin_file(ev, &key).ends_with(".envs/.production/.django"));
    assert_eq!(key.as_str().unwrap().len(), 66);
    assert!(key.steps.to_vec().iter().all(|s| !s.message.contains(key.as_str().unwrap())));
    // ...but the JWT signing key defaulted to the base key before production replaced it.
    let jwt = ev.get("SIMPLE_JWT").unwrap();
    let signing = jwt.get("SIGNING_KEY").unwrap();
    assert_eq!(signing.as_str(), Some("base-insecure-key-replaced-in-production"));
    assert_eq!(signing.env_default.as_deref(), Some("DJANGO_JWT_SIGNING_KEY"));
    assert_eq!(jwt.get("ACCESS_TOKEN_LIFETIME").unwrap().as_timedelta_seconds(), Some(3600.0));
    assert_eq!(jwt.get("ROTATE_REFRESH_TOKENS").unwrap().is_true(), Some(true));

    assert_eq!(repr(ev, "ALLOWED_HOSTS"), "['shop.example.com', 'www.shop.example.com']");
    // DEBUG and the toolbar are on only in local.py.
    let apps = ev.get("INSTALLED_APPS").unwrap();
    assert!(!contains(&apps, "debug_toolbar"));
    assert!(contains(&apps, "axes") && contains(&apps, "rest_framework_simplejwt.token_blacklist"));
    let mw = ev.get("MIDDLEWARE").unwrap();
    for m in [
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "axes.middleware.AxesMiddleware",
    ] {
        assert!(contains(&mw, m), "{m}");
    }
    assert!(!contains(&mw, "debug_toolbar.middleware.DebugToolbarMiddleware"));
    assert_eq!(ev.get("SESSION_COOKIE_SECURE").unwrap().is_true(), Some(true));
    assert_eq!(ev.get("CSRF_COOKIE_SECURE").unwrap().is_true(), Some(true));
    // The env file turns the redirect off over the code default.
    let redirect = ev.get("SECURE_SSL_REDIRECT").unwrap();
    assert_eq!(redirect.is_true(), Some(false));
    assert_eq!(text_at(ev, redirect.origin.unwrap()), "False");
    assert!(has_step(&redirect, &StepKind::EnvSet { var: "DJANGO_SECURE_SSL_REDIRECT".into() }));
    assert_eq!(repr(ev, "SECURE_HSTS_SECONDS"), "60");
    assert_eq!(ev.get("SECURE_HSTS_INCLUDE_SUBDOMAINS").unwrap().is_true(), Some(true));
    assert_eq!(ev.get("SECURE_HSTS_PRELOAD").unwrap().is_true(), Some(true));
    assert_eq!(repr(ev, "X_FRAME_OPTIONS"), "'DENY'");
    // Never set: Django's default.
    let samesite = ev.get("SESSION_COOKIE_SAMESITE").unwrap();
    assert_eq!(samesite.as_str(), Some("Lax"));
    assert!(has_step(&samesite, &StepKind::DjangoDefault));
    // django-axes: an int cool-off is hours.
    assert_eq!(repr(ev, "AXES_COOLOFF_TIME"), "15");
    assert_eq!(repr(ev, "AXES_FAILURE_LIMIT"), "5");
    let drf = ev.get("REST_FRAMEWORK").unwrap();
    assert_eq!(drf.get("DEFAULT_THROTTLE_RATES").unwrap().get("anon").unwrap().as_str(), Some("10/5m"));
    let logging = ev.get("LOGGING").unwrap();
    assert_eq!(logging.get("root").unwrap().get("level").unwrap().as_str(), Some("INFO"));
    assert!(logging.get("loggers").unwrap().get("django.security.DisallowedHost").is_some());
    let db = ev.get("DATABASES").unwrap();
    let default = db.get("default").unwrap();
    assert!(origin_file(ev, default.get("PASSWORD").unwrap()).ends_with(".envs/.production/.postgres"));
    assert_eq!(repr(ev, "DATABASES").matches("'ATOMIC_REQUESTS': True").count(), 1);
    assert_eq!(default.get("CONN_MAX_AGE").unwrap().as_int(), Some(60));
    assert_eq!(
        ev.get("CACHES").unwrap().get("default").unwrap().get("LOCATION").unwrap().as_str(),
        Some("redis://redis:6379/0")
    );
    assert_eq!(repr(ev, "EMAIL_BACKEND"), "'django.core.mail.backends.smtp.EmailBackend'");

    // The development module holds the traps rules must not report.
    let reader = FsReader::default();
    let opts = Options { roots: vec![fixture("cookiecutter")], ..Options::default() };
    let local = evaluate("config.settings.local", &Environment::new(), &reader, &opts);
    assert_eq!(local.get("DEBUG").unwrap().is_true(), Some(true));
    assert_eq!(repr(&local, "SECRET_KEY"), "'!!!SET DJANGO_SECRET_KEY!!!'");
    assert!(contains(&local.get("INSTALLED_APPS").unwrap(), "debug_toolbar"));
    assert_eq!(repr(&local, "EMAIL_BACKEND"), "'django.core.mail.backends.console.EmailBackend'");
}

#[test]
fn split_settings_include_chooses_the_production_environment() {
    let s = load("split_settings");
    let c = &s.choices[0];
    assert_eq!((c.module.as_str(), c.source), ("server.settings", ChoiceSource::Wsgi));
    let ev = s.eval("server.settings");
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
    assert!(ev.notes.iter().any(|n| n
        .message
        .contains("included `fixtures/settings/split_settings/server/settings/environments/production.py` instead")));
    let debug = ev.get("DEBUG").unwrap();
    assert_eq!(debug.is_true(), Some(false));
    assert!(has_step(&debug, &StepKind::AssumedProduction));
    assert!(has_step(&debug, &StepKind::Included));
    assert!(origin_file(ev, &debug).ends_with("environments/production.py"));
    assert_eq!(repr(ev, "ALLOWED_HOSTS"), "['server.example.org', 'localhost']");
    assert!(origin_file(ev, &ev.get("SECRET_KEY").unwrap()).ends_with("config/.env.production"));
    for name in [
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    ] {
        assert_eq!(ev.get(name).unwrap().is_true(), Some(true), "{name}");
    }
    assert_eq!(repr(ev, "SECURE_HSTS_SECONDS"), "31536000");
    let mw = ev.get("MIDDLEWARE").unwrap();
    assert!(matches!(mw.kind, Kind::Tuple(_)));
    assert!(
        contains(&mw, "csp.middleware.CSPMiddleware") && contains(&mw, "django.middleware.csrf.CsrfViewMiddleware")
    );
    assert!(!contains(&mw, "debug_toolbar.middleware.DebugToolbarMiddleware"));
    assert!(!contains(&ev.get("INSTALLED_APPS").unwrap(), "debug_toolbar"));
    assert_eq!(repr(ev, "CSP_SCRIPT_SRC"), "(\"'self'\",)");
    let db = ev.get("DATABASES").unwrap();
    assert_eq!(db.get("default").unwrap().get("PORT").unwrap().as_int(), Some(5432));
    assert_eq!(db.get("default").unwrap().get("CONN_MAX_AGE").unwrap().as_int(), Some(60));
    assert_eq!(repr(ev, "AXES_COOLOFF_TIME"), "1");
    assert_eq!(
        ev.get("CACHES").unwrap().get("default").unwrap().get("BACKEND").unwrap().as_str(),
        Some("django.core.cache.backends.locmem.LocMemCache")
    );
    assert_eq!(
        ev.get("LOGGING").unwrap().get("loggers").unwrap().get("django").unwrap().get("level").unwrap().as_str(),
        Some("INFO")
    );
    assert_eq!(repr(ev, "STATIC_ROOT"), "'/var/www/django/static'");
    assert_eq!(repr(ev, "LANGUAGES"), "(('en', 'English'), ('ru', 'Russian'))");

    // When the environment names development, development it is.
    let mut env = Environment::new();
    env.set("DJANGO_ENV", "development", None);
    env.set("DOMAIN_NAME", "dev.local", None);
    let opts = Options { roots: vec![fixture("split_settings")], ..Options::default() };
    let dev = evaluate("server.settings", &env, &FsReader::default(), &opts);
    assert_eq!(dev.get("DEBUG").unwrap().is_true(), Some(true));
    assert!(contains(&dev.get("INSTALLED_APPS").unwrap(), "debug_toolbar"));
}

#[test]
fn settings_package_switching_on_django_env() {
    let s = load("env_package");
    let c = &s.choices[0];
    assert_eq!((c.module.as_str(), c.source), ("blog.settings", ChoiceSource::Wsgi));
    let ev = s.eval("blog.settings");
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
    assert!(ev.notes.iter().any(|n| n.message.starts_with("assumed production: `DJANGO_ENV == \"production\"`")));
    assert_eq!(ev.get("DEBUG").unwrap().is_true(), Some(false));
    assert_eq!(repr(ev, "ALLOWED_HOSTS"), "['blog.example.com', 'www.blog.example.com']");
    let secure = ev.get("SESSION_COOKIE_SECURE").unwrap();
    assert_eq!(secure.is_true(), Some(true));
    assert!(has_step(&secure, &StepKind::AssumedProduction));
    assert_eq!(repr(ev, "SECURE_HSTS_SECONDS"), "31536000");
    assert_eq!(ev.get("MIDDLEWARE").unwrap().as_seq().unwrap()[1].as_str(), Some("axes.middleware.AxesMiddleware"));
    assert_eq!(ev.get("SIMPLE_JWT").unwrap().get("ACCESS_TOKEN_LIFETIME").unwrap().as_timedelta_seconds(), Some(900.0));
    assert_eq!(ev.get("AXES_COOLOFF_TIME").unwrap().as_timedelta_seconds(), Some(900.0));
    let drf = ev.get("REST_FRAMEWORK").unwrap();
    assert!(contains(drf.get("DEFAULT_PERMISSION_CLASSES").unwrap(), "rest_framework.permissions.AllowAny"));
    let csp = ev.get("CONTENT_SECURITY_POLICY").unwrap();
    assert!(contains(csp.get("DIRECTIVES").unwrap().get("script-src").unwrap(), "'unsafe-inline'"));
    let logging = ev.get("LOGGING").unwrap();
    assert_eq!(
        logging.get("handlers").unwrap().get("file").unwrap().get("class").unwrap().as_str(),
        Some("logging.FileHandler")
    );
    assert_eq!(logging.get("loggers").unwrap().get("django").unwrap().get("level").unwrap().as_str(), Some("WARN"));
    let db = ev.get("DATABASES").unwrap().get("default").unwrap().clone();
    assert!(origin_file(ev, db.get("PASSWORD").unwrap()).ends_with(".env.production"));
    assert_eq!(db.get("PORT").unwrap().as_int(), Some(5432));
    // Never assigned: Django's default.
    let email = ev.get("EMAIL_BACKEND").unwrap();
    assert_eq!(email.as_str(), Some("django.core.mail.backends.smtp.EmailBackend"));
    assert!(email.origin.is_none());
}

#[test]
fn single_settings_module_with_django_environ() {
    let s = load("single_environ");
    let c = &s.choices[0];
    assert_eq!((c.module.as_str(), c.source), ("mysite.settings", ChoiceSource::Wsgi));
    let ev = s.eval("mysite.settings");
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
    // The literal default of the secret key (no production source sets SECRET_KEY).
    let key = ev.get("SECRET_KEY").unwrap();
    assert!(key.as_str().unwrap().starts_with("django-insecure-"));
    assert_eq!(text_at(ev, key.origin.unwrap()), "\"django-insecure-7v$kq!w#2z@x9m&p4r*t8y^u1i(o0e)a\"");
    assert_eq!(key.env_default.as_deref(), Some("SECRET_KEY"));
    // `.env` is development (a `.env.production` sits beside it); DEBUG comes from production.
    let debug = ev.get("DEBUG").unwrap();
    assert_eq!(debug.is_true(), Some(false));
    assert_eq!(text_at(ev, debug.origin.unwrap()), "off");
    assert!(ev.notes.iter().any(|n| n.message.contains("read_env()")));
    assert_eq!(repr(ev, "ALLOWED_HOSTS"), "['mysite.example.com', '.mysite.example.com']");
    // A string "True" is not `True`.
    let scs = ev.get("SESSION_COOKIE_SECURE").unwrap();
    assert_eq!(scs.as_str(), Some("True"));
    assert_eq!(scs.is_true(), Some(false));
    assert_eq!(scs.truthy(), Some(true));
    assert_eq!(ev.get("CSRF_COOKIE_SECURE").unwrap().is_true(), Some(true));
    assert_eq!(ev.get("SESSION_COOKIE_SAMESITE").unwrap().is_none(), Some(true));
    let mw = ev.get("MIDDLEWARE").unwrap();
    assert!(!contains(&mw, "django.middleware.csrf.CsrfViewMiddleware"));
    assert!(!contains(&mw, "debug_toolbar.middleware.DebugToolbarMiddleware"));
    assert!(contains(&ev.get("INSTALLED_APPS").unwrap(), "debug_toolbar"));
    let templates = ev.get("TEMPLATES").unwrap();
    assert_eq!(templates.as_seq().unwrap()[0].get("OPTIONS").unwrap().get("debug").unwrap().is_true(), Some(false));
    let db = ev.get("DATABASES").unwrap().get("default").unwrap().clone();
    assert_eq!(db.get("OPTIONS").unwrap().get("sslmode").unwrap().as_str(), Some("disable"));
    assert_eq!(db.get("ENGINE").unwrap().as_str(), Some("django.db.backends.postgresql"));
    assert!(origin_file(ev, db.get("PASSWORD").unwrap()).ends_with(".env.production"));
    assert_eq!(
        ev.get("CACHES").unwrap().get("default").unwrap().get("LOCATION").unwrap().as_str(),
        Some("redis://cache.internal:6379/1")
    );
    assert_eq!(repr(ev, "EMAIL_BACKEND"), "'django.core.mail.backends.smtp.EmailBackend'");
    assert_eq!(repr(ev, "CORS_ALLOW_ALL_ORIGINS"), "False");
    assert_eq!(repr(ev, "CSRF_TRUSTED_ORIGINS"), "['https://mysite.example.com']");
    assert_eq!(repr(ev, "SECURE_HSTS_SECONDS"), "31536000");
}

#[test]
fn python_decouple_project() {
    let s = load("decouple");
    let c = &s.choices[0];
    assert_eq!((c.module.as_str(), c.source), ("core.settings", ChoiceSource::Manage));
    let ev = s.eval("core.settings");
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
    assert_eq!(ev.get("DEBUG").unwrap().is_true(), Some(false));
    assert_eq!(repr(ev, "ALLOWED_HOSTS"), "['api.example.com', 'api2.example.com']");
    assert_eq!(ev.get("SESSION_COOKIE_SECURE").unwrap().is_true(), Some(true));
    // decouple casts defaults: "yes" is True.
    assert_eq!(ev.get("CSRF_COOKIE_SECURE").unwrap().is_true(), Some(true));
    let jwt = ev.get("SIMPLE_JWT").unwrap();
    assert_eq!(jwt.get("ACCESS_TOKEN_LIFETIME").unwrap().as_timedelta_seconds(), Some(300.0));
    assert_eq!(jwt.get("ROTATE_REFRESH_TOKENS").unwrap().is_true(), Some(false));
    assert!(origin_file(ev, jwt.get("SIGNING_KEY").unwrap()).ends_with(".env.production"));
    assert_eq!(repr(ev, "AXES_FAILURE_LIMIT"), "10");
    assert_eq!(ev.get("AXES_COOLOFF_TIME").unwrap().as_timedelta_seconds(), Some(900.0));
    let db = ev.get("DATABASES").unwrap().get("default").unwrap().clone();
    assert!(origin_file(ev, db.get("PASSWORD").unwrap()).ends_with(".env.production"));
    assert_eq!(db.get("PORT").unwrap().as_int(), Some(5432));
    assert_eq!(db.get("OPTIONS").unwrap().get("sslmode").unwrap().as_str(), Some("require"));
    assert_eq!(
        ev.get("LOGGING").unwrap().get("loggers").unwrap().get("django").unwrap().get("level").unwrap().as_str(),
        Some("INFO")
    );
    assert_eq!(
        ev.get("REST_FRAMEWORK").unwrap().get("DEFAULT_THROTTLE_RATES").unwrap().get("user").unwrap().as_str(),
        Some("100/hour")
    );
    assert_eq!(repr(ev, "CORS_ALLOWED_ORIGINS"), "['https://app.example.com']");
}

#[test]
fn monorepo_with_two_projects() {
    let s = load("monorepo");
    assert_eq!(s.choices.len(), 2, "{}", dump(&s));
    assert_eq!(s.choices[0].root, fixture("monorepo/services/api"));
    assert_eq!((s.choices[0].module.as_str(), s.choices[0].source), ("api.settings", ChoiceSource::Manage));
    let web = &s.choices[1];
    assert_eq!(web.root, fixture("monorepo/services/web"));
    assert_eq!((web.module.as_str(), web.source), ("web.settings.prod", ChoiceSource::ProductionSibling));
    let dev = web.dev_default.as_ref().unwrap();
    assert_eq!(dev.module, "web.settings.dev");
    assert!(dev.file.ends_with("web/wsgi.py"));

    let api = s.eval("api.settings");
    let debug = api.get("DEBUG").unwrap();
    assert_eq!(debug.is_true(), Some(true));
    assert_eq!(debug.env_default.as_deref(), Some("API_DEBUG"));
    assert_eq!(repr(api, "ALLOWED_HOSTS"), "['*']");
    assert_eq!(repr(api, "SECRET_KEY"), "'api-dev-secret'");

    let web = s.eval("web.settings.prod");
    assert!(web.errors.is_empty(), "{:?}", web.errors);
    assert_eq!(web.get("DEBUG").unwrap().is_true(), Some(false));
    assert_eq!(web.get("SESSION_COOKIE_SECURE").unwrap().is_true(), Some(true));
    assert!(origin_file(web, &web.get("SECRET_KEY").unwrap()).ends_with("web/settings/base.py"));
    assert_eq!(repr(web, "SECURE_HSTS_SECONDS"), "31536000");
}

/// Evaluation time per module on the samples (`cargo test --release --lib settings::samples::timings -- --nocapture`).
#[test]
fn timings() {
    for name in ["cookiecutter", "split_settings", "env_package", "single_environ", "decouple", "monorepo"] {
        let s = load(name);
        let reader = FsReader::default();
        for c in &s.choices {
            let Some(file) = &c.file else { continue };
            let opts = Options { roots: vec![c.root.clone()], ..Options::default() };
            let runs = 20;
            let start = std::time::Instant::now();
            for _ in 0..runs {
                let ev = evaluate_file(file, &c.root, &c.module, &Environment::new(), &reader, &opts);
                assert!(!ev.values.is_empty());
            }
            let per = start.elapsed() / runs;
            println!("{name}: {} in {per:?} per evaluation", c.module);
        }
    }
}
