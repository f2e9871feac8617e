//! DF004 add-instead-of-copy: `ADD` of a local path, where `COPY` does the same without ADD's
//! extra behaviours (URL download, archive extraction).

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::dockerfile::Kind;
use crate::project::DockerfileCtx;
use crate::registry::{Check, Family, Rule, Scope};

pub const RULE: Rule = Rule {
    code: "DF004",
    name: "add-instead-of-copy",
    family: Family::Dockerfile,
    severity: Severity::Info,
    default_enabled: true,
    scope: Scope::Production,
    summary: "`ADD` of a local path (not a URL or archive): use `COPY`",
    check: Check::Dockerfile(check),
};

/// Names ADD unpacks (it detects tar archives by content; these names say "archive").
const ARCHIVES: &[&str] =
    &[".tar", ".tgz", ".tbz", ".tbz2", ".txz", ".tzst", ".gz", ".bz2", ".xz", ".zst", ".tar.gz", ".tar.bz2", ".tar.xz"];

/// What an ADD source is, after ARG/ENV expansion.
fn is_local_file(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    let remote = ["http://", "https://", "git@", "git://", "ssh://"].iter().any(|p| lower.starts_with(p));
    !remote && !ARCHIVES.iter().any(|a| lower.ends_with(a))
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Diagnostic>) {
    let df = ctx.df();
    for (idx, ins) in df.instructions.iter().enumerate() {
        if ins.kind != Kind::Add || ins.stage.is_none() {
            continue;
        }
        // Flags only a remote source takes.
        if ins.flag("checksum").is_some() || ins.flag("keep-git-dir").is_some() {
            continue;
        }
        let (srcs, _) = ins.copy_paths();
        if srcs.is_empty() {
            continue;
        }
        let mut local = Vec::new();
        let mut other = false;
        for src in srcs {
            if ins.heredoc_for(src).is_some() {
                other = true;
                continue;
            }
            match df.expand_at(idx, &src.text) {
                Some(v) if is_local_file(&v) => local.push(src),
                // A URL, an archive, or a value not known here.
                _ => other = true,
            }
        }
        let Some(first) = local.first() else { continue };
        // All sources local: replacing the keyword is the fix. Mixed: the local source is.
        let (span, label) =
            if other { (first.span.clone(), "a local path") } else { (ins.keyword.clone(), "use COPY") };
        let names: Vec<String> = local.iter().map(|w| format!("`{}`", w.text)).collect();
        out.push(
            Diagnostic::new(
                &RULE,
                ctx.span(span),
                format!(
                    "ADD of a local path ({}): COPY does the same, without ADD's URL and archive handling",
                    names.join(", ")
                ),
            )
            .with_label(label)
            .with_help(if other {
                "copy the local paths with their own COPY instruction, and keep ADD for the URL or archive"
            } else {
                "write COPY instead of ADD"
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_local_file;

    #[test]
    fn local_sources() {
        for s in ["requirements.txt", ".", "app/", "./src/main.py", "config.gzip.txt"] {
            assert!(is_local_file(s), "{s}");
        }
        for s in ["https://example.com/x.sh", "git@github.com:a/b.git", "vendor.tar.gz", "dist.TGZ", "x.tar"] {
            assert!(!is_local_file(s), "{s}");
        }
    }
}
