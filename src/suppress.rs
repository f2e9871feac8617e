//! Suppression comments: `# preflight: ignore[CODE,...] reason` on the offending line or alone on
//! the line before, and `# preflight: ignore-file[CODE,...]` anywhere in a file.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

#[derive(Debug, Clone)]
pub struct Suppression {
    /// The comment, from `#` to `]`.
    pub span: Range<usize>,
    pub file_level: bool,
    /// 1-based lines it covers (own line; the next one too when the comment stands alone).
    pub lines: Range<usize>,
    /// The codes or names as written, each with its span.
    pub codes: Vec<(String, Range<usize>)>,
}

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"#[ \t]*preflight:[ \t]*(ignore-file|ignore)\[([^\]\n]*)\]").expect("valid regex"))
}

/// Finds every suppression comment in a file's text.
pub fn parse(text: &str, line_of: impl Fn(usize) -> usize) -> Vec<Suppression> {
    if !text.contains("preflight:") {
        return Vec::new();
    }
    pattern()
        .captures_iter(text)
        .map(|cap| {
            let whole = cap.get(0).expect("match");
            let list = cap.get(2).expect("group");
            let mut codes = Vec::new();
            let mut offset = list.start();
            for part in list.as_str().split(',') {
                let trimmed = part.trim();
                if !trimmed.is_empty() {
                    let start = offset + part.find(trimmed).unwrap_or(0);
                    codes.push((trimmed.to_string(), start..start + trimmed.len()));
                }
                offset += part.len() + 1;
            }
            let line = line_of(whole.start());
            let line_start = text[..whole.start()].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let alone = text[line_start..whole.start()].trim().is_empty();
            Suppression {
                span: whole.range(),
                file_level: &cap[1] == "ignore-file",
                lines: if alone { line..line + 2 } else { line..line + 1 },
                codes,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_codes_and_lines() {
        let text = "A=1 # preflight: ignore[ENV002, env-syntax-error] why\n# preflight: ignore-file[ENV1]\n";
        let s = parse(text, |o| text[..o].matches('\n').count() + 1);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].codes.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["ENV002", "env-syntax-error"]);
        assert_eq!(&text[s[0].codes[1].1.clone()], "env-syntax-error");
        assert_eq!(s[0].lines, 1..2);
        assert!(s[1].file_level);
        assert_eq!(s[1].lines, 2..4);
    }
}
