//! A small POSIX-shell reader for RUN commands: simple commands, their words, and the
//! environment assignments written inline (`SECRET_KEY=dummy python manage.py collectstatic`).
//! It is not a shell parser: it splits on the control operators, drops redirections and
//! comments, skips nested heredoc bodies, and keeps `$(...)`, backticks and `${...}` inside the
//! word they belong to.

use std::ops::Range;

/// A word of a shell command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellWord {
    /// Quotes removed and backslash escapes applied; `$VAR`, `${...}`, `$(...)` and backticks kept
    /// as written.
    pub text: String,
    /// The word as written, a byte range of the script.
    pub range: Range<usize>,
}

/// Words up to a control operator (`;`, `&&`, `||`, `|`, `&`, a newline, a parenthesis).
/// Redirections (`> file`, `2>&1`, `<<EOF`) are not words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    pub words: Vec<ShellWord>,
    pub range: Range<usize>,
    /// Delimiters of the heredocs (`<<NAME`) this command reads.
    pub heredocs: Vec<String>,
}

/// How far an inline assignment reaches. None of them outlives the RUN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentKind {
    /// `NAME=value cmd`: the environment of that one command.
    Prefix,
    /// `env NAME=value cmd`: the environment of that one command.
    Env,
    /// `export NAME=value`: the rest of this RUN.
    Export,
    /// `NAME=value` alone: a shell variable for the rest of this RUN, not exported.
    Shell,
}

/// An environment assignment inside a RUN command or a RUN heredoc run by a shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineAssignment {
    pub kind: AssignmentKind,
    pub name: String,
    pub name_span: Range<usize>,
    /// Quotes removed; `$VAR` and `$(...)` kept as written.
    pub value: String,
    /// The value as written.
    pub value_span: Range<usize>,
    /// The heredoc (index into [`super::Instruction::heredocs`]) holding it.
    pub heredoc: Option<usize>,
}

const RESERVED: &[&str] = &["if", "then", "elif", "else", "do", "while", "until", "!", "{", "time"];
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"];

/// Splits a shell script into simple commands.
pub fn split_commands(script: &str) -> Vec<SimpleCommand> {
    let b = script.as_bytes();
    let mut cmds = Vec::new();
    let mut cur = SimpleCommand { words: Vec::new(), range: 0..0, heredocs: Vec::new() };
    let mut pending: Vec<(String, bool)> = Vec::new();
    let mut i = 0;
    let flush = |cur: &mut SimpleCommand, cmds: &mut Vec<SimpleCommand>, at: usize| {
        if !cur.words.is_empty() || !cur.heredocs.is_empty() {
            cur.range.end = at;
            cmds.push(std::mem::replace(cur, SimpleCommand { words: Vec::new(), range: at..at, heredocs: Vec::new() }));
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\n' => {
                flush(&mut cur, &mut cmds, i);
                i += 1;
                // The bodies of heredocs opened on the line just ended.
                for (delim, chomp) in pending.drain(..) {
                    while i < b.len() {
                        let end = script[i..].find('\n').map_or(b.len(), |n| i + n);
                        let line = script[i..end].trim_end_matches('\r');
                        let line = if chomp { line.trim_start_matches('\t') } else { line };
                        i = (end + 1).min(b.len());
                        if line == delim {
                            break;
                        }
                    }
                }
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b';' | b'&' | b'|' | b'(' | b')' => {
                if c == b'&' && b.get(i + 1) == Some(&b'>') {
                    i = redirect(script, i, &mut cur, &mut pending);
                    continue;
                }
                flush(&mut cur, &mut cmds, i);
                i += 1;
                if matches!((c, b.get(i)), (b'&', Some(b'&')) | (b'|', Some(b'|' | b'&')) | (b';', Some(b';'))) {
                    i += 1;
                }
            }
            b'<' | b'>' => i = redirect(script, i, &mut cur, &mut pending),
            _ => {
                let digits = b[i..].iter().take_while(|d| d.is_ascii_digit()).count();
                if digits > 0 && matches!(b.get(i + digits), Some(b'<' | b'>')) {
                    i = redirect(script, i + digits, &mut cur, &mut pending);
                    continue;
                }
                let (w, end) = word(script, i);
                if cur.words.is_empty() && cur.heredocs.is_empty() {
                    cur.range.start = i;
                }
                cur.words.push(w);
                i = end;
            }
        }
    }
    flush(&mut cur, &mut cmds, b.len());
    cmds
}

/// Reads a redirection operator at `i` and its target; returns the position after it.
fn redirect(script: &str, mut i: usize, cur: &mut SimpleCommand, pending: &mut Vec<(String, bool)>) -> usize {
    let b = script.as_bytes();
    let start = i;
    while i < b.len() && matches!(b[i], b'<' | b'>' | b'&' | b'|') && i - start < 3 {
        i += 1;
    }
    let op = &script[start..i];
    let mut chomp = false;
    if op == "<<" && b.get(i) == Some(&b'-') {
        chomp = true;
        i += 1;
    }
    if op.ends_with('&') && matches!(b.get(i), Some(b'0'..=b'9' | b'-')) {
        // `2>&1`, `>&-`: the target is a descriptor.
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'-') {
            i += 1;
        }
        return i;
    }
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    if i >= b.len() || matches!(b[i], b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>') {
        return i;
    }
    let (w, end) = word(script, i);
    if op == "<<" {
        if cur.words.is_empty() && cur.heredocs.is_empty() {
            cur.range.start = start;
        }
        cur.heredocs.push(w.text.clone());
        pending.push((w.text, chomp));
    }
    end
}

/// Reads one word starting at `i`; returns it and the position after it.
fn word(script: &str, mut i: usize) -> (ShellWord, usize) {
    let b = script.as_bytes();
    let start = i;
    let mut text = String::new();
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' => break,
            b'\\' => match script[i + 1..].chars().next() {
                Some('\n') => i += 2,
                Some(c) => {
                    text.push(c);
                    i += 1 + c.len_utf8();
                }
                None => i += 1,
            },
            b'\'' => {
                let end = script[i + 1..].find('\'').map_or(b.len(), |n| i + 1 + n);
                text.push_str(&script[i + 1..end]);
                i = (end + 1).min(b.len());
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' && matches!(b.get(i + 1), Some(b'"' | b'\\' | b'$' | b'`' | b'\n')) {
                        if b[i + 1] != b'\n' {
                            text.push(b[i + 1] as char);
                        }
                        i += 2;
                    } else if b[i] == b'$' && b.get(i + 1) == Some(&b'(') {
                        let end = balanced(script, i + 1);
                        text.push_str(&script[i..end]);
                        i = end;
                    } else {
                        let c = script[i..].chars().next().unwrap_or(' ');
                        text.push(c);
                        i += c.len_utf8();
                    }
                }
                i = (i + 1).min(b.len());
            }
            b'$' if matches!(b.get(i + 1), Some(b'(' | b'{')) => {
                let end = balanced(script, i + 1);
                text.push_str(&script[i..end]);
                i = end;
            }
            b'`' => {
                let end = script[i + 1..].find('`').map_or(b.len(), |n| i + 2 + n);
                text.push_str(&script[i..end]);
                i = end;
            }
            _ => {
                let c = script[i..].chars().next().unwrap_or(' ');
                text.push(c);
                i += c.len_utf8();
            }
        }
    }
    (ShellWord { text, range: start..i }, i)
}

/// The end (exclusive) of the bracketed group opening at `i` (`(` or `{`), quotes respected.
fn balanced(script: &str, i: usize) -> usize {
    let b = script.as_bytes();
    let (open, close) = if b[i] == b'(' { (b'(', b')') } else { (b'{', b'}') };
    let mut depth = 0;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 1,
            b'\'' if open == b'(' => j = script[j + 1..].find('\'').map_or(b.len(), |n| j + 1 + n),
            b'"' => {
                j += 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
            }
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
        j += 1;
    }
    b.len()
}

fn assignment_name(raw: &str) -> Option<usize> {
    let eq = raw.find('=')?;
    let name = &raw[..eq];
    let mut chars = name.chars();
    let first = chars.next()?;
    ((first.is_ascii_alphabetic() || first == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(eq)
}

/// An inline assignment found in a script, with byte ranges into that script.
pub(crate) struct Found {
    pub kind: AssignmentKind,
    pub name: String,
    pub name_range: Range<usize>,
    pub value: String,
    pub value_range: Range<usize>,
}

/// The inline assignments of a script.
pub(crate) fn assignments(script: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut push = |kind, w: &ShellWord, eq: usize| {
        out.push(Found {
            kind,
            name: script[w.range.start..w.range.start + eq].to_string(),
            name_range: w.range.start..w.range.start + eq,
            value: w.text.get(eq + 1..).unwrap_or("").to_string(),
            value_range: w.range.start + eq + 1..w.range.end,
        });
    };
    let eq_of = |w: &ShellWord| assignment_name(&script[w.range.clone()]);
    for cmd in split_commands(script) {
        let mut ws = &cmd.words[..];
        while ws.first().is_some_and(|w| RESERVED.contains(&w.text.as_str())) {
            ws = &ws[1..];
        }
        let n = ws.iter().take_while(|w| eq_of(w).is_some()).count();
        let kind = if n == ws.len() { AssignmentKind::Shell } else { AssignmentKind::Prefix };
        for w in &ws[..n] {
            push(kind, w, eq_of(w).unwrap_or(0));
        }
        let rest = &ws[n..];
        let Some(first) = rest.first() else { continue };
        match first.text.rsplit('/').next().unwrap_or("") {
            "env" => {
                let mut k = 1;
                while let Some(w) = rest.get(k) {
                    let t = w.text.as_str();
                    if matches!(t, "-u" | "-C" | "-S" | "--unset" | "--chdir" | "--split-string") {
                        k += 2;
                    } else if t.starts_with('-') {
                        k += 1;
                    } else {
                        break;
                    }
                }
                for w in rest[k.min(rest.len())..].iter().take_while(|w| eq_of(w).is_some()) {
                    push(AssignmentKind::Env, w, eq_of(w).unwrap_or(0));
                }
            }
            "export" => {
                for w in rest[1..].iter().filter(|w| !w.text.starts_with('-')) {
                    if let Some(eq) = eq_of(w) {
                        push(AssignmentKind::Export, w, eq);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether the shell runs a RUN heredoc's body as a script: `RUN <<EOF` alone (BuildKit runs the
/// first heredoc with the shell, unless it starts with a non-shell `#!`), or the heredoc feeds a
/// shell's standard input (`RUN bash <<EOF`).
pub(crate) fn heredoc_is_script(command: &str, heredoc_index: usize, name: &str, content: &str) -> bool {
    let trimmed = command.trim();
    if let Some(spec) = super::expand::parse_heredoc_word(trimmed) {
        if heredoc_index != 0 || spec.name != name {
            return false;
        }
        return match content.strip_prefix("#!") {
            None => true,
            Some(shebang) => {
                let line = shebang.lines().next().unwrap_or("");
                let mut parts = line.split_whitespace();
                let prog = parts.next().unwrap_or("").rsplit('/').next().unwrap_or("");
                let prog = if prog == "env" { parts.find(|p| !p.starts_with('-')).unwrap_or("") } else { prog };
                SHELLS.contains(&prog)
            }
        };
    }
    split_commands(command).iter().any(|c| {
        c.heredocs.iter().any(|h| h == name)
            && c.words.first().is_some_and(|w| SHELLS.contains(&w.text.rsplit('/').next().unwrap_or("")))
            && !c.words.iter().any(|w| w.text == "-c")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<Vec<String>> {
        split_commands(s).into_iter().map(|c| c.words.into_iter().map(|w| w.text).collect()).collect()
    }

    #[test]
    fn splits_on_operators_and_drops_redirections() {
        assert_eq!(
            texts("apt-get update && apt-get install -y curl; rm -rf /x | tee 2>&1 >/dev/null"),
            vec![
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "curl"],
                vec!["rm", "-rf", "/x"],
                vec!["tee"]
            ]
        );
        assert_eq!(
            texts("echo 'a b' \"c $(d \"e\")\" f\\ g # comment"),
            vec![vec!["echo", "a b", "c $(d \"e\")", "f g"]]
        );
        assert_eq!(texts("curl -fsSL https://x | sh -"), vec![vec!["curl", "-fsSL", "https://x"], vec!["sh", "-"]]);
    }

    #[test]
    fn nested_heredoc_bodies_are_skipped() {
        let s = "cat > /f <<-X\n\tA=1 not-a-command\n\tX\nB=2 real\n";
        assert_eq!(texts(s), vec![vec!["cat"], vec!["B=2", "real"]]);
        assert_eq!(split_commands(s)[0].heredocs, vec!["X".to_string()]);
    }

    #[test]
    fn inline_assignments() {
        let s = "SECRET_KEY=dummy DB=\"x y\" python manage.py collectstatic && env -i TOKEN=t make; export A=1 B; C=2; echo D=3";
        let got: Vec<_> = assignments(s)
            .into_iter()
            .map(|f| (f.kind, f.name, &s[f.name_range], f.value, &s[f.value_range]))
            .collect();
        let names: Vec<_> = got.iter().map(|g| (g.0, g.1.as_str(), g.3.as_str(), g.4)).collect();
        assert_eq!(
            names,
            vec![
                (AssignmentKind::Prefix, "SECRET_KEY", "dummy", "dummy"),
                (AssignmentKind::Prefix, "DB", "x y", "\"x y\""),
                (AssignmentKind::Env, "TOKEN", "t", "t"),
                (AssignmentKind::Export, "A", "1", "1"),
                (AssignmentKind::Shell, "C", "2", "2"),
            ]
        );
        assert!(got.iter().all(|g| g.1 == g.2));
    }

    #[test]
    fn which_heredocs_run_in_a_shell() {
        assert!(heredoc_is_script("<<EOF", 0, "EOF", "echo hi\n"));
        assert!(heredoc_is_script("<<EOF", 0, "EOF", "#!/usr/bin/env bash\necho\n"));
        assert!(!heredoc_is_script("<<EOF", 0, "EOF", "#!/usr/bin/env python3\nprint()\n"));
        assert!(!heredoc_is_script("python3 <<EOF", 0, "EOF", "x = 1\n"));
        assert!(heredoc_is_script("bash -e <<EOF", 0, "EOF", "x=1\n"));
        assert!(!heredoc_is_script("cat <<EOF > /f", 0, "EOF", "x=1\n"));
    }
}
