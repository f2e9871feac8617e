//! DJ005 allowed-hosts-empty: the production `ALLOWED_HOSTS` is empty (Django's
//! `security.W020`, which fires when `not settings.ALLOWED_HOSTS`): with `DEBUG` off, Django
//! answers every request with 400 Bad Request. Never set (Django's default `[]`), an empty list,
//! or an env list that no production source fills.

use super::{env_var_of, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Kind, StepKind};

pub const RULE: Rule = Rule {
    code: "DJ005",
    name: "allowed-hosts-empty",
    family: Family::Django,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`ALLOWED_HOSTS` is empty: every request is refused (Django security.W020)",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(hosts) = Setting::get(ctx, "ALLOWED_HOSTS") else { return };
    let v = &hosts.value;
    if v.truthy() != Some(false) {
        return;
    }
    let env_set = v.steps.to_vec().into_iter().rev().find_map(|s| match s.kind {
        StepKind::EnvSet { var } => Some(var),
        _ => None,
    });
    let why = match (&v.env_default, &env_set) {
        (Some(var), _) => format!(" (no production source sets {var}, so the code default applies)"),
        (None, Some(var)) => format!(" (the production environment sets {var} to an empty value)"),
        _ => String::new(),
    };
    let consequence = "with DEBUG off Django answers every request with 400 Bad Request (Django security.W020)";
    let message = if hosts.assigned {
        let shown = if matches!(v.kind, Kind::List(_)) { String::new() } else { format!(" ({})", v.describe()) };
        format!("ALLOWED_HOSTS is empty{shown}{why}; {consequence}")
    } else {
        consequence.to_string()
    };
    let Some(d) = hosts.diagnostic(&RULE, v, message) else { return };
    let help = match env_var_of(v) {
        Some(var) => format!("set {var} in the production environment to the domains the site answers on"),
        None => {
            "list the domains the site answers on: `ALLOWED_HOSTS = [\"example.com\", \"www.example.com\"]`".to_string()
        }
    };
    out.push(d.with_label("no allowed host").with_help(help));
}
