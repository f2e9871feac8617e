//! ENV: env-file rules.

pub mod duplicate_key;
pub mod syntax_error;

/// True when the text holds Jinja markers (a cookiecutter/copier template file): syntax rules
/// stay silent there.
pub fn has_jinja_markers(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}
