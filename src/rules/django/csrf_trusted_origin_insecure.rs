//! DJ032 csrf-trusted-origin-insecure: production `CSRF_TRUSTED_ORIGINS` holds an `http://`
//! origin other than the loopback host (`localhost`, `127.0.0.1`, `[::1]`), or a bare wildcard
//! host (`https://*`), which trusts every site. Lists read from the environment
//! (`env.list("CSRF_TRUSTED_ORIGINS", default=[...])`) count as the production environment gives
//! them; each bad origin is its own diagnostic, at the origin's text.

use super::Setting;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DJ032",
    name: "csrf-trusted-origin-insecure",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "CSRF_TRUSTED_ORIGINS has an `http://` origin (other than localhost) or a bare `https://*` wildcard",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = Setting::get(ctx, "CSRF_TRUSTED_ORIGINS") else { return };
    let Some(items) = s.value.as_seq() else { return };
    for item in items {
        let Some(origin) = item.as_str() else { continue };
        let Some((message, label, help)) = judge(origin.trim()) else { continue };
        out.extend(s.diagnostic(&RULE, item, message).map(|d| d.with_label(label).with_help(help)));
    }
}

/// The message, label and help for an insecure origin; None for a safe one.
fn judge(origin: &str) -> Option<(String, &'static str, String)> {
    let lower = origin.to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://")?;
    let host = host_of(rest);
    if host == "*" {
        let message = format!(
            "CSRF_TRUSTED_ORIGINS holds `{origin}`, a bare wildcard: Django then trusts unsafe requests from \
             every site, which turns off the Origin check of CSRF protection"
        );
        let help = "list the origins that post to this site, such as \"https://app.example.com\" (a wildcard \
                    stays within your domain: \"https://*.example.com\")"
            .to_string();
        return Some((message, "every origin", help));
    }
    if scheme != "http" || is_loopback(host) {
        return None;
    }
    let message = format!(
        "CSRF_TRUSTED_ORIGINS trusts `{origin}`, a plain-HTTP origin: a network attacker who can answer for \
         that origin (on public Wi-Fi, for instance) can forge trusted requests, and the site behind it is \
         served without TLS"
    );
    let help =
        format!("trust the HTTPS origin instead: \"https://{}\"", &origin[origin.find("://").map_or(0, |i| i + 3)..]);
    Some((message, "plain HTTP", help))
}

/// The host of `rest` (what follows `scheme://`), without port, path or userinfo; IPv6
/// brackets kept.
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if authority.starts_with('[') {
        return authority.find(']').map_or(authority, |i| &authority[..=i]);
    }
    authority.split(':').next().unwrap_or_default()
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]") || host.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::judge;

    #[test]
    fn judges_origins() {
        for bad in ["http://example.com", "HTTP://api.example.com:8080", "https://*", "http://*", "https://*:443"] {
            assert!(judge(bad).is_some(), "{bad}");
        }
        for good in [
            "https://example.com",
            "https://*.example.com",
            "http://localhost:3000",
            "http://127.0.0.1",
            "http://[::1]:8000",
            "http://app.localhost",
        ] {
            assert!(judge(good).is_none(), "{good}");
        }
    }
}
