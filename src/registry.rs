//! The rule registry: every rule's code, name, family, default severity and check function.
//!
//! Adding a rule: one file under `src/rules/<family>/`, one line in [`RULES`], one doc in `rules/`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::{ComposeCtx, ComposeFileCtx, DockerfileCtx, EnvFileCtx, FileCtx, Project, SettingsCtx};
use crate::rules;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Family {
    #[serde(rename = "DJ")]
    Django,
    #[serde(rename = "SEC")]
    Secrets,
    #[serde(rename = "ENV")]
    Env,
    #[serde(rename = "DF")]
    Dockerfile,
    #[serde(rename = "DC")]
    Compose,
    #[serde(rename = "DEP")]
    Deployment,
    #[serde(rename = "PF")]
    Tool,
}

impl Family {
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Django => "DJ",
            Family::Secrets => "SEC",
            Family::Env => "ENV",
            Family::Dockerfile => "DF",
            Family::Compose => "DC",
            Family::Deployment => "DEP",
            Family::Tool => "PF",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Family::Django => "Django settings",
            Family::Secrets => "Secrets",
            Family::Env => "Env files",
            Family::Dockerfile => "Dockerfiles",
            Family::Compose => "Compose files",
            Family::Deployment => "Deployment wiring",
            Family::Tool => "Tool",
        }
    }
}

/// Which environments a rule speaks about (RULES.md, "Environments").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Production files only (including ambiguous files treated as production).
    Production,
    /// Every file but templates (`.env.example`): style and syntax rules.
    NonTemplate,
    /// Every file, templates included (provider tokens, tool rules).
    Everywhere,
    /// Production compose file sets: the check runs only on sets whose environment is production
    /// (`parse::compose::apps`), so a diagnostic may point into a development-named base file of
    /// a production set (`docker-compose.yml` under `docker-compose.prod.yml`). The set's
    /// "treated as production" note is added by the pipeline. Settings rules and the SEC rules
    /// that speak of production likewise decide themselves: a settings module production loads
    /// is production whatever its name (`base.py` beside `production.py`).
    ProductionSet,
}

/// How a rule is run.
#[derive(Clone, Copy)]
pub enum Check {
    /// Once per parsed env file.
    EnvFile(fn(&EnvFileCtx<'_>, &mut Vec<Diagnostic>)),
    /// Once per parsed compose file.
    ComposeFile(fn(&ComposeFileCtx<'_>, &mut Vec<Diagnostic>)),
    /// Once per service of every production compose file set (after merging).
    Compose(fn(&ComposeCtx<'_>, &mut Vec<Diagnostic>)),
    /// Once per parsed Dockerfile.
    Dockerfile(fn(&DockerfileCtx<'_>, &mut Vec<Diagnostic>)),
    /// Once per evaluated production settings module.
    Settings(fn(&SettingsCtx<'_>, &mut Vec<Diagnostic>)),
    /// Once per file read, whatever its kind: its text, its parsed model and its secret scan
    /// (SEC rules). `settings`: the rule also reads the evaluated production settings, so they are
    /// built when it is on.
    File { check: fn(&FileCtx<'_>, &mut Vec<Diagnostic>), settings: bool },
    /// Once over the whole project model.
    Project(fn(&Project, &mut Vec<Diagnostic>)),
    /// Emitted by the pipeline itself (unreadable files, unused suppressions).
    Pipeline,
}

pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub default_enabled: bool,
    pub scope: Scope,
    /// One line: what the rule reports (SARIF shortDescription, `preflight rules`).
    pub summary: &'static str,
    pub check: Check,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

/// Every registered rule, in code order.
pub static RULES: &[&Rule] = &[
    &rules::django::debug_enabled::RULE,
    &rules::django::secret_key_hardcoded::RULE,
    &rules::django::secret_key_weak::RULE,
    &rules::django::allowed_hosts_wildcard::RULE,
    &rules::django::allowed_hosts_empty::RULE,
    &rules::django::csrf_middleware_missing::RULE,
    &rules::django::security_middleware_missing::RULE,
    &rules::django::clickjacking_protection_off::RULE,
    &rules::django::ssl_redirect_off::RULE,
    &rules::django::hsts_off_or_weak::RULE,
    &rules::django::session_cookie_insecure::RULE,
    &rules::django::csrf_cookie_insecure::RULE,
    &rules::django::session_cookie_httponly_off::RULE,
    &rules::django::cookie_samesite_off::RULE,
    &rules::django::security_header_misconfigured::RULE,
    &rules::django::csp_missing::RULE,
    &rules::django::csp_unsafe::RULE,
    &rules::django::jwt_access_token_too_long::RULE,
    &rules::django::jwt_refresh_rotation_off::RULE,
    &rules::django::jwt_signing_key_hardcoded::RULE,
    &rules::django::account_lockout_missing::RULE,
    &rules::django::account_lockout_weak::RULE,
    &rules::django::rate_limiting_missing::RULE,
    &rules::django::logging_misconfigured::RULE,
    &rules::django::cors_allow_all_with_credentials::RULE,
    &rules::django::password_validation_weak::RULE,
    &rules::django::debug_tooling_enabled::RULE,
    &rules::django::drf_permissive_defaults::RULE,
    &rules::django::async_unsafe_allowed::RULE,
    &rules::django::email_backend_development::RULE,
    &rules::django::setting_unresolved::RULE,
    &rules::django::csrf_trusted_origin_insecure::RULE,
    &rules::django::setting_name_unknown::RULE,
    &rules::django::backing_service_tls_off::RULE,
    &rules::django::cache_not_shared::RULE,
    &rules::django::error_reporting_missing::RULE,
    &rules::django::log_file_unrotated::RULE,
    &rules::secrets::hardcoded_secret::RULE,
    &rules::secrets::provider_token::RULE,
    &rules::secrets::high_entropy_secret::RULE,
    &rules::secrets::credentials_in_url::RULE,
    &rules::env::syntax_error::RULE,
    &rules::env::duplicate_key::RULE,
    &rules::env::placeholder_in_production::RULE,
    &rules::env::template_drift::RULE,
    &rules::env::leading_character::RULE,
    &rules::env::lowercase_key::RULE,
    &rules::env::space_around_equals::RULE,
    &rules::env::needless_quotes::RULE,
    &rules::env::trailing_whitespace::RULE,
    &rules::env::extra_blank_line::RULE,
    &rules::env::missing_final_newline::RULE,
    &rules::env::key_without_value::RULE,
    &rules::env::substitution_unbraced::RULE,
    &rules::env::unordered_key::RULE,
    &rules::env::unquoted_value_with_spaces::RULE,
    &rules::env::incorrect_delimiter::RULE,
    &rules::docker::container_runs_as_root::RULE,
    &rules::docker::healthcheck_missing::RULE,
    &rules::docker::base_image_unpinned::RULE,
    &rules::docker::add_instead_of_copy::RULE,
    &rules::docker::remote_script_piped_to_shell::RULE,
    &rules::docker::sudo_in_run::RULE,
    &rules::docker::ssh_port_exposed::RULE,
    &rules::docker::shell_form_entrypoint::RULE,
    &rules::docker::apt_install_unpinned_or_uncleaned::RULE,
    &rules::docker::pip_cache_kept::RULE,
    &rules::docker::syntax_error::RULE,
    &rules::compose::privileged_container::RULE,
    &rules::compose::service_runs_as_root::RULE,
    &rules::compose::root_filesystem_writable::RULE,
    &rules::compose::no_new_privileges_missing::RULE,
    &rules::compose::capabilities_not_dropped::RULE,
    &rules::compose::docker_socket_mounted::RULE,
    &rules::compose::host_namespace_shared::RULE,
    &rules::compose::datastore_port_published::RULE,
    &rules::compose::healthcheck_missing::RULE,
    &rules::compose::restart_policy_missing::RULE,
    &rules::compose::resource_limits_missing::RULE,
    &rules::compose::syntax_error::RULE,
    &rules::compose::datastore_auth_disabled::RULE,
    &rules::deploy::settings_module_not_found::RULE,
    &rules::deploy::development_settings_in_production::RULE,
    &rules::deploy::required_env_var_missing::RULE,
    &rules::deploy::env_file_in_image::RULE,
    &rules::deploy::dev_server_in_production::RULE,
    &rules::deploy::image_unpinned::RULE,
    &rules::deploy::env_file_reference_missing::RULE,
    &rules::deploy::settings_default_development::RULE,
    &rules::deploy::runtime_version_outdated::RULE,
    &rules::deploy::app_server_workers_default::RULE,
    &rules::tool::unreadable_file::RULE,
    &rules::tool::python_syntax_error::RULE,
    &rules::tool::unused_suppression::RULE,
];

pub fn all() -> impl Iterator<Item = &'static Rule> {
    RULES.iter().copied()
}

/// A rule by code or name (case-insensitive code, exact kebab-case name).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    all().find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

pub fn by_code(code: &str) -> &'static Rule {
    find(code).unwrap_or_else(|| panic!("rule {code} is not registered"))
}

/// True when `s` is a code, a name, a code prefix (`ENV`, `ENV1`, `DJ01`) or `ALL`.
pub fn is_valid_selector(s: &str) -> bool {
    !matching(s).is_empty() || is_catalogue_prefix(s)
}

/// Prefixes of catalogue codes that have no registered rule yet are still valid selectors
/// (`--select DF` before any Dockerfile rule exists selects nothing, and is not an error); a full
/// code (family and three digits) must name a registered rule.
fn is_catalogue_prefix(s: &str) -> bool {
    let upper = s.to_ascii_uppercase();
    ["DJ", "SEC", "ENV", "DF", "DC", "DEP", "PF"].iter().any(|fam| {
        upper.strip_prefix(fam).is_some_and(|rest| rest.len() < 3 && rest.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The rules a selector names.
pub fn matching(selector: &str) -> Vec<&'static Rule> {
    if selector.eq_ignore_ascii_case("ALL") {
        return all().collect();
    }
    // Names are shared across families (`syntax-error` is DF011 and DC012): a name selects each.
    let named: Vec<&'static Rule> = all().filter(|r| r.name == selector).collect();
    if !named.is_empty() {
        return named;
    }
    let upper = selector.to_ascii_uppercase();
    all()
        // A selector is a code prefix at least as long as the family prefix: `DE` selects nothing.
        .filter(|r| r.code.starts_with(&upper) && upper.starts_with(r.family.prefix()))
        .collect()
}

pub const DOCS_BASE_URL: &str = "https://github.com/preflight-lint/preflight/blob/main/rules/";

pub fn doc_url(code: &str, name: &str) -> String {
    format!("{DOCS_BASE_URL}{code}-{name}.md")
}

/// The markdown docs under `rules/`, embedded at build time: `(file name, text)`.
pub static DOCS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

/// A rule's markdown doc.
pub fn doc(rule: &Rule) -> Option<&'static str> {
    let file = format!("{}-{}.md", rule.code, rule.name);
    DOCS.iter().find(|(name, _)| *name == file).map(|(_, text)| *text)
}

/// The text of a `## Section` of a rule's doc, trimmed, up to the next heading.
pub fn doc_section(rule: &Rule, section: &str) -> Option<&'static str> {
    let doc = doc(rule)?;
    let heading = format!("## {section}");
    let start = doc.find(&heading)? + heading.len();
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// The rule table for the README (`preflight rules --format markdown`).
pub fn rules_markdown() -> String {
    let mut out =
        String::from("| Code | Name | Family | Severity | Default | What it reports |\n|---|---|---|---|---|---|\n");
    for r in all() {
        out.push_str(&format!(
            "| [{}](rules/{}-{}.md) | {} | {} | {} | {} | {} |\n",
            r.code,
            r.code,
            r.name,
            r.name,
            r.family.prefix(),
            r.severity.as_str(),
            if r.default_enabled { "on" } else { "off" },
            r.summary.replace('|', "\\|")
        ));
    }
    out
}

/// Rules that judge a file by its own text and name alone: with only these enabled, a file named
/// on the command line needs no project context (the dotenv-linter-like checks, syntax errors,
/// unreadable files, unused suppressions).
const ONE_FILE_RULES: &[&str] = &[
    "ENV001", "ENV002", "ENV003", "ENV101", "ENV102", "ENV103", "ENV104", "ENV105", "ENV106", "ENV107", "ENV108",
    "ENV109", "ENV110", "ENV111", "ENV112", "DC012", "DF011", "PF001", "PF003",
];

/// Whether rule `code` reads nothing but the file it reports on (see [`ONE_FILE_RULES`]).
pub fn reads_one_file(code: &str) -> bool {
    ONE_FILE_RULES.contains(&code)
}
