//! DEP005 dev-server-in-production: `manage.py runserver` (or django-extensions'
//! `runserver_plus`) is what a production container runs: a compose `command:`/`entrypoint:` of
//! a production service, or the CMD/ENTRYPOINT of the stage a production Dockerfile ships (the
//! stage a production service builds). A RUN is build time (a smoke test), and a word that is
//! only printed (`echo manage.py runserver`) starts nothing: both are silent.

use super::commands::{production_commands, Site};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::Project;
use crate::registry::{Check, Family, Rule, Scope};
use crate::rules::docker::{basename, command_index, CmdWord};

pub const RULE: Rule = Rule {
    code: "DEP005",
    name: "dev-server-in-production",
    family: Family::Deployment,
    severity: Severity::Error,
    default_enabled: true,
    scope: Scope::ProductionSet,
    summary: "`manage.py runserver` as a production command",
    check: Check::Project(check),
};

const HELP: &str = "run a production server: `gunicorn config.wsgi:application --bind 0.0.0.0:8000` \
                    (or uvicorn/daphne for ASGI); keep `runserver` in the development compose file";

/// The `runserver`/`runserver_plus` word of a simple command that runs `manage.py` or
/// `django-admin` (directly or through `python`), as an index into `words`.
fn runserver_word(words: &[CmdWord]) -> Option<usize> {
    let ci = command_index(words)?;
    let program = basename(&words[ci].text);
    let is_python = program.starts_with("python") || matches!(program, "pipenv" | "poetry" | "uv");
    let is_django = |w: &str| matches!(basename(w), "manage.py" | "django-admin" | "django-admin.py");
    let start = if is_django(&words[ci].text) {
        ci
    } else if is_python || matches!(program, "run") {
        // `python [opts] manage.py`, `pipenv run python manage.py`, `uv run manage.py`.
        (ci + 1..words.len()).find(|&i| is_django(&words[i].text))?
    } else {
        return None;
    };
    let sub = (start + 1..words.len()).find(|&i| !words[i].text.starts_with('-'))?;
    matches!(words[sub].text.as_str(), "runserver" | "runserver_plus").then_some(sub)
}

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    for found in production_commands(project, &runserver_word) {
        let message = match found.site {
            Site::Service { link, key } => format!(
                "service `{}` runs Django's development server (its `{key}:`): `runserver` is \
                 single-process, unhardened and not meant for production traffic",
                project.deployment.services[link].name
            ),
            Site::Image { keyword, .. } => format!(
                "the image's {keyword} runs Django's development server: `runserver` is \
                 single-process, unhardened and not meant for production traffic"
            ),
            Site::Procfile { .. } => "the Procfile runs Django's development server: `runserver` is \
                 single-process, unhardened and not meant for production traffic"
                .to_string(),
        };
        out.push(Diagnostic::new(&RULE, found.span, message).with_label("development server").with_help(HELP));
    }
}

#[cfg(test)]
mod tests {
    use super::runserver_word;
    use crate::rules::deploy::commands::script_hits;

    #[test]
    fn finds_runserver() {
        assert_eq!(script_hits("python manage.py runserver 0.0.0.0:8000", 0, &runserver_word).len(), 1);
        assert_eq!(script_hits("python -u ./manage.py runserver_plus", 0, &runserver_word).len(), 1);
        assert_eq!(
            script_hits("sh -c 'python manage.py migrate && python manage.py runserver'", 0, &runserver_word).len(),
            1
        );
        assert!(script_hits("echo manage.py runserver", 0, &runserver_word).is_empty());
        assert!(script_hits("gunicorn config.wsgi", 0, &runserver_word).is_empty());
        assert!(script_hits("python manage.py migrate", 0, &runserver_word).is_empty());
    }
}
