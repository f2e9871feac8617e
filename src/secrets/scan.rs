//! The scanner: one pass of the keyword automaton over a file's text, then each pattern's regex
//! only around its keywords (the same line, or 32 KiB for PEM blocks), then the checks that drop
//! documentation (placeholders, allowlists, stopwords, low entropy). The same pass finds
//! `scheme://user:password@host` URLs with a literal password (SEC004).
//!
//! The pipeline scans every file once ([`crate::project::Project::secrets`]): SEC002 reports the
//! tokens, SEC004 the URLs, the other rules use them to stay silent on a value another rule owns,
//! and every output masks them.

use std::ops::Range;
use std::sync::OnceLock;

use regex::bytes::Regex;

use super::patterns::{patterns, Pattern, MULTILINE_WINDOW};

/// A provider token (`rules/secrets.toml`) found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Index into [`super::patterns::Patterns::list`].
    pub pattern: usize,
    /// The secret (the pattern's secret group).
    pub range: Range<usize>,
}

impl Token {
    pub fn pattern(&self) -> &'static Pattern {
        &patterns().list[self.pattern]
    }
}

/// `scheme://user:password@host` with a literal password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlCredential {
    /// From the scheme to the end of the host.
    pub url: Range<usize>,
    pub user: Range<usize>,
    pub password: Range<usize>,
}

/// What the scan of one file found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSecrets {
    /// In text order, never overlapping.
    pub tokens: Vec<Token>,
    /// In text order.
    pub urls: Vec<UrlCredential>,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

impl FileSecrets {
    /// The token overlapping a range, if any (the value is SEC002's).
    pub fn token_in(&self, range: &Range<usize>) -> Option<&Token> {
        self.tokens.iter().find(|t| overlaps(&t.range, range))
    }

    /// The URL credential whose password overlaps a range, if any (the value is SEC004's).
    pub fn url_in(&self, range: &Range<usize>) -> Option<&UrlCredential> {
        self.urls.iter().find(|u| overlaps(&u.password, range))
    }

    /// Every secret's byte range, for masking.
    pub fn redactions(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.tokens.iter().map(|t| t.range.clone()).chain(self.urls.iter().map(|u| u.password.clone()))
    }
}

/// How far before and after a keyword a single-line pattern looks (on the keyword's line).
const BEFORE: usize = 512;
const AFTER: usize = 1024;

/// The keyword's line, clamped to [`BEFORE`] and [`AFTER`] bytes around it.
fn line_window(bytes: &[u8], start: usize, end: usize) -> Range<usize> {
    let lo = start.saturating_sub(BEFORE);
    let from = bytes[lo..start].iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(lo, |i| lo + i + 1);
    let hi = (end + AFTER).min(bytes.len());
    let to = bytes[end..hi].iter().position(|&b| b == b'\n' || b == b'\r').map_or(hi, |i| end + i);
    from..to
}

/// `scheme://user:password@host`. The user may be empty (`redis://:pw@host`); the password stops
/// at `@`, `/`, whitespace, quotes and angle brackets.
const URL_CREDENTIALS: &str = r#"\b([A-Za-z][A-Za-z0-9+.-]{0,30})://([A-Za-z0-9._~%!$&'()*+,;={}-]*):([^\s@/"'`<>]{1,256})@([A-Za-z0-9._~%-]+|\[[0-9A-Fa-f:.]+\])"#;

fn url_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| super::patterns::compile(URL_CREDENTIALS).expect("valid regex"))
}

/// A password that is not written in the URL: a placeholder (`password`, `<pw>`, `***`), a
/// variable (`${DB_PASSWORD}`, `$DB_PASSWORD`, `$(cat /run/secrets/pw)`) or a format field
/// (`{password}`, `%(password)s`, `%s`, `{{ password }}`).
pub fn is_literal_password(pw: &str) -> bool {
    let field = (pw.starts_with('{') && pw.ends_with('}')) || pw.contains("%(") || pw.contains("%s");
    !(field || pw.starts_with('$') || pw.contains("${") || pw.contains("$(") || super::is_placeholder(pw, ""))
}

/// The slot of the URL search among the patterns' windows.
const URL: usize = usize::MAX;

/// Scans a text for provider tokens and URL credentials.
pub fn scan(text: &str) -> FileSecrets {
    let mut out = FileSecrets::default();
    if text.len() < 8 {
        return out;
    }
    let p = patterns();
    let bytes = text.as_bytes();
    // (pattern, window); `URL` is the search for credentials in URLs.
    let mut hits: Vec<(usize, Range<usize>)> = Vec::new();
    // How far each pattern's windows already reach (the last slot is the URL search): a keyword
    // well inside an earlier window adds nothing, which keeps dense lines (minified files) linear.
    let mut covered = vec![0usize; p.list.len() + 1];
    for m in p.keywords.find_overlapping_iter(bytes) {
        let k = m.pattern().as_usize();
        let slots: &[usize] = if k == p.url_keyword { &[usize::MAX] } else { &p.by_keyword[k] };
        let slot = |pi: usize| if pi == URL { p.list.len() } else { pi };
        if slots.iter().all(|&pi| covered[slot(pi)] >= m.end() + AFTER / 2) {
            continue;
        }
        let line = line_window(bytes, m.start(), m.end());
        for &pi in slots {
            let window = if pi != URL && p.list[pi].def.multiline {
                line.start..(m.start() + MULTILINE_WINDOW).min(bytes.len())
            } else {
                line.clone()
            };
            covered[slot(pi)] = covered[slot(pi)].max(window.end);
            hits.push((pi, window));
        }
    }
    if hits.is_empty() {
        return out;
    }
    hits.sort_by_key(|(pi, w)| (*pi, w.start, w.end));
    let mut candidates: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < hits.len() {
        let (pi, mut window) = hits[i].clone();
        i += 1;
        while i < hits.len() && hits[i].0 == pi && hits[i].1.start <= window.end {
            window.end = window.end.max(hits[i].1.end);
            i += 1;
        }
        if pi == URL {
            search_urls(text, window, &mut out.urls);
        } else {
            search(text, pi, window, &mut candidates);
        }
    }
    // Overlapping matches of several patterns: the longest wins, then the first in the file.
    candidates.sort_by(|a, b| {
        (a.range.start, std::cmp::Reverse(a.range.len()), a.pattern).cmp(&(
            b.range.start,
            std::cmp::Reverse(b.range.len()),
            b.pattern,
        ))
    });
    for c in candidates {
        if out.tokens.last().is_some_and(|k| k.range.end > c.range.start) {
            continue;
        }
        out.tokens.push(c);
    }
    out.urls.sort_by_key(|u| u.url.start);
    out.urls.dedup();
    out
}

/// Runs a pattern's regex over a window (the text before it is context for `\b`).
fn search(text: &str, pi: usize, window: Range<usize>, out: &mut Vec<Token>) {
    let pattern = &patterns().list[pi];
    let re = pattern.regex();
    let hay = &text.as_bytes()[..window.end];
    let mut locs = re.capture_locations();
    let mut at = window.start;
    while at < window.end {
        let Some(m) = re.captures_read_at(&mut locs, hay, at) else { break };
        if let Some((s, e)) = locs.get(pattern.def.secret_group) {
            if let Some(secret) = text.get(s..e) {
                if !super::is_placeholder(secret, "") && !pattern.dismisses(secret) {
                    out.push(Token { pattern: pi, range: s..e });
                }
            }
        }
        at = if m.end() > m.start() { m.end() } else { m.end() + 1 };
    }
}

fn search_urls(text: &str, window: Range<usize>, out: &mut Vec<UrlCredential>) {
    let re = url_regex();
    let hay = &text.as_bytes()[..window.end];
    let mut locs = re.capture_locations();
    let mut at = window.start;
    while at < window.end {
        let Some(m) = re.captures_read_at(&mut locs, hay, at) else { break };
        let (Some(user), Some(pw)) = (locs.get(2), locs.get(3)) else { break };
        if let Some(password) = text.get(pw.0..pw.1) {
            if text.is_char_boundary(m.start()) && text.is_char_boundary(m.end()) && is_literal_password(password) {
                out.push(UrlCredential { url: m.start()..m.end(), user: user.0..user.1, password: pw.0..pw.1 });
            }
        }
        at = m.end().max(at + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::super::examples;
    use super::*;

    fn found(text: &str) -> Vec<(String, String)> {
        scan(text).tokens.iter().map(|t| (t.pattern().id().to_string(), text[t.range.clone()].to_string())).collect()
    }

    /// Every example of `rules/secrets.toml` is found as its own pattern, with the secret group as
    /// the range; no near-miss is found as that pattern; examples survive being embedded in text.
    #[test]
    fn every_example_matches_and_no_near_miss_does() {
        let p = patterns();
        for (pi, pattern) in p.list.iter().enumerate() {
            let id = pattern.id();
            for (i, t) in pattern.def.examples.iter().enumerate() {
                let token = examples::expand(t, examples::seed(&[id, "example", &i.to_string()]));
                for text in [token.clone(), format!("before {token} after\n"), format!("X=\"{token}\"\n# {token}\n")] {
                    let scan = scan(&text);
                    let hit = scan.tokens.iter().find(|t| t.pattern == pi);
                    assert!(hit.is_some(), "{id}: example {i} `{token}` not found in {text:?}: {:?}", found(&text));
                    let hit = hit.unwrap();
                    let m = pattern.regex().captures(token.as_bytes()).expect("the regex matches the example");
                    let g = m.get(pattern.def.secret_group).unwrap();
                    assert_eq!(&text[hit.range.clone()], &token[g.range()], "{id}: example {i}");
                    assert!(scan.tokens.iter().all(|t| t.pattern == pi), "{id}: example {i}: {:?}", found(&text));
                }
            }
            for (i, t) in pattern.def.near_misses.iter().enumerate() {
                let text = examples::expand(t, examples::seed(&[id, "near-miss", &i.to_string()]));
                let hits: Vec<_> = scan(&text).tokens.into_iter().filter(|t| t.pattern == pi).collect();
                assert!(hits.is_empty(), "{id}: near-miss {i} `{text}` matches");
            }
        }
    }

    #[test]
    fn urls_with_literal_passwords() {
        let pw = |text: &str| -> Vec<String> {
            scan(text).urls.iter().map(|u| text[u.password.clone()].to_string()).collect()
        };
        assert_eq!(pw("DATABASE_URL=postgres://app:k8Jz1q9Lm2@db:5432/app\n"), ["k8Jz1q9Lm2"]);
        assert_eq!(pw("REDIS_URL=redis://:s3cr3t-Pa55@redis:6379/0\n"), ["s3cr3t-Pa55"]);
        assert_eq!(pw("x = \"amqp://guest:guest@rabbit//\"\n"), ["guest"]);
        for silent in [
            "DATABASE_URL=postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/app",
            "DATABASE_URL=postgres://app:$DB_PASSWORD@db/app",
            "DATABASE_URL=postgres://user:password@localhost/db",
            "DATABASE_URL=postgres://app:<password>@db/app",
            "DATABASE_URL=postgres://app:***@db/app",
            "DATABASE_URL=postgres://app@db/app",
            "url = f\"postgres://{user}:{password}@{host}/app\"",
            "url = \"postgres://%(user)s:%(password)s@%(host)s/app\"",
            "SENTRY_DSN=https://9f86d081884c7d659a2feaa0c55ad015@o1.ingest.sentry.io/1",
            "see http://example.com:8080/path",
        ] {
            assert!(pw(silent).is_empty(), "{silent}: {:?}", pw(silent));
        }
    }

    #[test]
    fn dense_lines_stay_linear() {
        // A minified bundle: one 2 MB line with a keyword every 40 bytes, a token near its end.
        let token = examples::expand("ghp_{{base62:36}}", 3);
        let mut text = "var u=\"https://cdn.example.com/a.js\";".repeat(50_000);
        text.push_str(&format!("var t=\"{token}\";"));
        let start = std::time::Instant::now();
        let found = scan(&text);
        assert_eq!(found.tokens.len(), 1);
        assert_eq!(&text[found.tokens[0].range.clone()], token);
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "{:?}", start.elapsed());
    }

    #[test]
    fn lines_bound_the_search() {
        // A keyword on one line does not let a pattern match on another.
        let text = "TWILIO_ACCOUNT=1\nAPI_KEY=SK0123456789abcdef0123456789abcdef\n";
        assert!(scan(text).tokens.is_empty());
        assert_eq!(line_window(b"ab\ncd twilio ef\ngh", 6, 12), 3..15);
    }
}
