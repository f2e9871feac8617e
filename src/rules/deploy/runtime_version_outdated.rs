//! DEP009 runtime-version-outdated: a production image or service runs Python, PostgreSQL or
//! Redis below the checklist's minimums (section 6): the official `python:` base image of the
//! stage a production Dockerfile ships (after ARG expansion, through `FROM <stage>` chains), or
//! a production compose service's `postgres:`/`redis:`/`python:` `image:`. The version is the
//! tag's leading numbers (`3.10.14-slim-bookworm` is 3.10). A tag that names no version
//! (`latest`, none, `alpine`) is DEP006's/DF003's business; other images (`pgvector/pgvector`,
//! `bitnami/postgresql`) are not judged.

use super::Shipped;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::{stage_chain, Base, Body};
use crate::project::Project;
use crate::registry::{Check, Family, Rule, Scope};
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: "DEP009",
    name: "runtime-version-outdated",
    family: Family::Deployment,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A production image runs Python, PostgreSQL or Redis below the minimum version",
    check: Check::Project(check),
};

/// The runtimes judged: official image name, display name, the threshold's key.
const RUNTIMES: &[(&str, &str, &str)] =
    &[("python", "Python", "python-min"), ("postgres", "PostgreSQL", "postgres-min"), ("redis", "Redis", "redis-min")];

/// The official Docker Hub image an image name is, if it is one of [`RUNTIMES`]
/// (`python`, `library/python`, `docker.io/library/python`).
fn runtime(name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    let bare =
        ["docker.io/library/", "index.docker.io/library/", "registry-1.docker.io/library/", "docker.io/", "library/"]
            .iter()
            .find_map(|p| lower.strip_prefix(p))
            .unwrap_or(&lower);
    RUNTIMES.iter().position(|(n, _, _)| *n == bare)
}

/// The version a tag names: its leading dot-separated numbers, and their length in the tag
/// (`3.10.4-slim` → `[3, 10, 4]`, 6). None when the tag starts with no number.
fn tag_version(tag: &str) -> Option<(Vec<u64>, usize)> {
    let mut parts = Vec::new();
    let mut end = 0;
    for (i, part) in tag.split('.').enumerate() {
        let digits = part.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        parts.push(part[..digits].parse().ok()?);
        end += digits + usize::from(i > 0);
        if digits < part.len() {
            break;
        }
    }
    (!parts.is_empty()).then_some((parts, end))
}

/// Whether `version` is below `min`, compared on the parts both name (`3` is not below `3.11`:
/// it is the newest 3.x).
fn below(version: &[u64], min: &[u64]) -> bool {
    let n = version.len().min(min.len());
    version[..n] < min[..n]
}

fn dotted(v: &[u64]) -> String {
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

/// A finding: the runtime, the version found, the minimum.
struct Outdated {
    runtime: usize,
    version: Vec<u64>,
    min: Vec<u64>,
}

/// Judges an image reference (after expansion); with the version's length in its tag.
fn judge(project: &Project, name: &str, tag: Option<&str>) -> Option<(Outdated, usize)> {
    let runtime = runtime(name)?;
    let (version, len) = tag_version(tag?)?;
    let t = &project.config().thresholds;
    let min = match runtime {
        0 => &t.python_min,
        1 => &t.postgres_min,
        _ => &t.redis_min,
    };
    below(&version, min).then(|| (Outdated { runtime, version, min: min.clone() }, len))
}

fn diagnostic(o: &Outdated, span: Span, subject: String) -> Diagnostic {
    let (image, shown, key) = RUNTIMES[o.runtime];
    let (v, min) = (dotted(&o.version), dotted(&o.min));
    Diagnostic::new(
        &RULE,
        span,
        format!("{subject} runs {shown} {v}, below the minimum {min} (deployment checklist, section 6)"),
    )
    .with_label(format!("{shown} {v}"))
    .with_help(format!(
        "move to a supported release (`{image}:{min}` or newer) and test against it; if this version is a \
         deliberate choice, lower `{key}` in `[thresholds]`"
    ))
}

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    // Compose services that run an image as is.
    for (s, image, text) in super::prebuilt_images(project) {
        let reference = text.split('@').next().unwrap_or(text);
        let (name, tag) = super::split_tag(reference);
        let Some((o, len)) = judge(project, name, tag) else { continue };
        let src = project.files.get(image.span.file).map(|f| f.source.text.as_str()).unwrap_or("");
        let start = reference.len() - tag.map_or(0, str::len);
        let range = super::text_range(src, image.span, text, start..start + len);
        out.push(diagnostic(&o, Span::new(image.span.file, range), format!("service `{}` (`{text}`)", s.name)));
    }
    // Dockerfiles: production ones, and those a production service builds, at the stage that
    // runs; the image is the base of its `FROM <stage>` chain.
    for Shipped { id, model: m, stages, .. } in super::shipped_dockerfiles(project) {
        let df = &m.dockerfile;
        let mut roots: Vec<usize> = stages.iter().filter_map(|&s| stage_chain(df, s).first().copied()).collect();
        roots.sort_unstable();
        roots.dedup();
        for root in roots {
            let stage = &df.stages[root];
            let Base::Image(image) = &stage.base else { continue };
            let Some((o, len)) = judge(project, &image.name, image.tag.as_deref()) else { continue };
            let Body::From(from) = &df.instructions[stage.from].body else { continue };
            // The version as written when the tag is literal, else what the tag resolves from.
            let range: Range<usize> = match &from.tag {
                Some(t) if image.tag.as_deref() == Some(t.text.as_str()) => t.span.start..t.span.start + len,
                // `${PYTHON_VERSION}-slim`: the variable that gives the version.
                Some(t) => match t.text.strip_prefix("${").and_then(|r| r.find('}')) {
                    Some(e) => t.span.start..(t.span.start + e + 3).min(t.span.end),
                    None => t.span.clone(),
                },
                None => from.image.span.clone(),
            };
            let subject = if from.image.text == image.reference {
                format!("the image's base `{}`", image.reference)
            } else {
                format!("the image's base `{}` (resolves to `{}`)", from.image.text, image.reference)
            };
            out.push(diagnostic(&o, Span::new(id, range), subject));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_tags() {
        assert_eq!(tag_version("3.10.4-slim-bookworm"), Some((vec![3, 10, 4], 6)));
        assert_eq!(tag_version("12-alpine"), Some((vec![12], 2)));
        assert_eq!(tag_version("5.0.14"), Some((vec![5, 0, 14], 6)));
        assert_eq!(tag_version("3.9-slim"), Some((vec![3, 9], 3)));
        assert_eq!(tag_version("3.x"), Some((vec![3], 1)));
        assert_eq!(tag_version("latest"), None);
        assert_eq!(tag_version("pg13"), None);
        assert!(below(&[3, 9], &[3, 11]));
        assert!(below(&[3, 10, 14], &[3, 11]));
        assert!(!below(&[3, 12], &[3, 11]));
        assert!(!below(&[3], &[3, 11]));
        assert!(below(&[13], &[14]));
        assert!(!below(&[16, 4], &[14]));
        assert_eq!(runtime("docker.io/library/postgres"), Some(1));
        assert_eq!(runtime("pgvector/pgvector"), None);
        assert_eq!(runtime("bitnami/redis"), None);
    }
}
