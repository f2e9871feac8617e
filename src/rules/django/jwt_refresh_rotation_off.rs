//! DJ019 jwt-refresh-rotation-off: simplejwt issues refresh tokens (a non-sliding class in
//! `AUTH_TOKEN_CLASSES`, the default) without rotating them (`ROTATE_REFRESH_TOKENS`), or rotates
//! them without blacklisting the old ones (`BLACKLIST_AFTER_ROTATION` and the
//! `rest_framework_simplejwt.token_blacklist` app). simplejwt reads both flags by truthiness.

use super::{has_app, jwt_token_classes, never_set, simple_jwt, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ019",
    name: "jwt-refresh-rotation-off",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "simplejwt refresh tokens are not rotated, or rotated without blacklisting the old ones",
    check: Check::Settings(check),
};

const BLACKLIST_APP: &str = "rest_framework_simplejwt.token_blacklist";

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(find(ctx));
}

fn find(ctx: &SettingsCtx<'_>) -> Option<Diagnostic> {
    let jwt = simple_jwt(ctx)?;
    let classes = jwt_token_classes(jwt.as_ref())?;
    if !classes.iter().any(|c| !c.ends_with("SlidingToken")) {
        return None;
    }
    let flag = |key: &str| match jwt.as_ref().and_then(|s| s.value.get(key)) {
        Some(v) => v.truthy(),
        None => Some(false),
    };
    let (key, message, help) = if !flag("ROTATE_REFRESH_TOKENS")? {
        (
            "ROTATE_REFRESH_TOKENS",
            "refresh tokens are not rotated, so a stolen refresh token mints new access tokens until it \
             expires and nothing shows that it was reused",
            "set \"ROTATE_REFRESH_TOKENS\": True and \"BLACKLIST_AFTER_ROTATION\": True in SIMPLE_JWT, and add \
             \"rest_framework_simplejwt.token_blacklist\" to INSTALLED_APPS",
        )
    } else if !flag("BLACKLIST_AFTER_ROTATION")? {
        (
            "BLACKLIST_AFTER_ROTATION",
            "rotated refresh tokens are not blacklisted, so the old one stays valid after rotation and a \
             stolen one keeps working",
            "set \"BLACKLIST_AFTER_ROTATION\": True in SIMPLE_JWT, and add \
             \"rest_framework_simplejwt.token_blacklist\" to INSTALLED_APPS",
        )
    } else if !has_app(ctx, BLACKLIST_APP)? {
        let apps = Setting::get(ctx, "INSTALLED_APPS")?;
        let message = format!(
            "BLACKLIST_AFTER_ROTATION is on, but `{BLACKLIST_APP}` is not in INSTALLED_APPS: simplejwt has \
             nowhere to record rotated tokens, and its serializers fail to import"
        );
        let d = apps.diagnostic(&RULE, &apps.value, message)?;
        return Some(d.with_help(format!("add \"{BLACKLIST_APP}\" to INSTALLED_APPS and run its migrations")));
    } else {
        return None;
    };
    let d = match &jwt {
        Some(s) => match s.value.get(key) {
            Some(v) => s.diagnostic(&RULE, v, format!("{key} is {}: {message}", v.describe()))?,
            None => s.diagnostic(
                &RULE,
                &s.value,
                format!("SIMPLE_JWT does not set {key} (simplejwt's default is False): {message}"),
            )?,
        },
        None => never_set(ctx, &RULE, "SIMPLE_JWT", format!("{key} defaults to False; {message}"))?,
    };
    Some(d.with_help(help))
}
