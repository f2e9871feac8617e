//! DEP008 settings-default-development: `wsgi.py`/`asgi.py` (what production servers import)
//! default `DJANGO_SETTINGS_MODULE` to a development module while a production module exists, and
//! no production environment source sets the variable: one forgotten variable runs production on
//! development settings.
//!
//! Discovery keeps the facts ([`crate::settings::ModuleChoice::dev_default`]): it is only set for
//! a `wsgi.py`/`asgi.py` default (a `manage.py` default is for development, RULES.md) naming a
//! development module beside a production-named one, when no production source selects a module
//! of the tree. The rule also stays silent when a production source sets the variable to
//! something discovery could not use (a module not in the tree is DEP001's; a `${VAR}` it cannot
//! resolve is still set). It runs once per evaluated settings module (`Check::Settings`), since
//! discovery is part of building them.

use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::project::{Parsed, SettingsCtx};
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::resolve::normalize;
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: "DEP008",
    name: "settings-default-development",
    family: Family::Deployment,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "wsgi.py/asgi.py default DJANGO_SETTINGS_MODULE to a development module beside a production one",
    check: Check::Settings(check),
};

const VAR: &str = "DJANGO_SETTINGS_MODULE";

/// Whether a production environment source of this evaluation sets `DJANGO_SETTINGS_MODULE`:
/// the environment of its Compose services, else the production env files and the `ENV` of the
/// production Dockerfiles.
fn production_sets_it(ctx: &SettingsCtx<'_>) -> bool {
    let project = ctx.project;
    if !ctx.model.services.is_empty() {
        return project
            .deployment
            .services
            .iter()
            .filter(|l| ctx.model.services.contains(&l.name))
            .any(|l| l.env.get(VAR).is_some());
    }
    let root = crate::model::settings::linted_root;
    let this_root = ctx.model.files.first().copied().flatten().map(|id| root(&project.files[id].found));
    project.files.iter().filter(|f| f.class().is_production()).filter(|f| Some(root(&f.found)) == this_root).any(|f| {
        match &f.parsed {
            Parsed::Env(env) => env.get(VAR).is_some(),
            Parsed::Dockerfile(m) => {
                m.dockerfile.final_stage().is_some_and(|s| s.config.env.iter().any(|e| e.name == VAR))
            }
            _ => false,
        }
    })
}

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let choice = &ctx.model.choice;
    let Some(dev) = &choice.dev_default else { return };
    if production_sets_it(ctx) {
        return;
    }
    let key = normalize(&dev.file);
    let Some(id) = ctx.project.files.iter().position(|f| normalize(&f.found.path) == key) else { return };
    let file = &ctx.project.files[id];
    if file.source.text.get(dev.range.clone()).is_none() {
        return;
    }
    let entry = file.found.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let message = format!(
        "{entry} defaults {VAR} to `{}`, a development module, although `{}` exists and no production \
         environment source sets {VAR}: a production server started without the variable runs on \
         development settings",
        dev.module, choice.module
    );
    let help = format!(
        "default to the production module in {entry} (`os.environ.setdefault(\"{VAR}\", \"{}\")`) and keep the \
         development default in manage.py, or set {VAR} in the production environment (compose \
         `environment:`, the production env file, Dockerfile `ENV`)",
        choice.module
    );
    let mut d = Diagnostic::new(&RULE, Span::new(id, dev.range.clone()), message)
        .with_label("development settings by default")
        .with_help(help);
    if let Some(span) = ctx.first_statement() {
        d.related.push(Related { span, message: format!("the production module `{}`", choice.module) });
    }
    out.push(d);
}
