//! DJ023 rate-limiting-missing: DRF is installed (`rest_framework` in INSTALLED_APPS) and its
//! API is not throttled by default: no `DEFAULT_THROTTLE_CLASSES`, a built-in throttle whose scope
//! (`anon`, `user`) has no rate in `DEFAULT_THROTTLE_RATES`, or a rate DRF cannot parse. DRF's
//! `parse_rate` splits `num/period` on `/`, calls `int(num)` and looks up the period's FIRST
//! character in `s`/`m`/`h`/`d`: `"100/day"` works, `"10/5m"` raises KeyError on the first request.

use super::{drf_settings, never_set, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::Value;

pub const RULE: Rule = Rule {
    code: "DJ023",
    name: "rate-limiting-missing",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "DRF API without default throttling, a throttle scope without a rate, or an unparsable rate",
    check: Check::Settings(check),
};

const HELP: &str = "set \"DEFAULT_THROTTLE_CLASSES\": [\"rest_framework.throttling.AnonRateThrottle\", \
                    \"rest_framework.throttling.UserRateThrottle\"] and \"DEFAULT_THROTTLE_RATES\": {\"anon\": \
                    \"100/hour\", \"user\": \"1000/hour\"} in REST_FRAMEWORK";

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(drf) = drf_settings(ctx) else { return };
    let Some(s) = drf else {
        let message = "DRF's defaults throttle nothing, so every API endpoint (token and login views \
                       included) answers as many requests as a client sends";
        out.extend(never_set(ctx, &RULE, "REST_FRAMEWORK", message).map(|d| d.with_help(HELP)));
        return;
    };
    let rates = s.value.get("DEFAULT_THROTTLE_RATES");
    if let Some(d) = rates.and_then(Value::as_dict) {
        for (scope, rate) in d.iter() {
            out.extend(bad_rate(&s, scope, rate));
        }
    }
    match s.value.get("DEFAULT_THROTTLE_CLASSES") {
        None => {
            let message = "REST_FRAMEWORK sets no DEFAULT_THROTTLE_CLASSES (DRF's default is []): no API \
                           endpoint is throttled unless its view sets throttle_classes";
            out.extend(s.diagnostic(&RULE, &s.value, message).map(|d| d.with_help(HELP)));
        }
        Some(classes) => out.extend(missing_rates(&s, classes, rates)),
    }
}

/// Built-in throttles whose scope has no usable rate.
fn missing_rates(s: &Setting<'_, '_>, classes: &Value, rates: Option<&Value>) -> Vec<Diagnostic> {
    let Some(items) = classes.as_seq() else { return Vec::new() };
    if items.is_empty() {
        let message = "DEFAULT_THROTTLE_CLASSES is empty: no API endpoint is throttled unless its view sets \
                       throttle_classes";
        return s.diagnostic(&RULE, classes, message).map(|d| d.with_help(HELP)).into_iter().collect();
    }
    let mut out = Vec::new();
    for item in items {
        let scope = match item.as_str().and_then(|c| c.rsplit('.').next()) {
            Some("AnonRateThrottle") => "anon",
            Some("UserRateThrottle") => "user",
            // ScopedRateThrottle takes its scope from each view; custom classes set their own.
            _ => continue,
        };
        let class = item.as_str().unwrap_or_default();
        let message = match rates.map(Value::as_dict) {
            // DRF's default rates: {"user": None, "anon": None}.
            None => format!(
                "DEFAULT_THROTTLE_RATES is not set and DRF's default `{scope}` rate is None, so `{class}` \
                 throttles nothing"
            ),
            Some(None) => continue,
            Some(Some(d)) => match d.get_str(scope) {
                None => format!(
                    "DEFAULT_THROTTLE_RATES has no `{scope}` rate, so `{class}` raises ImproperlyConfigured on \
                     every request it checks"
                ),
                Some(v) if v.is_none() == Some(true) => {
                    format!("the `{scope}` throttle rate is None, so `{class}` throttles nothing")
                }
                Some(_) => continue,
            },
        };
        let help = format!("add \"{scope}\": \"100/hour\" (or the rate you want) to DEFAULT_THROTTLE_RATES");
        out.extend(s.diagnostic(&RULE, item, message).map(|d| d.with_help(help)));
    }
    out
}

/// A rate DRF's `parse_rate` rejects.
fn bad_rate(s: &Setting<'_, '_>, scope: &Value, rate: &Value) -> Option<Diagnostic> {
    if !rate.is_determined() || rate.is_none() == Some(true) {
        return None;
    }
    let scope = scope.as_str()?;
    let why = match rate.as_str() {
        Some(text) => parse_rate(text).err()?,
        None => format!("a {} is not a `num/period` string", rate.type_name()),
    };
    let message = format!(
        "the `{scope}` throttle rate {} cannot be parsed by DRF ({why}): the throttle fails on the first request \
         it checks",
        rate.describe()
    );
    let d = s.diagnostic(&RULE, rate, message)?.with_label("DRF cannot parse this rate");
    Some(d.with_help(
        "write the rate as `number/period` with a period of s, m, h or d: \"10/min\", \"100/hour\", \"1000/day\"",
    ))
}

/// DRF's `SimpleRateThrottle.parse_rate`: `num, period = rate.split('/')`, `int(num)`,
/// `{'s': 1, 'm': 60, 'h': 3600, 'd': 86400}[period[0]]`.
fn parse_rate(rate: &str) -> Result<(), String> {
    let parts: Vec<&str> = rate.split('/').collect();
    let [num, period] = parts[..] else {
        return Err(format!("it needs exactly one `/`, and has {}", parts.len() - 1));
    };
    if !python_int(num) {
        return Err(format!("`{num}` is not an integer"));
    }
    match period.chars().next() {
        None => Err("the period is empty".into()),
        Some('s' | 'm' | 'h' | 'd') => Ok(()),
        Some(c) => Err(format!(
            "DRF looks up only the first character of the period `{period}`, which is `{c}`; it knows s, m, h and d"
        )),
    }
}

/// Whether Python's `int()` accepts `s`: surrounding whitespace, an optional sign, digits with
/// single underscores between them.
fn python_int(s: &str) -> bool {
    let s = s.trim();
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    !s.is_empty()
        && !s.starts_with('_')
        && !s.ends_with('_')
        && !s.contains("__")
        && s.chars().all(|c| c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_like_drf() {
        for ok in ["100/day", "10/min", "5/s", "1/hour", " 7 /minute", "1_000/d", "+3/m"] {
            assert!(parse_rate(ok).is_ok(), "{ok}");
        }
        for bad in ["10/5m", "10/Minute", "10", "10/", "ten/min", "1/2/m", "1__0/m", "/m", "10/ minute"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }
}
