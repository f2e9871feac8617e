#![no_main]

//! A base compose file, an override file and the project `.env`, parsed, then merged and
//! interpolated into the project's compose model and the deployment model built on it.

use std::path::PathBuf;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use preflight::config::Config;
use preflight::discover::{Classification, Discovered, Environment, Kind};
use preflight::project::{Parsed, Project, ProjectFile};
use preflight::source::SourceFile;

#[path = "common.rs"]
mod common;

fn file(id: usize, name: &str, text: String, kind: Kind) -> ProjectFile {
    let parsed = match kind {
        Kind::EnvFile => Parsed::Env(preflight::parse::dotenv::parse(&text)),
        _ => Parsed::Compose(preflight::parse::compose::parse(&text, id)),
    };
    let path = PathBuf::from("/nonexistent-preflight-fuzz").join(name);
    let class = Classification {
        env: Environment::Production,
        ambiguous: false,
        reason: String::new(),
        in_template_tree: false,
    };
    let found = Discovered { path: path.clone(), display: path, rel: name.into(), kind, class, explicit: false };
    ProjectFile { source: SourceFile::new(name.into(), text), found, config: 0, parsed }
}

fuzz_target!(|data: &[u8]| {
    let [base, over, env]: [String; 3] = common::parts(data, 3).try_into().unwrap();
    let files = vec![
        file(0, "docker-compose.yml", base, Kind::Compose),
        file(1, "docker-compose.prod.yml", over, Kind::Compose),
        file(2, ".env", env, Kind::EnvFile),
    ];
    for f in &files {
        if let Parsed::Compose(c) = &f.parsed {
            let _ = preflight::parse::compose::redactions(c, &f.source.text);
        }
    }
    let mut project = Project {
        files,
        configs: vec![Arc::new(Config::default())],
        settings: Vec::new(),
        secrets: Vec::new(),
        deployment: Default::default(),
    };
    let compose = preflight::parse::compose::apps::build(&project);
    project.deployment = preflight::model::deployment::build(&project, compose);
    let _ = format!("{:?}", project.deployment);
});
