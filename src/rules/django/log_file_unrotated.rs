//! DJ037 log-file-unrotated: a production `LOGGING` handler of class `logging.FileHandler`
//! writes to a file that nothing rotates (checklist section 12: log rotation).
//! `RotatingFileHandler`, `TimedRotatingFileHandler` and `WatchedFileHandler` (which reopens the
//! file after logrotate moves it) stay silent.

use super::Setting;
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::SettingsCtx;
use crate::registry::{Check, Family, Rule, Scope};
use crate::settings::Value;

pub const RULE: Rule = Rule {
    code: "DJ037",
    name: "log-file-unrotated",
    family: Family::Django,
    severity: Severity::Info,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A production LOGGING handler writes to a file with logging.FileHandler (no rotation)",
    check: Check::Settings(check),
};

fn check(ctx: &SettingsCtx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = Setting::get(ctx, "LOGGING") else { return };
    let Some(handlers) = s.value.get("handlers").and_then(Value::as_dict) else { return };
    for (name, handler) in handlers.iter() {
        let Some(class) = handler.get("class") else { continue };
        if class.as_str().map(str::trim) != Some("logging.FileHandler") {
            continue;
        }
        let name = name.as_str().unwrap_or("?");
        let file = handler.get("filename").map(|f| format!(" ({})", f.describe())).unwrap_or_default();
        let message = format!(
            "the `{name}` logging handler writes to a file{file} with logging.FileHandler, which never rotates it: \
             the file grows until the disk is full, and then the application fails"
        );
        let help = "use \"logging.handlers.RotatingFileHandler\" with maxBytes and backupCount, or \
                    \"logging.handlers.WatchedFileHandler\" with logrotate; in containers, log to the console \
                    (logging.StreamHandler) and let the platform keep the logs";
        out.extend(s.diagnostic(&RULE, class, message).map(|d| d.with_label("never rotated").with_help(help)));
    }
}
