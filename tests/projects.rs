//! Whole sample projects (`fixtures/projects/`): the exact findings a user sees on each, with the
//! default rule selection and no config file, as reviewed snapshots.
//!
//! - `gaara-erp` is a cookiecutter-django-shaped ERP with planted deployment mistakes in its
//!   production files and traps in its development files (`.envs/.local/*`, `settings/local.py`,
//!   `settings/test.py`, `docker-compose.yml`, `compose/local/django/Dockerfile`), which must stay
//!   silent. `fixtures/projects/README.md` lists both.
//! - `clean-api` is a small project written to pass: it must produce no finding at all.
//!
//! A snapshot changes when a rule lands or changes; review the diff (`cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test projects` then `git diff`).

use std::path::Path;

use preflight::discover::Environment;
use preflight::{check, Options, Report};

fn run(project: &str, selection: preflight::config::SelectLayer) -> Report {
    check(&Options {
        paths: vec![Path::new("fixtures/projects").join(project)],
        config: None,
        isolated: true,
        settings: None,
        secrets_all_files: false,
        selection,
    })
    .unwrap_or_else(|e| panic!("check {project}: {e}"))
}

fn run_default(project: &str) -> Report {
    run(project, Default::default())
}

/// Every file the walk saw, with its kind and environment: a classification change shows here.
fn files_table(report: &Report) -> String {
    report.seen.iter().map(|f| format!("{}\t{}\t{}\n", f.path, f.kind.as_str(), f.environment.as_str())).collect()
}

fn snapshot(name: &str, report: &Report) {
    let concise = preflight::report::concise::render(report);
    insta::with_settings!({snapshot_path => "snapshots/projects", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name.to_string(), format!("{concise}\n--- files ---\n{}", files_table(report)));
    });
}

#[test]
fn gaara_erp_findings() {
    let report = run_default("gaara-erp");
    snapshot("gaara-erp", &report);
    assert!(!report.diagnostics.is_empty(), "the planted mistakes must be found");
}

#[test]
fn gaara_erp_development_files_are_silent() {
    let report = run_default("gaara-erp");
    let development: Vec<&str> =
        report.seen.iter().filter(|f| f.environment == Environment::Development).map(|f| f.path.as_str()).collect();
    // Guard against a vacuous pass: these files hold the traps and must be classified development.
    for expected in [
        ".envs/.local/.django",
        ".envs/.local/.postgres",
        "gaara_erp/settings/local.py",
        "gaara_erp/settings/test.py",
        "docker-compose.yml",
        "compose/local/django/Dockerfile",
    ] {
        let path = format!("fixtures/projects/gaara-erp/{expected}");
        assert!(development.contains(&path.as_str()), "{path} is not classified development: {development:#?}");
    }
    let on_development: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| report.project.files[d.span.file].class().env == Environment::Development)
        .map(|d| format!("{} {}: {}", report.source(&d.span).display_path(), d.code, d.message))
        .collect();
    assert!(on_development.is_empty(), "findings on development files: {on_development:#?}");
}

#[test]
fn gaara_erp_templates_hold_only_template_findings() {
    // Placeholders are expected in templates: only provider tokens (SEC002) and the tool rules may
    // speak there; ENV004 reports drift on the production file, never on the template.
    let report = run_default("gaara-erp");
    let on_templates: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| report.project.files[d.span.file].class().env == Environment::Template)
        .filter(|d| !matches!(d.code, "SEC002" | "PF001" | "PF003"))
        .map(|d| format!("{} {}: {}", report.source(&d.span).display_path(), d.code, d.message))
        .collect();
    assert!(on_templates.is_empty(), "findings on templates: {on_templates:#?}");
}

#[test]
fn clean_api_is_clean() {
    let report = run_default("clean-api");
    snapshot("clean-api", &report);
    let found: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| format!("{} {}: {}", report.source(&d.span).display_path(), d.code, d.message))
        .collect();
    assert!(found.is_empty(), "clean-api must produce no finding: {found:#?}");
    assert!(report.project.files.len() >= 5, "clean-api: the walk found too few files");
}

#[test]
fn clean_api_is_clean_with_every_rule() {
    // The style rules (ENV1xx, off by default) too: the clean project is clean under `--select ALL`.
    let report =
        run("clean-api", preflight::config::SelectLayer { select: Some(vec!["ALL".into()]), ..Default::default() });
    let found: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| format!("{} {}: {}", report.source(&d.span).display_path(), d.code, d.message))
        .collect();
    assert!(found.is_empty(), "clean-api must produce no finding under --select ALL: {found:#?}");
}

/// `code path:line: message` of every finding, for assertions that name what they expect.
fn findings(report: &Report) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .map(|d| {
            let src = report.source(&d.span);
            format!("{} {}:{}: {}", d.code, src.display_path(), src.position(d.span.start).row, d.message)
        })
        .collect()
}

#[test]
fn harbor_crm_findings() {
    // cookiecutter-django's older layout: `production.yml`/`local.yml` (compose files by their
    // text), `django` and `celeryworker` built from one image, and `.envs/.production/.django`
    // flipping settings both ways.
    let report = run_default("harbor-crm");
    snapshot("harbor-crm", &report);
    let found = findings(&report);
    // The env file turns SESSION_COOKIE_SECURE off (code default True): reported at the env
    // file's value, once, for both services that run the module with it.
    assert!(
        found.iter().any(|f| f.starts_with("DJ011 fixtures/projects/harbor-crm/.envs/.production/.django:12:")
            && f.ends_with("(services `django`, `celeryworker`)")),
        "{found:#?}"
    );
    // Only the worker's environment turns DEBUG on: the finding names it alone.
    assert!(
        found.iter().any(|f| f.starts_with("DJ001 fixtures/projects/harbor-crm/production.yml:")
            && f.ends_with("(service `celeryworker`)")),
        "{found:#?}"
    );
    // The env file turns SECURE_SSL_REDIRECT on (code default False): silent.
    assert!(!found.iter().any(|f| f.starts_with("DJ009")), "{found:#?}");
    // `local.yml` (runserver, no tag, published ports) and `settings/local.py` are development.
    assert!(!found.iter().any(|f| f.contains("local")), "{found:#?}");
    assert_eq!(found.len(), 2, "{found:#?}");
    let compose: Vec<&str> =
        report.seen.iter().filter(|f| f.kind == preflight::discover::Kind::Compose).map(|f| f.path.as_str()).collect();
    assert_eq!(compose, ["fixtures/projects/harbor-crm/local.yml", "fixtures/projects/harbor-crm/production.yml"]);
}

#[test]
fn twin_monorepo_keeps_each_deployment_to_its_project() {
    // Two Django projects under one root: `billing` deployed by compose, `catalog` by its
    // Dockerfile and `.env.production`. Each project's environment is its own: billing's
    // DJANGO_DEBUG=1 must not reach catalog, catalog's DJANGO_ALLOWED_HOSTS=* must not reach billing.
    let report = run_default("twin-monorepo");
    snapshot("twin-monorepo", &report);
    let found = findings(&report);
    let debug: Vec<&String> = found.iter().filter(|f| f.starts_with("DJ001")).collect();
    assert_eq!(debug.len(), 1, "{found:#?}");
    assert!(debug[0].contains("billing/billing_site/settings.py"), "{found:#?}");
    let hosts: Vec<&String> = found.iter().filter(|f| f.starts_with("DJ004")).collect();
    assert_eq!(hosts.len(), 1, "{found:#?}");
    assert!(hosts[0].contains("catalog/.env.production"), "{found:#?}");
    assert_eq!(found.len(), 2, "{found:#?}");
}
