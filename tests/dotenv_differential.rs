//! Differential test of our env-file parser (`preflight::parse::dotenv`) against `dotenvy`.
//!
//! Preflight reads env files the way python-dotenv, django-environ and Compose do, and never
//! substitutes `$VAR` from its own process environment. dotenvy is a good oracle for the large
//! part of the format where every loader agrees, so:
//!
//! 1. [`AGREE`] and a generated corpus (a few thousand lines built from safe fragments by a small
//!    deterministic PRNG) must decode to exactly the same `(key, value)` sequence in both parsers.
//!    Neither holds a `$`: dotenvy would substitute from the process environment.
//! 2. [`BOTH_REJECT`] holds lines that both parsers refuse.
//! 3. [`DIVERGENCES`] documents every place found where the two differ. Each case asserts OUR
//!    result and also dotenvy's, so that the README's divergence table stays true: if dotenvy
//!    changes, this test says so. The python-dotenv outcome of every case was checked by hand
//!    (python-dotenv 1.2.4 and 1.0.1, `dotenv_values`) and is written in `why` and in the README.

use preflight::parse::dotenv::parse;

type Pairs = Vec<(String, String)>;

/// Our reading of a file that parses cleanly: every assignment in order, duplicates kept.
fn ours(text: &str) -> Result<Pairs, String> {
    let file = parse(text);
    if let Some(e) = file.errors.first() {
        return Err(format!("line {}: {}", e.line, e.message));
    }
    file.entries
        .into_iter()
        .map(|e| match e.value {
            Some(v) => Ok((e.key, v.value)),
            None => Err(format!("bare key `{}`", e.key)),
        })
        .collect()
}

/// Everything we read, bare keys included, and how many statements we rejected.
fn ours_full(text: &str) -> (Vec<(String, Option<String>)>, usize) {
    let file = parse(text);
    (file.entries.into_iter().map(|e| (e.key, e.value.map(|v| v.value))).collect(), file.errors.len())
}

/// dotenvy's reading: one item per statement, `Err` for a statement it rejects.
fn dotenvy_items(text: &str) -> Vec<Result<(String, String), String>> {
    dotenvy::from_read_iter(text.as_bytes()).map(|r| r.map_err(|e| e.to_string())).collect()
}

fn dotenvy_pairs(text: &str) -> Result<Pairs, String> {
    dotenvy_items(text).into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Where the semantics agree
// ---------------------------------------------------------------------------------------------

/// Hand-written cases where both parsers must give the same pairs.
const AGREE: &[(&str, &str)] = &[
    // python-dotenv 1.2 reads these as dotenvy does, and so do we.
    ("whitespace then # after =", "A=   # foo\n"),
    ("escaped backslash before the closing quote", "A=\"a\\\\\"\nB=\"x\"\n"),
    ("plain", "A=1\nB=two\n"),
    ("no final newline", "A=1\nB=2"),
    ("empty file", ""),
    ("only comments and blanks", "# a comment\n\n   # indented comment\n\t\n"),
    ("export", "export A=1\nexport\tB=2\nexport   C=3\n"),
    ("key named export", "export=x\n"),
    ("leading whitespace", "   A=1\n\tB=2\n"),
    ("spaces around =", "A = 1\nB= 2\nC =3\nD\t=\t4\n"),
    ("trailing whitespace", "A=1   \nB='x'\t\nC=\"y\"  \n"),
    ("empty values", "A=\nB=''\nC=\"\"\nD=   \n"),
    ("value holding =", "URL=postgres://u@h:5432/db?sslmode=verify-full&a=b\n"),
    ("single quotes", "A='hello world'\nB='# not a comment'\nC='she said \"hi\"'\n"),
    ("double quotes", "A=\"hello world\"\nB=\"# not a comment\"\nC=\"it's\"\n"),
    ("escapes in double quotes", "A=\"line\\nbreak\"\nB=\"back\\\\slash\"\nC=\"say \\\"hi\\\"\"\nD=\"it\\'s\"\n"),
    ("inline comments", "A=v # comment\nB=v\t# tab comment\nC='q' # comment\nD=\"q\"   # comment\n"),
    ("hash glued to an unquoted value", "A=v#not-a-comment\nB=a#b#c\n"),
    ("hash inside quotes", "A='a # b'\nB=\"a # b\"\nC=\"#\"\n"),
    ("multi-line double quotes", "KEY=\"-----BEGIN KEY-----\nabc\ndef\n-----END KEY-----\"\nNEXT=1\n"),
    ("multi-line single quotes", "A='l1\nl2\n'\nB=2\n"),
    ("multi-line with a hash line", "A=\"first\n# not a comment\nlast\"\n"),
    ("crlf", "A=1\r\nB='two'\r\nC=\"three\"\r\n"),
    ("crlf inside quotes", "A=\"l1\r\nl2\"\r\nB=2\r\n"),
    ("duplicates are all reported", "A=1\nA=2\nB=3\nA=4\n"),
    ("dotted key", "app.name=x\n"),
    ("lower-case and underscore keys", "a=1\n_B=2\nmixed_Case9=3\n"),
    ("unicode values", "A=héllo\nB=\"مرحبا بك\"\nC='中文 # x'\nD=naïve\n"),
    ("non-breaking space stays in an unquoted value", "A=a\u{a0}b\n"),
    ("json in single quotes", "A='{\"a\": [1, 2], \"b\": null}'\n"),
    ("comment after export value", "export A=1 # c\n"),
    ("quotes in a comment after one space", "A=v # it's \"fine\"\nB='x' # don't\n"),
    ("blank lines between", "A=1\n\n\n\nB=2\n"),
];

/// Lines that both parsers refuse (each alone in its file, so recovery does not matter).
const BOTH_REJECT: &[(&str, &str)] = &[
    ("space inside a key", "A B=c\n"),
    ("no key", "=value\n"),
    ("text after the closing quote, separated", "A=\"x\" y\n"),
    ("unterminated double quote at the end", "A=\"abc\n"),
    ("unterminated single quote at the end", "A='abc\n"),
    ("words with no =", "hello world\n"),
];

#[test]
fn hand_written_cases_agree() {
    for (name, text) in AGREE {
        let (a, b) = (ours(text), dotenvy_pairs(text));
        assert!(a.is_ok(), "{name}: we reject {text:?}: {a:?}");
        assert_eq!(a, b, "{name}: {text:?}");
    }
}

#[test]
fn both_reject() {
    for (name, text) in BOTH_REJECT {
        let (_, errors) = ours_full(text);
        assert!(errors > 0, "{name}: we accept {text:?}");
        assert!(dotenvy_items(text).iter().any(Result::is_err), "{name}: dotenvy accepts {text:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Generated corpus
// ---------------------------------------------------------------------------------------------

/// SplitMix64: small, deterministic, good enough to pick fragments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Characters every loader reads the same way in an unquoted value: no quotes, no backslash, no
/// `$`, no whitespace (`#` is added only after the first character, glued).
const UNQUOTED: &[&str] = &[
    "a", "b", "z", "A", "Q", "Z", "0", "7", "9", "-", "_", ".", "/", ":", "@", ",", "+", "%", "=", "*", "!", "?", "^",
    "&", "~", "(", ")", "[", "]", "{", "}", "<", ">", "|", ";", "é", "ж", "中", "ü",
];
/// Extra characters that are plain text inside quotes.
const QUOTED_EXTRA: &[&str] = &[" ", " ", "#", " #", "\t"];
/// Escapes that python-dotenv, Compose and dotenvy decode alike in double quotes. A `\\` is
/// always followed by a letter, so that it never sits before a quote.
const DOUBLE_ESCAPES: &[&str] = &["\\n", "\\\"", "\\'", "\\\\x", "\\\\n"];
const KEY_FIRST: &[&str] = &["A", "B", "D", "S", "X", "_", "a", "k"];
const KEY_REST: &[&str] = &["A", "E", "K", "Y", "_", "1", "2", "9", "b", "_"];
/// A small pool of whole keys, so that files repeat keys (duplicates are compared too).
const KEY_POOL: &[&str] = &["SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "REDIS_URL", "app.name"];
/// Comment text. No quotes: dotenvy mistakes a quote in a comment for an opening quote when two
/// whitespace characters precede the `#` (a documented divergence).
const COMMENT_TEXT: &[&str] = &["note", "# double", "x = y", "TODO: rotate", "中文", "a=b"];
const INDENT: &[&str] = &["", "", "", " ", "  ", "\t"];
const AROUND_EQ: &[&str] = &["", "", "", "", " ", "\t"];
const TRAILING: &[&str] = &["", "", "", " ", "\t", "   "];

fn gen_key(rng: &mut Rng) -> String {
    if rng.chance(30) {
        return rng.pick(KEY_POOL).to_string();
    }
    let mut key = rng.pick(KEY_FIRST).to_string();
    for _ in 0..rng.below(12) {
        key.push_str(rng.pick(KEY_REST));
    }
    if key == "export" {
        key.push('_');
    }
    key
}

fn gen_unquoted(rng: &mut Rng) -> String {
    let mut v = String::new();
    for i in 0..1 + rng.below(24) {
        if i > 0 && rng.chance(5) {
            v.push('#');
        } else {
            v.push_str(rng.pick(UNQUOTED));
        }
    }
    v
}

fn gen_quoted(rng: &mut Rng, quote: char, newline: &str) -> String {
    let mut v = String::new();
    v.push(quote);
    for _ in 0..rng.below(20) {
        match rng.below(100) {
            0..=64 => v.push_str(rng.pick(UNQUOTED)),
            65..=79 => v.push_str(rng.pick(QUOTED_EXTRA)),
            80..=83 => v.push_str(newline),
            84..=89 => v.push(if quote == '"' { '\'' } else { '"' }),
            _ if quote == '"' => v.push_str(rng.pick(DOUBLE_ESCAPES)),
            _ => v.push_str(rng.pick(UNQUOTED)),
        }
    }
    v.push(quote);
    v
}

/// One statement (possibly several physical lines when a quoted value holds a newline).
fn gen_statement(rng: &mut Rng, newline: &str) -> String {
    match rng.below(100) {
        0..=7 => rng.pick(&["", "  ", "\t"]).to_string(),
        8..=17 => format!("{}# {}", rng.pick(INDENT), rng.pick(COMMENT_TEXT)),
        _ => {
            let mut s = rng.pick(INDENT).to_string();
            if rng.chance(10) {
                s.push_str(rng.pick(&["export ", "export\t", "export  "]));
            }
            s.push_str(&gen_key(rng));
            s.push_str(rng.pick(AROUND_EQ));
            s.push('=');
            s.push_str(rng.pick(AROUND_EQ));
            let (value, may_comment) = match rng.below(100) {
                // `KEY= # c` is empty for dotenvy and python-dotenv 1.2, `# c` for us: a divergence.
                0..=7 => (String::new(), false),
                8..=49 => (gen_unquoted(rng), true),
                50..=69 => (gen_quoted(rng, '\'', newline), true),
                _ => (gen_quoted(rng, '"', newline), true),
            };
            s.push_str(&value);
            s.push_str(rng.pick(TRAILING));
            if may_comment && rng.chance(25) {
                s.push_str(rng.pick(&[" ", "\t", "  "]));
                s.push('#');
                s.push_str(rng.pick(COMMENT_TEXT));
            }
            s
        }
    }
}

fn gen_file(rng: &mut Rng) -> (String, usize) {
    let newline = if rng.chance(25) { "\r\n" } else { "\n" };
    let statements = 5 + rng.below(21);
    let mut text = String::new();
    for i in 0..statements {
        text.push_str(&gen_statement(rng, newline));
        if i + 1 < statements || rng.chance(85) {
            text.push_str(newline);
        }
    }
    if !text.ends_with('\n') {
        // dotenvy rejects whitespace at the very end of a file with no final newline (a divergence).
        text.truncate(text.trim_end_matches([' ', '\t']).len());
    }
    let lines = text.matches('\n').count() + 1;
    (text, lines)
}

#[test]
fn generated_corpus_agrees() {
    let mut rng = Rng(0x5EED_2025_0001);
    let mut lines = 0;
    let mut values = 0;
    for n in 0..300 {
        let (text, count) = gen_file(&mut rng);
        lines += count;
        let a = ours(&text);
        let b = dotenvy_pairs(&text);
        assert!(a.is_ok(), "generated file #{n}: we reject it: {a:?}\n---\n{text:?}");
        assert_eq!(a, b, "generated file #{n} (ours left, dotenvy right)\n---\n{text:?}");
        values += a.map(|p| p.len()).unwrap_or(0);
    }
    // Keep the corpus meaningful if the generator is edited.
    assert!(lines >= 3000, "only {lines} generated lines");
    assert!(values >= 2000, "only {values} generated assignments");
}

// ---------------------------------------------------------------------------------------------
// 3. Documented divergences (README: "How env files are read", "Divergences")
// ---------------------------------------------------------------------------------------------

/// What dotenvy yields for one statement.
#[derive(Debug, PartialEq)]
enum Dv {
    Ok(&'static str, &'static str),
    Err,
}

struct Divergence {
    name: &'static str,
    input: &'static str,
    /// Our entries in order (`None`: a bare `KEY`), and the number of statements we reject.
    ours: &'static [(&'static str, Option<&'static str>)],
    ours_errors: usize,
    /// dotenvy 0.15, statement by statement.
    dotenvy: &'static [Dv],
    /// What dotenvy does, what python-dotenv does, and why we follow the consumers.
    why: &'static str,
}

const DIVERGENCES: &[Divergence] = &[
    Divergence {
        name: "unquoted value with spaces",
        input: "A=hello world\n",
        ours: &[("A", Some("hello world"))],
        ours_errors: 0,
        dotenvy: &[Dv::Err],
        why: "dotenvy rejects whitespace in an unquoted value; python-dotenv, django-environ and Compose keep \
              `hello world` (ENV111 suggests quoting it)",
    },
    Divergence {
        name: "backslash in an unquoted value",
        input: "A=a\\ b\nB=C:\\new\n",
        ours: &[("A", Some("a\\ b")), ("B", Some("C:\\new"))],
        ours_errors: 0,
        dotenvy: &[Dv::Ok("A", "a b"), Dv::Ok("B", "C:\new")],
        why: "dotenvy decodes shell escapes outside quotes (`\\ ` to a space, `\\n` to a newline); \
              python-dotenv, django-environ and Compose keep unquoted text verbatim",
    },
    Divergence {
        name: "\\t and other escapes in double quotes",
        input: "A=\"a\\tb\"\n",
        ours: &[("A", Some("a\tb"))],
        ours_errors: 0,
        dotenvy: &[Dv::Err],
        why: "dotenvy knows only \\\\ \\' \\\" \\$ \\n and a backslash-space and rejects the rest; python-dotenv \
              decodes \\a \\b \\f \\n \\r \\t \\v too, Compose \\n \\r \\t",
    },
    Divergence {
        name: "escaped quote in single quotes",
        input: "A='a\\'b'\n",
        ours: &[("A", Some("a'b"))],
        ours_errors: 0,
        dotenvy: &[Dv::Err],
        why: "dotenvy ends the single-quoted value at the escaped quote and then fails; python-dotenv and \
              Compose (`VAR='Let\\'s go!'`) read `a'b`",
    },
    Divergence {
        name: "backslash pair in single quotes",
        input: "A='a\\\\b'\n",
        ours: &[("A", Some("a\\b"))],
        ours_errors: 0,
        dotenvy: &[Dv::Ok("A", "a\\\\b")],
        why: "single quotes are raw in dotenvy; python-dotenv decodes \\\\ and \\' inside them",
    },
    Divergence {
        name: "text glued after the closing quote",
        input: "A=\"a\"b\nB=2\n",
        ours: &[("B", Some("2"))],
        ours_errors: 1,
        dotenvy: &[Dv::Ok("A", "ab"), Dv::Ok("B", "2")],
        why: "dotenvy concatenates shell-style; python-dotenv rejects the statement (A is not set), and \
              so do we (ENV001)",
    },
    Divergence {
        name: "quotes inside an unquoted value",
        input: "A=a\"b\"c\n",
        ours: &[("A", Some("a\"b\"c"))],
        ours_errors: 0,
        dotenvy: &[Dv::Ok("A", "abc")],
        why: "dotenvy removes the quotes shell-style; python-dotenv keeps unquoted text verbatim",
    },
    Divergence {
        name: "apostrophe in an unquoted value",
        input: "A=it's\n",
        ours: &[("A", Some("it's"))],
        ours_errors: 0,
        dotenvy: &[Dv::Err],
        why: "dotenvy opens a single-quoted string it never closes; python-dotenv reads `it's`",
    },
    Divergence {
        name: "value starting with #",
        input: "A=#foo\n",
        ours: &[("A", Some("#foo"))],
        ours_errors: 0,
        dotenvy: &[Dv::Ok("A", "")],
        why: "dotenvy treats `#` right after `=` as a comment; python-dotenv (1.0 and 1.2) and Compose need \
              whitespace before an inline comment, so the value is `#foo`",
    },
    Divergence {
        name: "bare key",
        input: "A\nexport B\nC=1\n",
        ours: &[("A", None), ("B", None), ("C", Some("1"))],
        ours_errors: 0,
        dotenvy: &[Dv::Err, Dv::Err, Dv::Ok("C", "1")],
        why: "dotenvy rejects a line with no `=`; python-dotenv lists the key with no value (`None`), and \
              Compose passes the variable through from the shell; ENV108 reports it",
    },
    Divergence {
        name: "key starting with a digit, or holding a dash",
        input: "1A=x\nA-B=y\n",
        ours: &[("1A", Some("x")), ("A-B", Some("y"))],
        ours_errors: 0,
        dotenvy: &[Dv::Err, Dv::Err],
        why: "dotenvy keys are [A-Za-z_][A-Za-z0-9_.]*; python-dotenv takes any run of characters but `=`, \
              `#` and whitespace; ENV101 and ENV112 report these keys",
    },
    Divergence {
        name: "single-quoted key",
        input: "'A'=1\n",
        ours: &[("A", Some("1"))],
        ours_errors: 0,
        dotenvy: &[Dv::Err],
        why: "python-dotenv accepts a quoted key; dotenvy does not",
    },
    Divergence {
        name: "byte-order mark",
        input: "\u{feff}A=1\n",
        ours: &[("A", Some("1"))],
        ours_errors: 0,
        dotenvy: &[Dv::Err],
        why: "dotenvy's `from_read_iter` keeps the BOM and fails on the key (its `dotenv()` loaders strip it); \
              python-dotenv 1.2 strips it, python-dotenv 1.0 makes it part of the first key",
    },
    Divergence {
        name: "old Mac line endings (CR only)",
        input: "A=1\rB=2\r",
        ours: &[("A", Some("1")), ("B", Some("2"))],
        ours_errors: 0,
        dotenvy: &[Dv::Ok("A", "1\rB=2")],
        why: "dotenvy splits lines on \\n only; python-dotenv ends a line at \\r, \\n or \\r\\n",
    },
    Divergence {
        name: "comment glued after a closing quote",
        input: "A=\"x\"#c\n",
        ours: &[("A", Some("x"))],
        ours_errors: 0,
        dotenvy: &[Dv::Ok("A", "x#c")],
        why: "python-dotenv allows a comment right after the closing quote; dotenvy appends it to the value",
    },
    Divergence {
        name: "quote in a comment after two whitespace characters",
        input: "A=v  # it's\nB=1\n",
        ours: &[("A", Some("v")), ("B", Some("1"))],
        ours_errors: 0,
        dotenvy: &[Dv::Err],
        why: "dotenvy's line joiner sees a comment only when exactly one whitespace character precedes `#`; \
              otherwise the apostrophe opens a quote that swallows the rest of the file. python-dotenv \
              reads A=`v`, B=`1`",
    },
    Divergence {
        name: "whitespace at the end of a file with no final newline",
        input: "A=1\nB=2\t",
        ours: &[("A", Some("1")), ("B", Some("2"))],
        ours_errors: 0,
        dotenvy: &[Dv::Ok("A", "1"), Dv::Err],
        why: "dotenvy's line joiner waits for more input after trailing whitespace and fails at the end of \
              the file; python-dotenv reads B=`2`",
    },
    Divergence {
        name: "unterminated quote in the middle of a file",
        input: "A=\"abc\nB=1\n",
        ours: &[("B", Some("1"))],
        ours_errors: 1,
        dotenvy: &[Dv::Err],
        why: "dotenvy swallows the rest of the file into the failed statement; python-dotenv rejects the \
              statement and goes on with the next line, as we do",
    },
    Divergence {
        name: "braced substitution",
        input: "A=pre${PFDIFFUNSET}post\nB=${PFDIFFUNSET:-fallback}\n",
        ours: &[("A", Some("pre${PFDIFFUNSET}post")), ("B", Some("${PFDIFFUNSET:-fallback}"))],
        ours_errors: 0,
        dotenvy: &[Dv::Ok("A", "prepost"), Dv::Ok("B", "")],
        why: "we never expand: the value keeps the reference, recorded as a VarRef; dotenvy expands from the \
              process environment and ignores `:-default`; python-dotenv (interpolate=True) and Compose \
              expand both forms",
    },
    Divergence {
        name: "unbraced substitution",
        input: "A=pre$PFDIFFUNSET/x\n",
        ours: &[("A", Some("pre$PFDIFFUNSET/x"))],
        ours_errors: 0,
        dotenvy: &[Dv::Ok("A", "pre/x")],
        why: "dotenvy expands `$NAME`; python-dotenv expands only `${NAME}` and keeps `$NAME` verbatim; \
              Compose expands both",
    },
    Divergence {
        name: "reference to an earlier key",
        input: "PFDIFFA=1\nB=${PFDIFFA}2\n",
        ours: &[("PFDIFFA", Some("1")), ("B", Some("${PFDIFFA}2"))],
        ours_errors: 0,
        dotenvy: &[Dv::Ok("PFDIFFA", "1"), Dv::Ok("B", "12")],
        why: "dotenvy and python-dotenv resolve earlier keys; we keep the reference (rules resolve it \
              without reading the linter's environment)",
    },
    Divergence {
        name: "dollar in double quotes",
        input: "A=\"cost $5\"\nB=\"a\\$b\"\nC=a$$b\n",
        ours: &[("A", Some("cost $5")), ("B", Some("a\\$b")), ("C", Some("a$$b"))],
        ours_errors: 0,
        dotenvy: &[Dv::Err, Dv::Ok("B", "a$b"), Dv::Ok("C", "a")],
        why: "dotenvy fails on `$5`, decodes `\\$`, and eats `$$b`; python-dotenv keeps all three verbatim \
              (`\\$` is not one of its escapes); Compose reads `$$` as an escaped `$`",
    },
];

#[test]
fn documented_divergences() {
    for d in DIVERGENCES {
        let (entries, errors) = ours_full(d.input);
        let expected: Vec<(String, Option<String>)> =
            d.ours.iter().map(|(k, v)| (k.to_string(), v.map(str::to_string))).collect();
        assert_eq!(
            (entries, errors),
            (expected, d.ours_errors),
            "{}: our reading of {:?} ({})",
            d.name,
            d.input,
            d.why
        );

        // Statement by statement: `Some((key, value))`, or `None` for a rejected statement.
        let theirs: Vec<Option<(String, String)>> = dotenvy_items(d.input).into_iter().map(Result::ok).collect();
        let recorded: Vec<Option<(String, String)>> = d
            .dotenvy
            .iter()
            .map(|dv| match dv {
                Dv::Ok(k, v) => Some((k.to_string(), v.to_string())),
                Dv::Err => None,
            })
            .collect();
        assert_eq!(theirs, recorded, "{}: dotenvy's reading of {:?} changed; update the README", d.name, d.input);

        let ours_valued: Vec<Option<(String, String)>> = d
            .ours
            .iter()
            .filter_map(|(k, v)| v.map(|v| Some((k.to_string(), v.to_string()))))
            .chain(std::iter::repeat_n(None, d.ours_errors))
            .collect();
        assert_ne!(ours_valued, recorded, "{}: not a divergence any more", d.name);
    }
}

#[test]
fn dotenvy_reads_the_process_environment_and_we_do_not() {
    // The reason dotenvy cannot be Preflight's parser: `${HOME}` becomes the linter's own HOME.
    let Ok(home) = std::env::var("HOME") else { return };
    let input = "A=${HOME}/app\n";
    assert_eq!(ours(input), Ok(vec![("A".into(), "${HOME}/app".into())]));
    assert_eq!(dotenvy_pairs(input), Ok(vec![("A".into(), format!("{home}/app"))]));
}
