//! Differential test of the env-file parser against python-dotenv itself (the loader Django
//! projects use), installed from PyPI into a test venv: for every case, the bindings python-dotenv
//! yields (key, value) and the number of lines it rejects must equal ours. python-dotenv runs
//! with interpolation off: Preflight records substitutions, it never expands them.

mod support;

use std::process::Command;

/// Hand-written cases: every syntax corner the parser handles.
const CASES: &[&str] = &[
    "A=1",
    "export A=1",
    "A = 1",
    "  A=1",
    "A='x y'",
    "A=\"x y\"",
    "A=x y",
    "A=x #c",
    "A=x#c",
    "A=\"x\"#c",
    "A=\"x\" #c",
    "A=\"a\\nb\"",
    "A='a\\nb'",
    "A=\"a\\\\b\"",
    "A='a\\'b'",
    "A=\"a\\\"b\"",
    "A=\"line1\nline2\"",
    "A='line1\nline2'",
    "A",
    "A #c",
    "A=",
    "A= ",
    "A=''",
    "A=\"\"",
    "FOO BAR=baz",
    "A=\"open",
    "A='open",
    "A=\"x\"y",
    "my-key=1",
    "a.b=2",
    "1A=x",
    "A=x\r\nB=y",
    "\u{feff}A=1",
    "A=  spaced  ",
    "A=x\t#c",
    "export  A=1",
    "exportA=1",
    "export=1",
    "'A'=1",
    "A=é",
    "é=1",
    "A=x\\ny",
    "A='x' y",
    "A=x # c # d",
    "#A=1",
    " # c",
    "A==1",
    "A=a=b",
    "A=\"a\\tb\"",
    "A=\"\\u0041\"",
    "A=`x`",
    "A=\"x\\\"\"",
    "A=x\\",
    "K\u{a0}V=1",
    "A=1\n\n\nB=2\n# c\nC=3",
    "A=\"multi\nline # not a comment\n\"\nB=after",
    "A=${B}",
    "A=$B",
    "A='${B}'",
    "A=\"${B:-default}\"",
    "\n\n",
    "",
    "A=1\rB=2",
    "A=x \\\n  B=2",
    // python-dotenv 1.2: a backslash escapes any character when finding the closing quote, and
    // whitespace then `#` after `=` is a comment.
    "A=\"a\\\\\"\nB=\"x\"",
    "A='a\\\\'\nB=1",
    "A='a\\qb'",
    "A=\"a\\qb\"",
    "A=   # foo",
    "A= #foo",
    "A=#foo",
    "A=  \t# c",
];

/// A deterministic generator of lines built from the fragments above (xorshift, fixed seed).
fn generated() -> Vec<String> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let keys = ["A", "DB_PASSWORD", "export KEY", "key-1", "a.b", " SPACED", "K2"];
    let eqs = ["=", " = ", "=  ", " "];
    let values = [
        "plain",
        "two words",
        "'single quoted'",
        "\"double quoted\"",
        "\"esc \\\" \\n \\t\"",
        "'it\\'s'",
        "x#y",
        "x # comment",
        "\"open",
        "\"a\nb\"",
        "",
        "''",
        "é ü",
        "${REF}",
        "\"q\"tail",
    ];
    (0..400)
        .map(|_| {
            let lines = 1 + next(4);
            (0..lines)
                .map(|_| format!("{}{}{}", keys[next(keys.len())], eqs[next(eqs.len())], values[next(values.len())]))
                .collect::<Vec<_>>()
                .join(["\n", "\r\n", "\n\n", "\n# note\n"][next(4)])
        })
        .collect()
}

const SCRIPT: &str = r#"
import io, json, sys
from dotenv.parser import parse_stream
out = []
for text in json.load(open(sys.argv[1], encoding="utf-8")):
    pairs, errors = [], 0
    for b in parse_stream(io.StringIO(text)):
        if b.error:
            errors += 1
        elif b.key is not None:
            pairs.append([b.key, b.value])
    out.append({"pairs": pairs, "errors": errors})
json.dump(out, sys.stdout)
"#;

#[test]
fn parser_agrees_with_python_dotenv() {
    let python = support::python_venv("test-venv-dotenv", &["python-dotenv==1.2.4"], "import dotenv.parser");
    let mut texts: Vec<String> = CASES.iter().map(|c| format!("{c}\n")).collect();
    texts.extend(CASES.iter().map(|c| c.to_string()));
    texts.extend(generated());
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cases.json");
    std::fs::write(&input, serde_json::to_string(&texts).unwrap()).unwrap();
    let out = Command::new(&python).arg("-c").arg(SCRIPT).arg(&input).output().expect("python runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let want: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(want.len(), texts.len(), "python-dotenv answered for every case");
    let mut mismatches = Vec::new();
    for (text, want) in texts.iter().zip(&want) {
        let file = preflight::parse::dotenv::parse(text);
        let pairs: Vec<serde_json::Value> = file
            .entries
            .iter()
            .map(|e| serde_json::json!([e.key, e.value.as_ref().map(|v| v.value.clone())]))
            .collect();
        let got = serde_json::json!({"pairs": pairs, "errors": file.errors.len()});
        if &got != want {
            mismatches.push(format!("{text:?}\n  python-dotenv: {want}\n  preflight:     {got}"));
        }
    }
    assert!(mismatches.is_empty(), "{} of {} cases differ:\n{}", mismatches.len(), texts.len(), mismatches.join("\n"));
}
