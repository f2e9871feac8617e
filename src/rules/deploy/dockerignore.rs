//! A `.dockerignore` matcher with Docker's semantics (moby `patternmatcher`): patterns are
//! relative to the build context root, a leading `/` is stripped and the pattern cleaned
//! (`a/./b/../c` → `a/c`); `*` matches within one path segment, `?` one character of a segment,
//! `**` any number of segments (zero too), `[...]` a character class, `\` escapes; `!` starts an
//! exception; `#` starts a comment line; blank lines are skipped. The last pattern that matches a
//! path wins, and a pattern that matches a folder matches everything in it.

/// One parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    exception: bool,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`: any run of characters but `/`.
    Star,
    /// `?`: one character but `/`.
    Any,
    /// `**` followed by more pattern: any number of whole segments, `(.*/)?`.
    Segments,
    /// `**` at the end: anything.
    Rest,
    /// `[...]`: (negated, ranges).
    Class(bool, Vec<(char, char)>),
}

/// The patterns of a `.dockerignore` file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

impl DockerIgnore {
    pub fn parse(text: &str) -> Self {
        let mut patterns = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut p = line.trim();
            if p.is_empty() {
                continue;
            }
            let exception = p.starts_with('!');
            if exception {
                p = p[1..].trim();
                if p.is_empty() {
                    continue;
                }
            }
            let cleaned = clean(p);
            if cleaned.is_empty() {
                continue;
            }
            patterns.push(Pattern { exception, tokens: compile(&cleaned) });
        }
        DockerIgnore { patterns }
    }

    /// Whether the context path `path` (relative, `/`-separated) is left out of the context.
    pub fn excludes(&self, path: &str) -> bool {
        let path = clean(path);
        let parts: Vec<&str> = path.split('/').collect();
        let mut excluded = false;
        for p in &self.patterns {
            // The path itself, or one of its parent folders.
            let hit = (1..=parts.len()).any(|n| matches(&p.tokens, &parts[..n].join("/")));
            if hit {
                excluded = !p.exception;
            }
        }
        excluded
    }
}

/// `/a/./b/../c/` → `a/c`; `.` → ``.
fn clean(p: &str) -> String {
    crate::parse::dockerfile::path_segments(p).join("/")
}

fn compile(p: &str) -> Vec<Token> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                out.push(if i >= chars.len() { Token::Rest } else { Token::Segments });
            }
            '*' => out.push(Token::Star),
            '?' => out.push(Token::Any),
            '\\' if i < chars.len() => {
                out.push(Token::Char(chars[i]));
                i += 1;
            }
            '[' => {
                let mut j = i;
                let negated = matches!(chars.get(j), Some('^') | Some('!'));
                if negated {
                    j += 1;
                }
                let mut ranges = Vec::new();
                let mut closed = false;
                while j < chars.len() {
                    if chars[j] == ']' && (j > i + usize::from(negated)) {
                        closed = true;
                        j += 1;
                        break;
                    }
                    let mut lo = chars[j];
                    if lo == '\\' && j + 1 < chars.len() {
                        j += 1;
                        lo = chars[j];
                    }
                    j += 1;
                    if chars.get(j) == Some(&'-') && chars.get(j + 1).is_some_and(|&c| c != ']') {
                        ranges.push((lo, chars[j + 1]));
                        j += 2;
                    } else {
                        ranges.push((lo, lo));
                    }
                }
                if closed {
                    out.push(Token::Class(negated, ranges));
                    i = j;
                } else {
                    out.push(Token::Char('['));
                }
            }
            c => out.push(Token::Char(c)),
        }
    }
    out
}

/// Whether `tokens` match the whole of `s`.
fn matches(tokens: &[Token], s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    match_at(tokens, &chars)
}

fn match_at(tokens: &[Token], s: &[char]) -> bool {
    let Some((first, rest)) = tokens.split_first() else { return s.is_empty() };
    match first {
        Token::Char(c) => s.first() == Some(c) && match_at(rest, &s[1..]),
        Token::Any => s.first().is_some_and(|&c| c != '/') && match_at(rest, &s[1..]),
        Token::Class(neg, ranges) => {
            s.first().is_some_and(|&c| c != '/' && ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *neg)
                && match_at(rest, &s[1..])
        }
        Token::Star => {
            let mut i = 0;
            loop {
                if match_at(rest, &s[i..]) {
                    return true;
                }
                if i >= s.len() || s[i] == '/' {
                    return false;
                }
                i += 1;
            }
        }
        Token::Rest => true,
        Token::Segments => {
            // Zero segments, or any prefix ending in `/`.
            if match_at(rest, s) {
                return true;
            }
            (0..s.len()).any(|i| s[i] == '/' && match_at(rest, &s[i + 1..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DockerIgnore;

    fn ex(ignore: &str, path: &str) -> bool {
        DockerIgnore::parse(ignore).excludes(path)
    }

    #[test]
    fn plain_and_wildcards() {
        assert!(ex(".env", ".env"));
        assert!(!ex(".env", "app/.env"));
        assert!(ex(".env*", ".env.production"));
        assert!(ex("*.pem", "key.pem"));
        assert!(!ex("*.pem", "certs/key.pem"));
        assert!(ex("*/*.pem", "certs/key.pem"));
        assert!(ex("**/*.pem", "certs/deep/key.pem"));
        assert!(ex("**/*.pem", "key.pem"));
        assert!(ex("**/.env", "a/b/.env"));
        assert!(ex("a/**/b", "a/b"));
        assert!(ex("a/**/b", "a/x/y/b"));
        assert!(ex("a/**", "a/x/y"));
        assert!(ex(".env.??", ".env.pr"));
        assert!(!ex(".env.?", ".env.pr"));
        assert!(ex("id_rsa[0-9]", "id_rsa2"));
        assert!(!ex("id_rsa[!0-9]", "id_rsa2"));
        assert!(ex("\\*x", "*x"));
        assert!(!ex("\\*x", "ax"));
    }

    #[test]
    fn folders_exclude_their_contents() {
        assert!(ex(".envs", ".envs/.production/.django"));
        assert!(ex(".envs/", ".envs/.production/.django"));
        assert!(ex("/.envs", ".envs/.production/.django"));
        assert!(ex("./.envs/.production", ".envs/.production/.django"));
        assert!(!ex(".envs/.local", ".envs/.production/.django"));
    }

    #[test]
    fn exceptions_last_match_wins() {
        let ig = ".env*\n!.env.example\n";
        assert!(ex(ig, ".env"));
        assert!(ex(ig, ".env.production"));
        assert!(!ex(ig, ".env.example"));
        assert!(ex("!.env\n.env\n", ".env"));
        assert!(!ex("*\n!.env\n", ".env"));
    }

    #[test]
    fn comments_and_blanks() {
        assert!(!ex("# .env\n\n   \n", ".env"));
        // Only a line that starts with `#` is a comment.
        assert!(ex("  # x\n", "# x"));
        assert!(ex("# comment\n  .env  \n", ".env"));
        assert!(!ex("", ".env"));
    }
}
