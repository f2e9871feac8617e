//! `preflight deployment`: the model Preflight believes, as reviewed snapshots of the sample
//! projects (text and JSON), with secrets masked and bad paths refused.

use std::process::Command;

fn deployment(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .arg("deployment")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run preflight deployment");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "snapshots/deployment", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name.to_string(), text);
    });
}

#[test]
fn sample_projects_text() {
    for project in ["gaara-erp", "harbor-crm", "twin-monorepo", "clean-api"] {
        let (out, err, code) = deployment(&[&format!("fixtures/projects/{project}"), "--isolated"]);
        assert_eq!(code, 0, "{project}: {err}");
        snapshot(project, &out);
    }
}

#[test]
fn harbor_crm_json() {
    let (out, err, code) = deployment(&["fixtures/projects/harbor-crm", "--isolated", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["version"], 1);
    let project = &v["projects"][0];
    assert_eq!(project["root"], "fixtures/projects/harbor-crm");
    let services: Vec<&str> =
        project["services"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(services, ["django", "celeryworker", "postgres", "redis"]);
    // Two services share one image and stage.
    for s in &project["services"].as_array().unwrap()[..2] {
        assert_eq!(s["dockerfile"], "fixtures/projects/harbor-crm/compose/production/django/Dockerfile");
        assert_eq!(s["stage"], "`runtime`");
        assert_eq!(s["django"], true);
    }
    // The worker's own `environment:` gives it its own evaluation: DEBUG differs.
    let settings = project["settings"].as_array().unwrap();
    assert_eq!(settings.len(), 2);
    let debug = |m: &serde_json::Value| {
        m["values"].as_array().unwrap().iter().find(|v| v["setting"] == "DEBUG").map(|v| v["value"].clone()).unwrap()
    };
    for m in settings {
        let by: Vec<&str> = m["services"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
        match by.as_slice() {
            ["django"] => assert_eq!(debug(m), "False"),
            ["celeryworker"] => assert_eq!(debug(m), "True"),
            other => panic!("unexpected services {other:?}"),
        }
    }
    insta::with_settings!({snapshot_path => "snapshots/deployment", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!("harbor-crm-json", out);
    });
}

#[test]
fn secrets_are_masked() {
    // gaara-erp commits a real-looking key in `.envs/.production/.django`: shown masked only.
    let env = std::fs::read_to_string("fixtures/projects/gaara-erp/.envs/.production/.django").unwrap();
    let key = env
        .lines()
        .find_map(|l| l.strip_prefix("DJANGO_SECRET_KEY="))
        .map(|v| v.trim_matches(['"', '\'']))
        .expect("the fixture holds a key");
    assert!(key.len() > 20);
    for format in ["text", "json"] {
        let (out, _, code) = deployment(&["fixtures/projects/gaara-erp", "--isolated", "--format", format]);
        assert_eq!(code, 0);
        assert!(!out.contains(&key[..12]), "{format}: the key leaks:\n{out}");
        assert!(out.contains(&format!("{}****", &key[..4])), "{format}: the masked key is shown");
    }
}

#[test]
fn masked_describe_hides_nested_and_shortened_secrets() {
    use preflight::settings::{Dict, Value};
    let mut d = Dict::new();
    d.insert(Value::str("ENGINE", None), Value::str("django.db.backends.postgresql", None));
    d.insert(Value::str("PASSWORD", None), Value::str("s3cr3t-Pa55w0rd-for-the-db", None));
    let mut outer = Dict::new();
    outer.insert(Value::str("default", None), Value::dict(d, None));
    let text = preflight::report::deployment::masked_describe("DATABASES", &Value::dict(outer, None));
    assert!(!text.contains("Pa55"), "{text}");
    assert!(text.contains("s3cr****"), "{text}");
    let long = Value::str(format!("{}{}", "x".repeat(70), "TopSecretValue123456789"), None);
    let text = preflight::report::deployment::masked_describe("SECRET_KEY", &long);
    assert!(!text.contains("TopSecret"), "{text}");
}

#[test]
fn missing_path_is_a_usage_error() {
    let (_, err, code) = deployment(&["fixtures/projects/does-not-exist"]);
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");
}
