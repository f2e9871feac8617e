//! DF005 remote-script-piped-to-shell: a RUN downloads a script and runs it in a shell, unseen
//! and unverified (`curl ... | sh`, `wget -O- ... | bash`, `sh -c "$(curl ...)"`,
//! `bash <(curl ...)`), in the command line or in a heredoc script.

use super::{basename, run_commands, runs, Command, Joint, SHELLS};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::DockerfileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DF005",
    name: "remote-script-piped-to-shell",
    family: Family::Dockerfile,
    severity: Severity::Warning,
    default_enabled: true,
    scope: Scope::Production,
    summary: "A RUN pipes a downloaded script into a shell (`curl ... | sh`)",
    check: Check::Dockerfile(check),
};

const HELP: &str = "download the script to a file, check its checksum (`echo \"<sha256>  install.sh\" | \
                    sha256sum -c`), then run it; or install the tool from a package or a pinned release";

/// The downloader a command runs (`curl`, or `wget` writing to standard output).
fn downloader(c: &Command) -> Option<&'static str> {
    let p = c.program()?;
    match basename(c.text(p)) {
        "curl" => Some("curl"),
        "wget" if wget_to_stdout(&c.words[p + 1..].iter().map(|w| w.text.as_str()).collect::<Vec<_>>()) => Some("wget"),
        _ => None,
    }
}

/// `wget -O-`, `-qO -`, `--output-document=-`, `-O /dev/stdout`: the download goes to the pipe.
fn wget_to_stdout(args: &[&str]) -> bool {
    let stdout = |v: &str| v == "-" || v == "/dev/stdout";
    for (i, a) in args.iter().enumerate() {
        let value = if let Some(v) = a.strip_prefix("--output-document") {
            match v.strip_prefix('=') {
                Some(v) => Some(v),
                None if v.is_empty() => args.get(i + 1).copied(),
                None => None,
            }
        } else if a.starts_with('-') && !a.starts_with("--") {
            a.find('O').map(|o| if o + 1 < a.len() { &a[o + 1..] } else { args.get(i + 1).copied().unwrap_or("") })
        } else {
            None
        };
        if value.is_some_and(stdout) {
            return true;
        }
    }
    false
}

/// The shell a command runs, if it is one.
fn shell(c: &Command) -> Option<&str> {
    let p = c.program()?;
    let name = basename(c.text(p));
    SHELLS.contains(&name).then_some(name)
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let df = ctx.df();
    for (_, ins) in runs(df) {
        let cmds = run_commands(ins, ctx.text());
        for (i, c) in cmds.iter().enumerate() {
            let next = cmds.get(i + 1);
            let found = match (c.next, next) {
                // `curl ... | sh`
                (Some(Joint::Pipe), Some(n)) => match (downloader(c), shell(n)) {
                    (Some(d), Some(sh)) => Some((c.span.start..n.span.end, d, sh)),
                    _ => None,
                },
                // `bash <(curl ...)`
                (Some(Joint::ProcessSubstitution), Some(n)) => match (shell(c), downloader(n)) {
                    (Some(sh), Some(d)) => Some((c.span.start..n.span.end, d, sh)),
                    _ => None,
                },
                _ => None,
            };
            // `sh -c "$(curl ...)"`
            let found = found.or_else(|| {
                let sh = shell(c)?;
                let d = c.words.iter().find_map(|w| {
                    ["curl", "wget"]
                        .into_iter()
                        .find(|d| w.text.contains(&format!("$({d} ")) || w.text.contains(&format!("`{d} ")))
                })?;
                Some((c.span.clone(), d, sh))
            });
            if let Some((span, d, sh)) = found {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        ctx.span(span),
                        format!(
                            "a script downloaded with `{d}` runs in `{sh}` unverified: whoever controls the \
                             URL (or the network) controls the build"
                        ),
                    )
                    .with_label("remote script piped to a shell")
                    .with_help(HELP),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wget_to_stdout;

    #[test]
    fn wget_output_to_stdout() {
        assert!(wget_to_stdout(&["-qO-", "https://x"]));
        assert!(wget_to_stdout(&["-q", "-O", "-", "https://x"]));
        assert!(wget_to_stdout(&["--output-document=-", "https://x"]));
        assert!(wget_to_stdout(&["https://x", "-O", "/dev/stdout"]));
        assert!(!wget_to_stdout(&["-q", "https://x"]));
        assert!(!wget_to_stdout(&["-O", "/tmp/install.sh", "https://x"]));
    }
}
