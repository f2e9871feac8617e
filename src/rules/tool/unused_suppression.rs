//! PF003 unused-suppression: a suppression comment that matched nothing.

use crate::diagnostic::Severity;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "PF003",
    name: "unused-suppression",
    family: Family::Tool,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::Everywhere,
    summary: "A `# preflight: ignore[...]` comment that suppresses nothing",
    check: Check::Pipeline,
};
