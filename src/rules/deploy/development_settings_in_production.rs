//! DEP002 development-settings-in-production: a production service, image (`ENV`) or env file
//! sets `DJANGO_SETTINGS_MODULE` to a development/test module (a local, dev, development, test,
//! testing or ci token in its dotted name: `config.settings.local`, `settings_dev`).
//! `manage.py`'s default and an inline `RUN` assignment select nothing (RULES.md, "DEP rules").

use super::{selected_by, selections};
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::DEVELOPMENT_TOKENS;
use crate::project::Project;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DEP002",
    name: "development-settings-in-production",
    family: Family::Deployment,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A production service, image or env file selects a development/test settings module",
    check: Check::Project(check),
};

const HELP: &str = "point DJANGO_SETTINGS_MODULE at the production settings module \
                    (`config.settings.production`), and keep the development module to development files";

/// The development token of a dotted module name (whole tokens, split on `.`, `_`, `-`).
pub fn dev_token(module: &str) -> Option<String> {
    module.split(['.', '_', '-']).map(str::to_ascii_lowercase).find(|t| DEVELOPMENT_TOKENS.contains(&t.as_str()))
}

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    for sel in selections(project) {
        let Some(token) = dev_token(&sel.module) else { continue };
        out.push(
            Diagnostic::new(
                &RULE,
                sel.span,
                format!(
                    "production selects the settings module `{}`{}: its `{token}` name says development or \
                     test, and it is what production runs",
                    sel.module,
                    selected_by(&sel)
                ),
            )
            .with_label("development settings module")
            .with_help(HELP),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::dev_token;

    #[test]
    fn tokens() {
        assert_eq!(dev_token("config.settings.local").as_deref(), Some("local"));
        assert_eq!(dev_token("settings_dev").as_deref(), Some("dev"));
        assert_eq!(dev_token("app.settings.ci").as_deref(), Some("ci"));
        assert_eq!(dev_token("config.settings.latest"), None);
        assert_eq!(dev_token("devops.settings.production"), None);
    }
}
