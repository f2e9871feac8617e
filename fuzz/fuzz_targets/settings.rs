#![no_main]

//! Any Python text as a production settings module, with a `base` module it may import and an
//! env file it may read.

use libfuzzer_sys::fuzz_target;
use preflight::settings::{evaluate, Environment, MemReader, Options};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let [production, base, env_text]: [String; 3] = common::parts(data, 3).try_into().unwrap();
    let mut reader = MemReader::new()
        .with("proj/manage.py", "")
        .with("proj/config/__init__.py", "")
        .with("proj/config/settings/__init__.py", "")
        .with("proj/config/settings/production.py", &production)
        .with("proj/config/settings/base.py", &base)
        .with("proj/.env", &env_text);
    reader.dotenv = true;
    let mut env = Environment::new();
    let parsed = preflight::parse::dotenv::parse(&env_text);
    env.add_env_file(std::path::Path::new("proj/.envs/.production"), &env_text, &parsed);
    let opts = Options { roots: vec!["proj".into()], ..Options::default() };
    let ev = evaluate("config.settings.production", &env, &reader, &opts);
    for (name, _) in &ev.values {
        let _ = ev.get(name).map(|v| v.describe());
    }
});
