//! DJ002 secret-key-hardcoded: the production `SECRET_KEY` (or an entry of
//! `SECRET_KEY_FALLBACKS`) is written in the settings code: a literal, or the literal default /
//! `or` fallback of an env read that no production source sets. A key that the production
//! environment supplies is not hardcoded, and neither is one that cannot be known (an env read
//! with no default: DJ031 and DEP003 speak of those).

use super::{env_var_of, written_in_code, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::Value;
use crate::source::mask_secret;

pub const RULE: Rule = Rule {
    code: "DJ002",
    name: "secret-key-hardcoded",
    family: Family::Django,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`SECRET_KEY` (or a fallback) is written in the code: a literal or a literal env default",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(key) = Setting::known(ctx, "SECRET_KEY") {
        report(ctx, &key, &key.value, "SECRET_KEY", out);
    }
    if let Some(fallbacks) = Setting::known(ctx, "SECRET_KEY_FALLBACKS") {
        for (i, item) in fallbacks.value.as_seq().unwrap_or_default().iter().enumerate() {
            report(ctx, &fallbacks, item, &format!("SECRET_KEY_FALLBACKS[{i}]"), out);
        }
    }
}

fn report(ctx: &SettingsCtx<'_>, setting: &Setting<'_, '_>, key: &Value, what: &str, out: &mut Vec<Diagnostic>) {
    if !written_in_code(ctx, key) {
        return;
    }
    let shown = mask_secret(key.as_str().unwrap_or_default());
    let var = env_var_of(key);
    let how = match (&key.env_default, &var) {
        (Some(var), _) => format!(
            "falls back to a key written in the code (`{shown}`): no production source sets {var}, so the \
             code default is the production key"
        ),
        _ => format!("is hardcoded in the settings code (`{shown}`)"),
    };
    let message = format!(
        "{what} {how}; anyone who can read the repository can forge sessions, password-reset links and \
         everything else Django signs with it"
    );
    let Some(d) = setting.diagnostic(&RULE, key, message) else { return };
    let var = var.unwrap_or_else(|| {
        if setting.name == "SECRET_KEY" { "DJANGO_SECRET_KEY" } else { "DJANGO_SECRET_KEY_FALLBACKS" }.to_string()
    });
    let line = if setting.name == "SECRET_KEY" {
        format!("`SECRET_KEY = env(\"{var}\")`, or `os.environ[\"{var}\"]`")
    } else {
        format!("`SECRET_KEY_FALLBACKS = env.list(\"{var}\", default=[])`")
    };
    out.push(d.with_label("key written in the code").with_help(format!(
        "read it from the production environment with no default ({line}), and rotate this key: it stays in \
         the repository's history"
    )));
}
