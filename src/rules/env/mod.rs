//! ENV: env-file rules.

pub mod duplicate_key;
pub mod extra_blank_line;
pub mod incorrect_delimiter;
pub mod key_without_value;
pub mod leading_character;
pub mod lowercase_key;
pub mod missing_final_newline;
pub mod needless_quotes;
pub mod placeholder_in_production;
pub mod space_around_equals;
pub mod substitution_unbraced;
pub mod syntax_error;
pub mod template_drift;
pub mod trailing_whitespace;
pub mod unordered_key;
pub mod unquoted_value_with_spaces;

use std::ops::Range;

use crate::parse::dotenv::{EnvEntry, EnvFile, Item};

/// True when the text holds Jinja markers (a cookiecutter/copier template file): syntax rules
/// stay silent there.
pub fn has_jinja_markers(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// The key as a loader reads it: `entry.key_span` without the quotes of a quoted key (`'KEY'=1`).
pub fn key_range(entry: &EnvEntry) -> Range<usize> {
    let span = &entry.key_span;
    if span.len() == entry.key.len() + 2 {
        span.start + 1..span.end - 1
    } else {
        span.clone()
    }
}

/// Whitespace inside a line: line terminators (`\n`, `\r`) excluded.
pub fn is_inline_space(c: char) -> bool {
    c.is_whitespace() && c != '\n' && c != '\r'
}

/// Every line of `text`: its contents and its terminator (`\r\n`, `\n`, a lone `\r`, or empty
/// for a last line without one), as byte ranges.
pub fn lines(text: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = text[start..].find(['\n', '\r']).map_or(text.len(), |i| start + i);
        let term = match bytes.get(end) {
            Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => 2,
            Some(_) => 1,
            None => 0,
        };
        out.push((start..end, end..end + term));
        start = end + term;
    }
    out
}

/// Where the last line that is not blank ends (an entry, a comment or an unparsable line);
/// None when the file holds only blank lines.
pub fn content_end(env: &EnvFile) -> Option<usize> {
    env.items.iter().rev().find_map(|item| match item {
        Item::Blank(_) => None,
        Item::Comment(r) => Some(r.end),
        Item::Entry(i) => Some(env.entries[*i].stmt.end),
        Item::Error(i) => Some(env.errors[*i].span.end),
    })
}

/// The byte length of the leading characters of `key` that are neither letters nor `_` (ENV101's
/// business; ENV112 looks only past them).
pub fn invalid_lead_len(key: &str) -> usize {
    key.find(|c: char| c.is_alphabetic() || c == '_').unwrap_or(key.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_on_every_terminator() {
        let text = "A=1\r\nB=2\rC=3\n\nD=4";
        let got: Vec<_> = lines(text).into_iter().map(|(l, t)| (&text[l], &text[t])).collect();
        assert_eq!(got, [("A=1", "\r\n"), ("B=2", "\r"), ("C=3", "\n"), ("", "\n"), ("D=4", "")]);
    }

    #[test]
    fn content_end_skips_trailing_blank_lines() {
        // An inline comment runs to the end of its line, trailing blanks included.
        let text = "A=1 # c  \n\n  \n";
        assert_eq!(content_end(&crate::parse::dotenv::parse(text)), Some(9));
        assert_eq!(content_end(&crate::parse::dotenv::parse("A=1  \n\n")), Some(3));
        assert_eq!(content_end(&crate::parse::dotenv::parse("\n  \n")), None);
    }

    #[test]
    fn key_range_drops_the_quotes_of_a_quoted_key() {
        let env = crate::parse::dotenv::parse("'KEY'=1\nexport OTHER=2\n");
        assert_eq!(key_range(&env.entries[0]), 1..4);
        assert_eq!(key_range(&env.entries[1]), 15..20);
        assert_eq!(invalid_lead_len("2FA"), 1);
        assert_eq!(invalid_lead_len("_X"), 0);
    }
}
