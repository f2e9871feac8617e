//! Stages, their links, the ARG/ENV scopes, and the image config each stage inherits.

use super::expand::{expand, Scope};
use super::instr::split_reference;
use super::{
    Base, Body, Dockerfile, EnvSetting, ErrorKind, ImageConfig, ImageRef, Kind, LinkTarget, Origin, ParseError, Stage,
    StageLink, UserSetting, WorkdirSetting,
};

/// ARGs BuildKit defines in the global scope without a declaration (their values depend on the
/// build platform).
const PLATFORM_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
];

pub(crate) fn build(df: &mut Dockerfile) {
    let mut starts = Vec::new();
    let mut early = None;
    for (i, ins) in df.instructions.iter_mut().enumerate() {
        if ins.kind == Kind::From {
            starts.push(i);
        }
        match starts.len() {
            0 if ins.kind == Kind::Arg => df.global_args.push(i),
            0 => {
                early.get_or_insert(i);
            }
            n => {
                ins.stage = Some(n - 1);
                if let Body::Onbuild(inner) = &mut ins.body {
                    inner.stage = Some(n - 1);
                }
            }
        }
    }
    // BuildKit stops at the first of these, so one error says it.
    let error = if starts.is_empty() {
        df.instructions
            .get(early.unwrap_or(0))
            .map(|ins| (ins, ErrorKind::NoFrom, "the Dockerfile has no FROM: there is no stage to build".to_string()))
    } else {
        early.map(|e| &df.instructions[e]).map(|ins| {
            let message = format!("{} before the first FROM: no build stage in current context", ins.kind.name());
            (ins, ErrorKind::NoStage, message)
        })
    };
    if let Some((ins, kind, message)) = error {
        let e = ParseError { kind, message, span: ins.keyword.clone(), line: ins.line };
        df.errors.push(e);
    }
    let global = global_scope(df, usize::MAX);
    for (si, &fi) in starts.iter().enumerate() {
        let end = starts.get(si + 1).copied().unwrap_or(df.instructions.len());
        let from = &df.instructions[fi];
        let (name, base) = match &from.body {
            Body::From(f) => {
                let base = match expand(&f.image.text, &global) {
                    None => Base::Unknown,
                    Some(s) if s.is_empty() => {
                        df.errors.push(ParseError {
                            kind: ErrorKind::InvalidArgument,
                            message: format!("base name ({}) should not be blank", f.image.text),
                            span: f.image.span.clone(),
                            line: from.line,
                        });
                        Base::Unknown
                    }
                    Some(s) if s.eq_ignore_ascii_case("scratch") => Base::Scratch,
                    Some(s) => {
                        let lower = s.to_ascii_lowercase();
                        match df.stages.iter().position(|st| st.name.as_deref() == Some(lower.as_str())) {
                            Some(p) => Base::Stage(p),
                            None => Base::Image(image_ref(&s)),
                        }
                    }
                };
                (f.alias.as_ref().map(|a| a.text.to_ascii_lowercase()), base)
            }
            _ => (None, Base::Unknown),
        };
        let open_env = match &base {
            Base::Scratch => false,
            Base::Stage(p) => df.stages[*p].open_env,
            Base::Image(_) | Base::Unknown => true,
        };
        df.stages.push(Stage {
            index: si,
            from: fi,
            name,
            instructions: fi..end,
            base,
            links: Vec::new(),
            config: ImageConfig::default(),
            open_env,
        });
        let (_, config, links) = replay(df, si, None);
        df.stages[si].config = config;
        df.stages[si].links = links;
    }
}

fn image_ref(s: &str) -> ImageRef {
    let (n, t, d) = split_reference(s);
    ImageRef {
        reference: s.to_string(),
        name: s[n].to_string(),
        tag: t.map(|t| s[t].to_string()),
        digest: d.map(|d| s[d].to_string()),
    }
}

/// The global ARG scope: ARGs before the first FROM that come before instruction `upto`.
pub(crate) fn global_scope(df: &Dockerfile, upto: usize) -> Scope {
    let mut s = Scope::new(df.escape);
    for name in PLATFORM_ARGS {
        s.args.insert((*name).to_string(), None);
    }
    for &gi in df.global_args.iter().filter(|&&gi| gi < upto) {
        if let Body::Args(decls) = &df.instructions[gi].body {
            for d in decls {
                // Meta ARGs expand one after the other (`ARG A=1 B=$A` gives B=1).
                let v = d.default.as_ref().and_then(|v| expand(&v.raw, &s));
                s.args.insert(d.name.text.clone(), v);
            }
        }
    }
    s
}

/// The variables in effect after the last instruction of a stage.
pub(crate) fn stage_end_scope(df: &Dockerfile, stage: usize) -> Scope {
    match df.stages.get(stage) {
        Some(_) => replay(df, stage, None).0,
        None => Scope::new(df.escape),
    }
}

pub(crate) fn scope_at(df: &Dockerfile, index: usize) -> Scope {
    match df.instructions.get(index).and_then(|i| i.stage) {
        None => global_scope(df, index),
        Some(s) if df.stages.get(s).is_some_and(|st| st.from == index) => global_scope(df, usize::MAX),
        Some(s) if s < df.stages.len() => replay(df, s, Some(index)).0,
        Some(_) => Scope::new(df.escape),
    }
}

fn stage_scope(
    config: &ImageConfig,
    args: &std::collections::HashMap<String, Option<String>>,
    open: bool,
    escape: char,
) -> Scope {
    Scope {
        env: config.env.iter().map(|e| (e.name.clone(), e.value.clone())).collect(),
        args: args.clone(),
        open,
        escape,
    }
}

/// Runs a stage's instructions over its inherited config; stops before `upto` when given.
fn replay(df: &Dockerfile, si: usize, upto: Option<usize>) -> (Scope, ImageConfig, Vec<StageLink>) {
    let stage = &df.stages[si];
    let mut config = match stage.base {
        Base::Stage(p) if p < si => df.stages[p].config.clone(),
        _ => ImageConfig::default(),
    };
    let open = stage.open_env;
    let global = global_scope(df, usize::MAX);
    let mut args = std::collections::HashMap::new();
    let mut links = Vec::new();
    let mut cmd_set = false;
    for idx in stage.instructions.start + 1..stage.instructions.end {
        if upto == Some(idx) {
            break;
        }
        let ins = &df.instructions[idx];
        let origin = Origin { stage: si, instruction: idx };
        let scope = || stage_scope(&config, &args, open, df.escape);
        match (&ins.kind, &ins.body) {
            (Kind::Arg, Body::Args(decls)) => {
                let sc = scope();
                for d in decls {
                    let v = match &d.default {
                        Some(v) => expand(&v.raw, &sc),
                        // A re-declared global ARG takes its global value.
                        None => global.args.get(&d.name.text).cloned().flatten(),
                    };
                    args.insert(d.name.text.clone(), v);
                }
            }
            (Kind::Env, Body::Pairs(pairs)) => {
                let sc = scope();
                for kv in pairs {
                    let setting = EnvSetting {
                        name: kv.key.text.clone(),
                        origin,
                        key_span: kv.key.span.clone(),
                        value_span: kv.value.span.clone(),
                        raw: kv.value.raw.clone(),
                        value: expand(&kv.value.raw, &sc),
                    };
                    match config.env.iter_mut().find(|e| e.name == setting.name) {
                        Some(e) => *e = setting,
                        None => config.env.push(setting),
                    }
                }
            }
            (Kind::User, Body::Text(w)) => {
                let value = expand(&w.text, &scope());
                config.user = Some(UserSetting { origin, raw: w.text.clone(), span: w.span.clone(), value });
            }
            (Kind::Workdir, Body::Text(w)) => {
                let path = expand(&w.text, &scope()).and_then(|v| {
                    if v.starts_with('/') {
                        Some(clean_path(&v))
                    } else {
                        match &config.workdir {
                            Some(prev) => prev.path.as_ref().map(|p| clean_path(&format!("{p}/{v}"))),
                            None if !open => Some(clean_path(&format!("/{v}"))),
                            None => None,
                        }
                    }
                });
                config.workdir = Some(WorkdirSetting { origin, raw: w.text.clone(), span: w.span.clone(), path });
            }
            (Kind::Healthcheck, Body::Healthcheck(_)) => config.healthcheck = Some(origin),
            (Kind::Entrypoint, _) => {
                config.entrypoint = Some(origin);
                if !cmd_set {
                    config.cmd = None;
                }
            }
            (Kind::Cmd, _) => {
                config.cmd = Some(origin);
                cmd_set = true;
            }
            (Kind::Copy, _) => {
                if let Some(f) = ins.flag("from") {
                    let target = link_target(df, f.value.as_deref(), &scope());
                    links.push(StageLink {
                        instruction: idx,
                        span: f.value_span.clone().unwrap_or(f.span.clone()),
                        target,
                    });
                }
            }
            (Kind::Run, _) => {
                for f in ins.flags.iter().filter(|f| f.name == "mount") {
                    if let Some((_, from)) = f.options().into_iter().find(|(k, _)| k == "from") {
                        let target = link_target(df, Some(&from), &scope());
                        links.push(StageLink {
                            instruction: idx,
                            span: f.value_span.clone().unwrap_or(f.span.clone()),
                            target,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    (stage_scope(&config, &args, open, df.escape), config, links)
}

/// `--from=` names a stage (by name or index) or else an image.
fn link_target(df: &Dockerfile, value: Option<&str>, scope: &Scope) -> LinkTarget {
    let Some(v) = value.and_then(|v| expand(v, scope)) else { return LinkTarget::Unknown };
    if let Ok(n) = v.parse::<usize>() {
        return if n < df.stages.len() { LinkTarget::Stage(n) } else { LinkTarget::Unknown };
    }
    let lower = v.to_ascii_lowercase();
    match df.stages.iter().position(|s| s.name.as_deref() == Some(lower.as_str())) {
        Some(p) => LinkTarget::Stage(p),
        None if v.is_empty() => LinkTarget::Unknown,
        None => LinkTarget::Image(v),
    }
}

fn clean_path(p: &str) -> String {
    format!("/{}", super::path_segments(p).join("/"))
}
