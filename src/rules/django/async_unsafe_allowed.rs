//! DJ029 async-unsafe-allowed: a production env file sets `DJANGO_ALLOW_ASYNC_UNSAFE` to a
//! non-empty value (Django's `async.E001` checks `os.environ.get(...)` for truthiness, so
//! `false` and `0` turn the protection off too). A settings check, so that it runs only where a
//! Django project is; it reads the production env files of the linted tree the project's settings
//! were evaluated under, and its diagnostics sit in those files (scope `Production`).

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::settings::linted_root;
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: "DJ029",
    name: "async-unsafe-allowed",
    family: Family::Django,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::Production,
    summary: "`DJANGO_ALLOW_ASYNC_UNSAFE` is set in a production env file (Django async.E001)",
    check: Check::Settings(check),
};

const VAR: &str = "DJANGO_ALLOW_ASYNC_UNSAFE";

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let Some(root) = ctx.model.files.iter().flatten().next().map(|&id| linted_root(&project.file(id).found)) else {
        return;
    };
    for (id, file, env) in project.env_files() {
        if !file.class().is_production() || linted_root(&file.found) != root {
            continue;
        }
        let Some(entry) = env.get(VAR) else { continue };
        let Some(value) = &entry.value else { continue };
        if value.value.is_empty() || !value.refs.is_empty() {
            continue;
        }
        let falsy = ["0", "false", "no", "off"].contains(&value.value.to_ascii_lowercase().as_str());
        let note = if falsy {
            format!(" (Django checks only that it is non-empty: `{}` turns the protection off too)", value.value)
        } else {
            String::new()
        };
        let message = format!(
            "{VAR} is set in a production env file{note}: Django's async-safety check is off, so ORM calls made \
             from async code run inside the event loop, where they block every other request and share one \
             database connection between concurrent requests (Django async.E001)"
        );
        out.push(
            Diagnostic::new(&RULE, Span::new(id, value.span.clone()), message)
                .with_label("async safety off")
                .with_help(format!("delete {VAR} from production; wrap synchronous calls in sync_to_async instead")),
        );
    }
}
