//! DJ025 cors-allow-all-with-credentials: django-cors-headers (its `CorsMiddleware` in
//! MIDDLEWARE) allows every origin (`CORS_ALLOW_ALL_ORIGINS`, or its old name
//! `CORS_ORIGIN_ALLOW_ALL`, truthy as the library reads it). With `CORS_ALLOW_CREDENTIALS` it
//! reflects any origin and allows cookies: an error; without, any site reads the API's
//! responses: a warning.

use super::{has_middleware, Setting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ025",
    name: "cors-allow-all-with-credentials",
    family: Family::Django,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "CORS allows every origin, with credentials (error) or without (warning)",
    check: Check::Settings(check),
};

const CORS_MIDDLEWARE: &str = "corsheaders.middleware.CorsMiddleware";

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(find(ctx));
}

fn find(ctx: &SettingsCtx<'_>) -> Option<Diagnostic> {
    if !has_middleware(ctx, CORS_MIDDLEWARE)? {
        return None;
    }
    // django-cors-headers: CORS_ALLOW_ALL_ORIGINS, else the old CORS_ORIGIN_ALLOW_ALL.
    let all = Setting::get(ctx, "CORS_ALLOW_ALL_ORIGINS").or_else(|| Setting::get(ctx, "CORS_ORIGIN_ALLOW_ALL"))?;
    if !all.value.truthy()? {
        return None;
    }
    let creds = Setting::get(ctx, "CORS_ALLOW_CREDENTIALS");
    let with_creds = match &creds {
        Some(c) => c.value.truthy()?,
        None => false,
    };
    let name = all.name;
    let help = "list the origins that may call the API: CORS_ALLOWED_ORIGINS = [\"https://app.example.com\"], \
                and delete the allow-all setting";
    if with_creds {
        let message = format!(
            "{name} is {} with CORS_ALLOW_CREDENTIALS on: django-cors-headers then echoes any requesting origin \
             and allows credentials, so every website can send requests with your users' cookies and read the \
             answers",
            all.value.describe()
        );
        let mut d = all.diagnostic(&RULE, &all.value, message)?.with_label("every origin");
        if let Some(c) = &creds {
            if let Some(span) = c.span_of(&c.value).filter(|s| *s != d.span) {
                d = d.with_related(span, format!("CORS_ALLOW_CREDENTIALS is {}", c.value.describe()));
            }
        }
        return Some(d.with_help(help));
    }
    let message = format!(
        "{name} is {}: any website can call this API from its visitors' browsers and read the responses \
         (without cookies, as CORS_ALLOW_CREDENTIALS is off)",
        all.value.describe()
    );
    let d = all.diagnostic(&RULE, &all.value, message)?.with_label("every origin").with_help(help);
    Some(Diagnostic { severity: Severity::Warning, ..d })
}
