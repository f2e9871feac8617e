//! ENV112 incorrect-delimiter: a key with a character other than letters, digits and `_`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::EnvFileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "ENV112",
    name: "incorrect-delimiter",
    family: Family::Env,
    severity: Severity::Info,
    default_enabled: false,
    scope: Scope::NonTemplate,
    summary: "A key with a character other than letters, digits and `_` (e.g. `-`, `.`)",
    check: Check::EnvFile(check),
};

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn check(ctx: &EnvFileCtx<'_>, out: &mut Vec<Diagnostic>) {
    for entry in &ctx.env.entries {
        // A bad first character is ENV101's: look past the leading run it reports.
        let lead = super::invalid_lead_len(&entry.key);
        let Some((at, bad)) = entry.key[lead..].char_indices().find(|&(_, c)| !is_name_char(c)) else { continue };
        let start = super::key_range(entry).start + lead + at;
        let fixed: String = entry.key[..lead]
            .chars()
            .chain(entry.key[lead..].chars().map(|c| if is_name_char(c) { c } else { '_' }))
            .collect();
        out.push(
            Diagnostic::new(
                &RULE,
                ctx.span(start..start + bad.len_utf8()),
                format!(
                    "`{}` contains `{bad}`: shells and Compose interpolation accept only letters, digits and `_` \
                     in a name",
                    entry.key
                ),
            )
            .with_label(format!("`{bad}` in a key"))
            .with_help(format!("use `_` between words: `{fixed}`, and rename it where it is read")),
        );
    }
}
