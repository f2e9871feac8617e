//! PF001 unreadable-file: a file could not be read; linting of the others goes on.

use crate::diagnostic::Severity;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "PF001",
    name: "unreadable-file",
    family: Family::Tool,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::Everywhere,
    summary: "A file could not be read (permissions, invalid UTF-8, NUL bytes, over the size cap, not a regular file)",
    check: Check::Pipeline,
};
