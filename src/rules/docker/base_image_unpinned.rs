//! DF003 base-image-unpinned: `FROM` an image with no tag or with `:latest`, after ARG expansion.
//! Stage names (`FROM builder`, even one named `latest`) and `scratch` are not images.

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::{Base, Body};
use crate::project::DockerfileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DF003",
    name: "base-image-unpinned",
    family: Family::Dockerfile,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::Production,
    summary: "`FROM` an image with no tag or `:latest`",
    check: Check::Dockerfile(check),
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let df = ctx.df();
    for stage in &df.stages {
        // A digest pins the image whatever the tag says; a stage or `scratch` is no image.
        let Base::Image(image) = &stage.base else { continue };
        if image.digest.is_some() {
            continue;
        }
        let latest = match image.tag.as_deref() {
            None => false,
            Some("latest") => true,
            Some(_) => continue,
        };
        let Body::From(from) = &df.instructions[stage.from].body else { continue };
        let written = &from.image.text;
        let expanded = *written != image.reference;
        // The tag as written when there is one (`:latest`, `:$TAG`), else the image reference.
        let span = match &from.tag {
            Some(tag) if latest => tag.span.clone(),
            _ => from.image.span.clone(),
        };
        let what = if latest { "the `latest` tag" } else { "no tag, so Docker pulls `latest`" };
        let via =
            if expanded { format!("`{written}` resolves to `{}`, with ", image.reference) } else { String::new() };
        let message = if expanded {
            format!("base image is not pinned: {via}{what}")
        } else {
            format!("base image `{}` is not pinned: {what}", image.reference)
        };
        out.push(
            Diagnostic::new(&RULE, ctx.span(span), message)
                .with_label(if latest { "moving tag" } else { "no tag" })
                .with_help(format!(
                    "pin the version you test against (`{0}:<version>`), or a digest \
                     (`{0}@sha256:<digest>`) for reproducible builds",
                    image.name
                )),
        );
    }
}
