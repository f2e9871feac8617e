//! The provider formats of `rules/secrets.toml` (SEC002), embedded in the binary and prepared on
//! first use: the file is parsed and the keyword automaton built the first time a file is scanned,
//! and each pattern's regex is compiled the first time one of its keywords is seen. A run that
//! meets no keyword compiles no regex, so a pre-commit run on a few files starts at once.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::bytes::{Regex, RegexBuilder};

/// The pattern file, as shipped.
pub const SOURCE: &str = include_str!("../../rules/secrets.toml");

/// One `[[pattern]]` of `rules/secrets.toml`, as written.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PatternDef {
    pub id: String,
    pub description: String,
    /// Literal strings (ASCII case-insensitive) one of which must occur near a match.
    pub keywords: Vec<String>,
    /// An ASCII regex.
    pub regex: String,
    /// The capture group holding the secret.
    #[serde(default = "first_group")]
    pub secret_group: usize,
    /// Minimum Shannon entropy of the secret, in bits per character.
    #[serde(default)]
    pub min_entropy: f64,
    /// The token spans lines (a PEM block): the regex runs up to [`MULTILINE_WINDOW`] bytes after
    /// a keyword instead of on its line.
    #[serde(default)]
    pub multiline: bool,
    /// Regexes: a secret matching one is not reported.
    #[serde(default)]
    pub allowlist: Vec<String>,
    /// Words (any case): a secret containing one is not reported.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Templates of tokens that must match (see [`super::examples`]).
    #[serde(default)]
    pub examples: Vec<String>,
    /// Templates of text that must not match.
    #[serde(default)]
    pub near_misses: Vec<String>,
}

fn first_group() -> usize {
    1
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternFile {
    pattern: Vec<PatternDef>,
}

/// How far after a keyword a multi-line pattern is searched.
pub const MULTILINE_WINDOW: usize = 32 * 1024;

/// A pattern with its regexes, compiled on first use.
#[derive(Debug)]
pub struct Pattern {
    pub def: PatternDef,
    regex: OnceLock<Regex>,
    allowlist: OnceLock<Vec<Regex>>,
    stopwords: Vec<String>,
}

/// Compiles an ASCII regex (Unicode off: faster to build, and `\b`, `\s`, `(?i)` are ASCII).
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).unicode(false).build()
}

impl Pattern {
    fn new(def: PatternDef) -> Self {
        let stopwords = def.stopwords.iter().map(|w| w.to_ascii_lowercase()).collect();
        Pattern { def, regex: OnceLock::new(), allowlist: OnceLock::new(), stopwords }
    }

    pub fn id(&self) -> &str {
        &self.def.id
    }

    /// The compiled regex (compiled now if this is its first use).
    pub fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            compile(&self.def.regex)
                .unwrap_or_else(|e| panic!("rules/secrets.toml: pattern `{}` has an invalid regex: {e}", self.def.id))
        })
    }

    /// True when the secret is documentation rather than a credential: it matches the
    /// allowlist, holds a stopword, or has too little entropy.
    pub fn dismisses(&self, secret: &str) -> bool {
        if super::entropy::shannon(secret.as_bytes()) < self.def.min_entropy {
            return true;
        }
        if !self.stopwords.is_empty() {
            let lower = secret.to_ascii_lowercase();
            if self.stopwords.iter().any(|w| lower.contains(w.as_str())) {
                return true;
            }
        }
        if self.def.allowlist.is_empty() {
            return false;
        }
        let allow = self.allowlist.get_or_init(|| {
            self.def
                .allowlist
                .iter()
                .map(|a| {
                    compile(a).unwrap_or_else(|e| {
                        panic!("rules/secrets.toml: pattern `{}` has an invalid allowlist regex: {e}", self.def.id)
                    })
                })
                .collect()
        });
        allow.iter().any(|re| re.is_match(secret.as_bytes()))
    }
}

/// Every pattern, and one Aho-Corasick automaton over all their keywords (plus `://`, which
/// starts the search for credentials in URLs, SEC004).
#[derive(Debug)]
pub struct Patterns {
    pub list: Vec<Pattern>,
    pub(super) keywords: AhoCorasick,
    /// For each keyword of the automaton, the patterns listing it.
    pub(super) by_keyword: Vec<Vec<usize>>,
    /// The automaton's index of `://`.
    pub(super) url_keyword: usize,
}

/// Parses a pattern file (the shipped one is [`SOURCE`]).
pub fn parse(source: &str) -> Result<Vec<PatternDef>, toml::de::Error> {
    toml::from_str::<PatternFile>(source).map(|f| f.pattern)
}

impl Patterns {
    fn build(defs: Vec<PatternDef>) -> Patterns {
        let mut keywords: Vec<String> = Vec::new();
        let mut by_keyword: Vec<Vec<usize>> = Vec::new();
        let mut add = |word: String, pattern: Option<usize>| -> usize {
            let at = keywords.iter().position(|k| *k == word).unwrap_or_else(|| {
                keywords.push(word);
                by_keyword.push(Vec::new());
                keywords.len() - 1
            });
            if let Some(p) = pattern {
                if !by_keyword[at].contains(&p) {
                    by_keyword[at].push(p);
                }
            }
            at
        };
        for (i, def) in defs.iter().enumerate() {
            for k in &def.keywords {
                add(k.to_ascii_lowercase(), Some(i));
            }
        }
        let url_keyword = add("://".to_string(), None);
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&keywords)
            .expect("rules/secrets.toml: the keywords build an automaton");
        Patterns { list: defs.into_iter().map(Pattern::new).collect(), keywords: automaton, by_keyword, url_keyword }
    }

    pub fn get(&self, id: &str) -> Option<&Pattern> {
        self.list.iter().find(|p| p.def.id == id)
    }
}

/// The shipped patterns, prepared on first use.
pub fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let defs = parse(SOURCE).unwrap_or_else(|e| panic!("rules/secrets.toml does not parse: {e}"));
        Patterns::build(defs)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_file_is_well_formed() {
        let defs = parse(SOURCE).expect("parses");
        assert!(defs.len() >= 40, "at least 40 provider formats, found {}", defs.len());
        let mut ids: Vec<&str> = defs.iter().map(|d| d.id.as_str()).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "pattern ids are unique");
        for d in &defs {
            assert!(
                d.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}: ids are kebab-case",
                d.id
            );
            assert!(!d.keywords.is_empty(), "{}: a pattern needs keywords for the pre-filter", d.id);
            assert!(d.regex.is_ascii(), "{}: regexes are ASCII", d.id);
            let re = compile(&d.regex).unwrap_or_else(|e| panic!("{}: {e}", d.id));
            assert!(d.secret_group < re.captures_len(), "{}: no capture group {}", d.id, d.secret_group);
            for a in &d.allowlist {
                compile(a).unwrap_or_else(|e| panic!("{}: allowlist: {e}", d.id));
            }
            assert!(!d.examples.is_empty(), "{}: every pattern has examples that must match", d.id);
            assert!(!d.near_misses.is_empty(), "{}: every pattern has near-misses that must not match", d.id);
            assert!(d.min_entropy > 0.0, "{}: set a minimum entropy", d.id);
        }
    }

    #[test]
    fn regexes_compile_lazily() {
        let p = Patterns::build(parse(SOURCE).unwrap());
        assert!(p.list.iter().all(|p| p.regex.get().is_none()));
        p.list[0].regex();
        assert!(p.list[0].regex.get().is_some() && p.list[1].regex.get().is_none());
    }
}
