//! DJ028 drf-permissive-defaults: DRF is installed and its default permission lets anyone in:
//! `DEFAULT_PERMISSION_CLASSES` unset (DRF's default is `AllowAny`), empty (no check at all), or
//! only `AllowAny`. Info: views may set their own `permission_classes`.

use super::{drf_settings, never_set};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ028",
    name: "drf-permissive-defaults",
    family: Family::Django,
    severity: Severity::Info,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "DRF's default permission lets anyone in (DEFAULT_PERMISSION_CLASSES unset or AllowAny)",
    check: Check::Settings(check),
};

const HELP: &str = "set \"DEFAULT_PERMISSION_CLASSES\": [\"rest_framework.permissions.IsAuthenticated\"] in \
                    REST_FRAMEWORK, and open the public views one by one with permission_classes = [AllowAny]";
const OPEN: &str = "every API view that does not set permission_classes is open to anonymous users (one \
                    forgotten view leaks or changes data)";

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(drf) = drf_settings(ctx) else { return };
    let d = match drf {
        None => never_set(ctx, &RULE, "REST_FRAMEWORK", format!("DRF's default permission is AllowAny, so {OPEN}")),
        Some(s) => match s.value.get("DEFAULT_PERMISSION_CLASSES") {
            None => s.diagnostic(
                &RULE,
                &s.value,
                format!(
                    "REST_FRAMEWORK does not set DEFAULT_PERMISSION_CLASSES (DRF's default is AllowAny), so {OPEN}"
                ),
            ),
            Some(v) => {
                let Some(items) = v.as_seq() else { return };
                let mut names = Vec::new();
                for item in items {
                    let Some(name) = item.as_str() else { return };
                    names.push(name);
                }
                if !names.iter().all(|n| n.rsplit('.').next() == Some("AllowAny")) {
                    return;
                }
                let what = if names.is_empty() { "empty (no permission is checked)" } else { "AllowAny" };
                s.diagnostic(&RULE, v, format!("DEFAULT_PERMISSION_CLASSES is {what}, so {OPEN}"))
            }
        },
    };
    out.extend(d.map(|d| d.with_help(HELP)));
}
