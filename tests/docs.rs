//! The rule docs under `rules/` are part of the product: every rule has one, every one names a
//! rule, its front matter agrees with the registry, and its examples behave (the Example fires
//! the rule, the Use instead stays silent).

use std::path::Path;

use preflight::config::SelectLayer;
use preflight::registry::{self, Rule};

fn front_matter(doc: &str) -> Vec<(String, String)> {
    let body = doc.strip_prefix("---\n").expect("doc starts with front matter");
    let end = body.find("\n---\n").expect("front matter ends");
    body[..end]
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

#[test]
fn every_rule_has_a_doc_and_every_doc_a_rule() {
    for rule in registry::all() {
        assert!(registry::doc(rule).is_some(), "{} has no rules/{}-{}.md", rule.code, rule.code, rule.name);
    }
    let re = regex::Regex::new(r"^([A-Z]+[0-9]{3})-([a-z0-9-]+)\.md$").unwrap();
    for (file, _) in registry::DOCS {
        if let Some(c) = re.captures(file) {
            let rule = registry::find(&c[1]).unwrap_or_else(|| panic!("rules/{file} documents no registered rule"));
            assert_eq!(rule.name, &c[2], "rules/{file}: name differs from the registry");
        }
    }
}

#[test]
fn front_matter_agrees_with_the_registry() {
    for rule in registry::all() {
        let doc = registry::doc(rule).unwrap();
        let fm = front_matter(doc);
        let get = |k: &str| fm.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(get("code"), Some(rule.code), "{}", rule.code);
        assert_eq!(get("name"), Some(rule.name), "{}", rule.code);
        assert_eq!(get("severity"), Some(rule.severity.as_str()), "{}", rule.code);
        assert_eq!(get("family"), Some(rule.family.prefix()), "{}", rule.code);
        for section in ["What it does", "Why it matters", "Example", "Use instead", "Options", "References"] {
            assert!(doc.contains(&format!("\n## {section}\n")), "{}: no `## {section}` section", rule.code);
        }
        assert!(doc.contains(&format!("# {} {}", rule.code, rule.name)), "{}: title", rule.code);
    }
}

/// The fenced blocks of a section: `(path, contents)`. A block's info string names its path
/// (```` ```env path=.envs/.production/.django ````); `bytes=hex` gives raw bytes in hex.
fn blocks(doc: &str, section: &str) -> Vec<(String, Vec<u8>)> {
    let start = doc.find(&format!("\n## {section}\n")).expect("section") + section.len() + 5;
    let rest = &doc[start..];
    let rest = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut out = Vec::new();
    let mut lines = rest.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else { continue };
        let path = info.split_whitespace().find_map(|w| w.strip_prefix("path=")).map(str::to_string);
        let hex = info.split_whitespace().any(|w| w == "bytes=hex");
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        if let Some(path) = path {
            let bytes = if hex {
                let h: String = body.split_whitespace().collect();
                (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
            } else {
                body.into_bytes()
            };
            out.push((path, bytes));
        }
    }
    out
}

/// Runs the rule alone, plus the codes its front matter lists under `extend-select` (rules an
/// example needs beside it, e.g. the rule a suppression comment suppresses).
fn run_blocks(rule: &Rule, files: &[(String, Vec<u8>)]) -> Vec<String> {
    let extra: Vec<String> = front_matter(registry::doc(rule).unwrap())
        .into_iter()
        .filter(|(k, _)| k == "extend-select")
        .flat_map(|(_, v)| v.split([',', ' ']).filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
    }
    let report = preflight::check(&preflight::Options {
        paths: vec![dir.path().to_path_buf()],
        config: None,
        isolated: true,
        settings: None,
        secrets_all_files: false,
        selection: SelectLayer {
            select: Some(vec![rule.code.to_string()]),
            extend_select: extra,
            ..Default::default()
        },
    })
    .unwrap();
    report.diagnostics.iter().filter(|d| d.code == rule.code).map(|d| format!("{}: {}", d.code, d.message)).collect()
}

#[test]
fn doc_examples_fire_and_use_instead_stays_silent() {
    for rule in registry::all() {
        let doc = registry::doc(rule).unwrap();
        let example = blocks(doc, "Example");
        assert!(!example.is_empty(), "{}: the Example has no block with a path=", rule.code);
        let fired = run_blocks(rule, &example);
        assert!(fired.iter().any(|d| d.starts_with(rule.code)), "{}: its Example does not fire it", rule.code);
        let instead = blocks(doc, "Use instead");
        assert!(!instead.is_empty(), "{}: Use instead has no block with a path=", rule.code);
        let fired = run_blocks(rule, &instead);
        assert!(fired.is_empty(), "{}: its Use instead fires: {fired:?}", rule.code);
    }
}

#[test]
fn readme_rule_table_is_current() {
    let readme = std::fs::read_to_string(Path::new("README.md")).expect("README.md");
    let table = registry::rules_markdown();
    assert!(
        readme.contains(&table),
        "README.md's rule table is stale: paste the output of `preflight rules --format markdown`"
    );
}
