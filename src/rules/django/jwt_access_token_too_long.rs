//! DJ018 jwt-access-token-too-long: simplejwt's `ACCESS_TOKEN_LIFETIME` (and
//! `SLIDING_TOKEN_LIFETIME` when sliding tokens are in use), or djangorestframework-jwt's
//! `JWT_AUTH["JWT_EXPIRATION_DELTA"]`, is longer than `thresholds.jwt-access-max` (15 minutes by
//! default). simplejwt's own defaults are 5 minutes.

use super::{human_duration, jwt_token_classes, simple_jwt, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::Value;

pub const RULE: Rule = Rule {
    code: "DJ018",
    name: "jwt-access-token-too-long",
    family: Family::Django,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A JWT access token lives longer than the configured maximum (15 minutes by default)",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let max = ctx.project.config().thresholds.jwt_access_max_secs as f64;
    // SIMPLE_JWT never set: simplejwt's 5-minute defaults apply.
    if let Some(Some(s)) = &simple_jwt(ctx) {
        if let Some(v) = s.value.get("ACCESS_TOKEN_LIFETIME") {
            out.extend(judge(s, v, "SIMPLE_JWT[\"ACCESS_TOKEN_LIFETIME\"]", "ACCESS_TOKEN_LIFETIME", max));
        }
        let sliding = jwt_token_classes(Some(s)).is_some_and(|c| c.iter().any(|c| c.ends_with("SlidingToken")));
        if let Some(v) = s.value.get("SLIDING_TOKEN_LIFETIME").filter(|_| sliding) {
            out.extend(judge(s, v, "SIMPLE_JWT[\"SLIDING_TOKEN_LIFETIME\"]", "SLIDING_TOKEN_LIFETIME", max));
        }
    }
    if let Some(s) = Setting::get(ctx, "JWT_AUTH") {
        if let Some(v) = s.value.get("JWT_EXPIRATION_DELTA") {
            out.extend(judge(&s, v, "JWT_AUTH[\"JWT_EXPIRATION_DELTA\"]", "JWT_EXPIRATION_DELTA", max));
        }
    }
}

fn judge(s: &Setting<'_, '_>, v: &Value, shown: &str, key: &str, max: f64) -> Option<Diagnostic> {
    let secs = v.as_timedelta_seconds()?;
    if secs <= max {
        return None;
    }
    let message = format!(
        "{shown} is {}, longer than the {} allowed (thresholds.jwt-access-max): a stolen token keeps \
         working that long, and an access token cannot be revoked before it expires",
        human_duration(secs),
        human_duration(max)
    );
    let max = max as u64;
    let fix =
        if max % 60 == 0 { format!("timedelta(minutes={})", max / 60) } else { format!("timedelta(seconds={max})") };
    let d = s.diagnostic(&RULE, v, message)?.with_label(format!("{} lifetime", human_duration(secs)));
    Some(d.with_help(format!("write \"{key}\": {fix}, and let clients refresh")))
}
