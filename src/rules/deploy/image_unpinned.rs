//! DEP006 image-unpinned: a production compose `image:` with no tag or `:latest`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::Project;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DEP006",
    name: "image-unpinned",
    family: Family::Deployment,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "A compose `image:` with no tag or `:latest`",
    check: Check::Project(check),
};

const HELP: &str = "pin the image to a version tag (`postgres:16.4`), or to a digest (`postgres:16.4@sha256:…`)";

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    for (s, image, text) in super::prebuilt_images(project) {
        if text.contains('@') {
            continue;
        }
        let message = match super::split_tag(text).1 {
            None => format!("service `{}` runs image `{text}` with no tag: it is `:latest`, whatever that is on the day of the pull", s.name),
            Some("latest") => format!("service `{}` runs image `{text}`: `latest` moves, so every pull may bring another version", s.name),
            Some(_) => continue,
        };
        out.push(Diagnostic::new(&RULE, image.span, message).with_label("unpinned image").with_help(HELP));
    }
}

#[cfg(test)]
mod tests {
    fn tag(image: &str) -> Option<&str> {
        super::super::split_tag(image).1
    }

    #[test]
    fn tags() {
        assert_eq!(tag("postgres"), None);
        assert_eq!(tag("postgres:16"), Some("16"));
        assert_eq!(tag("registry:5000/app"), None);
        assert_eq!(tag("registry:5000/app:latest"), Some("latest"));
    }
}
