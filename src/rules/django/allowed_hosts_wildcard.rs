//! DJ004 allowed-hosts-wildcard: the production `ALLOWED_HOSTS` holds `"*"`, so Django accepts
//! any `Host` header. A string instead of a list counts too: Django iterates it character by
//! character, so `ALLOWED_HOSTS = "*"` (or any string holding `*`) is the wildcard.

use super::Setting;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::{Kind, Value};

pub const RULE: Rule = Rule {
    code: "DJ004",
    name: "allowed-hosts-wildcard",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`ALLOWED_HOSTS` contains `\"*\"`: any Host header is accepted",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(hosts) = Setting::get(ctx, "ALLOWED_HOSTS") else { return };
    // Every possible value must hold the wildcard; the first one says where.
    let mut star = None;
    for alt in hosts.value.alternatives() {
        match wildcard(alt) {
            Some(Some(item)) => star = star.or(Some(item)),
            _ => return,
        }
    }
    let Some(item) = star else { return };
    let as_string = if matches!(hosts.value.kind, Kind::Str(_)) {
        " (a string, which Django reads character by character)"
    } else {
        ""
    };
    let message = format!(
        "ALLOWED_HOSTS contains \"*\"{as_string}: Django accepts requests for any Host header, so forged \
         hosts reach the application (poisoned password-reset links, cache poisoning)"
    );
    let Some(d) = hosts.diagnostic(&RULE, item, message) else { return };
    out.push(d.with_label("matches every host").with_help(
        "list the domains the site answers on: `ALLOWED_HOSTS = [\"example.com\", \"www.example.com\"]` \
         (`.example.com` matches a domain and its subdomains)",
    ));
}

/// Some(Some(the item)) when `v` holds the wildcard, Some(None) when it does not, None when it
/// cannot be known.
fn wildcard(v: &Value) -> Option<Option<&Value>> {
    if let Kind::Str(s) = &v.kind {
        return Some(s.contains('*').then_some(v));
    }
    let items = v.as_seq()?;
    let mut unknown = false;
    for item in items {
        match &item.kind {
            Kind::Str(s) if &**s == "*" => return Some(Some(item)),
            Kind::Unknown(_) | Kind::OneOf(_) => unknown = true,
            _ => {}
        }
    }
    (!unknown).then_some(None)
}
