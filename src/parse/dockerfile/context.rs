//! The build-context files a Dockerfile's rules need, read once in the parse stage (rules do no
//! I/O): the scripts that ENTRYPOINT and CMD run, when a COPY or ADD puts them in the image from
//! the build context or from a heredoc; and the build context's sensitive files and ignore file
//! (DEP004, [`BuildContext`]).
//!
//! The build context is not written in the Dockerfile (Compose's `build.context` or the
//! `docker build` argument gives it). Until the deployment model links them, a source is looked up
//! in the Dockerfile's folder, then in each folder above it up to the linted root
//! (`compose/production/django/Dockerfile` is built with the project root as context).

use std::path::{Path, PathBuf};

use super::shell::split_commands;
use super::{expand, Base, Body, Dockerfile, Form, Kind};

/// Scripts bigger than this are not read.
const MAX_SCRIPT_BYTES: u64 = 1024 * 1024;

const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"];

/// Programs that start the main process without being it: `tini -- app`, `dumb-init app`.
const WRAPPERS: &[&str] = &["exec", "tini", "tini-static", "dumb-init", "catatonit", "nohup"];

/// A Dockerfile and what its rules need from the build context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerfileModel {
    pub dockerfile: Dockerfile,
    /// The scripts each stage's ENTRYPOINT and CMD run, where Preflight could read them.
    pub scripts: Vec<ContextScript>,
    /// The build context's sensitive files and ignore file (DEP004), when the Dockerfile copies
    /// from the context.
    pub context: Option<BuildContext>,
}

/// What DEP004 needs from the build context, read in the parse stage.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildContext {
    /// The folder taken as the build context.
    pub dir: PathBuf,
    /// Sensitive files in it ([`is_sensitive`]), relative, `/`-separated, sorted.
    pub sensitive: Vec<String>,
    /// The ignore file that applies (`<Dockerfile>.dockerignore` beside the Dockerfile, else
    /// `.dockerignore` at the context root) and its text.
    pub ignore: Option<(PathBuf, String)>,
}

/// Folders never listed for sensitive files (dependencies and VCS data).
const SKIP_DIRS: &[&str] =
    &[".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"];

/// At most this many entries are listed per context.
const MAX_ENTRIES: usize = 50_000;

/// Whether a context path (relative, `/`-separated) is a file that must not reach an image:
/// `.env` and `.env.*` (templates excepted: an example/sample/template/dist token), anything
/// under `.envs/`, `*.pem`, `*.key`, `id_rsa*`, `*.p12`.
pub fn is_sensitive(rel: &str) -> bool {
    let rel = rel.trim_start_matches("./");
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    let template = crate::discover::tokens(Path::new(rel))
        .iter()
        .any(|t| matches!(t.as_str(), "example" | "sample" | "template" | "dist" | "tmpl" | "tpl"));
    let in_envs = rel.split('/').rev().skip(1).any(|s| s == ".envs");
    if (lower == ".env" || lower.starts_with(".env.") || in_envs) && !template {
        return true;
    }
    lower.ends_with(".pem") || lower.ends_with(".key") || lower.starts_with("id_rsa") || lower.ends_with(".p12")
}

/// Lists the sensitive files under `dir`.
fn list_sensitive(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<(PathBuf, String)> = vec![(dir.to_path_buf(), String::new())];
    let mut seen = 0usize;
    while let Some((path, rel)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else { continue };
        for e in entries.flatten() {
            seen += 1;
            if seen > MAX_ENTRIES {
                stack.clear();
                break;
            }
            let name = e.file_name().to_string_lossy().into_owned();
            let child = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if !SKIP_DIRS.contains(&name.as_str()) {
                    stack.push((e.path(), child));
                }
            } else if ft.is_file() && is_sensitive(&child) {
                out.push(child);
            }
        }
    }
    out.sort();
    out
}

/// Whether the Dockerfile copies anything from the build context.
fn copies_from_context(df: &Dockerfile) -> bool {
    df.instructions.iter().any(|ins| {
        matches!(ins.kind, Kind::Copy | Kind::Add)
            && ins.flag("from").is_none()
            && ins.copy_paths().0.iter().any(|w| ins.heredoc_for(w).is_none())
    })
}

/// The build context: the nearest of `contexts` holding every plain relative source the
/// Dockerfile copies (`COPY requirements.txt .` finds the folder that has it), else the first.
fn choose_context(df: &Dockerfile, contexts: &[PathBuf]) -> Option<PathBuf> {
    let mut plain: Vec<String> = Vec::new();
    for (_, _, t) in df.context_sources(0..df.instructions.len()) {
        let rel = clean(t.trim_start_matches('/'));
        if rel.is_empty() || t.contains(['*', '?', '[']) || t.contains("://") || rel.split('/').any(|s| s == "..") {
            continue;
        }
        plain.push(rel);
    }
    contexts
        .iter()
        .find(|c| !plain.is_empty() && plain.iter().all(|p| c.join(p).exists()))
        .or(contexts.first())
        .cloned()
}

/// Reads what DEP004 needs from the build context of the Dockerfile at `path`.
fn read_context(df: &Dockerfile, path: &Path, contexts: &[PathBuf]) -> Option<BuildContext> {
    if !copies_from_context(df) {
        return None;
    }
    let dir = choose_context(df, contexts)?;
    Some(BuildContext::read(path, dir))
}

impl BuildContext {
    /// Reads the build context `dir` of the Dockerfile at `path` (a context Compose's
    /// `build.context` names; the caller keeps it inside the linted tree).
    pub fn read(path: &Path, dir: PathBuf) -> BuildContext {
        let beside = path.file_name().map(|n| path.with_file_name(format!("{}.dockerignore", n.to_string_lossy())));
        let ignore = beside
            .into_iter()
            .chain(std::iter::once(dir.join(".dockerignore")))
            .find(|p| p.is_file())
            .and_then(|p| read_script(&p).map(|t| (p, t)));
        BuildContext { sensitive: list_sensitive(&dir), dir, ignore }
    }
}

/// Where a script's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptSource {
    /// A file of the build context (the path used to open it).
    File(PathBuf),
    /// The body of a `COPY <<EOF /path` heredoc (index into the instruction's heredocs).
    Heredoc(usize),
}

/// A script that a stage's ENTRYPOINT or CMD runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextScript {
    /// The stage whose ENTRYPOINT or CMD runs it.
    pub stage: usize,
    /// The program as ENTRYPOINT/CMD names it (`/entrypoint`, `docker-entrypoint.sh`).
    pub program: String,
    /// The COPY or ADD instruction that puts it in the image.
    pub instruction: usize,
    pub source: ScriptSource,
    pub text: String,
}

impl DockerfileModel {
    /// Parses `text` without reading anything else.
    pub fn parse(text: &str) -> Self {
        DockerfileModel { dockerfile: super::parse(text), scripts: Vec::new(), context: None }
    }

    /// Parses `text` (the Dockerfile at `path`) and reads the scripts its stages start from the
    /// build context: the Dockerfile's folder, then each folder above it up to `root`.
    pub fn load(text: &str, path: &Path, root: &Path) -> Self {
        let dockerfile = super::parse(text);
        let contexts = context_dirs(path, root);
        let scripts = find_scripts(&dockerfile, &|rel: &str, want_dir: bool| {
            contexts.iter().map(|c| c.join(rel)).find(|p| if want_dir { p.is_dir() } else { p.is_file() })
        });
        let context = read_context(&dockerfile, path, &contexts);
        DockerfileModel { dockerfile, scripts, context }
    }

    /// The scripts a stage's ENTRYPOINT/CMD run.
    pub fn scripts_of(&self, stage: usize) -> impl Iterator<Item = &ContextScript> {
        self.scripts.iter().filter(move |s| s.stage == stage)
    }
}

impl Dockerfile {
    /// Expands `word` (of instruction `index`) as [`expand`] does through [`Dockerfile::scope_at`],
    /// without building the scope when the word references no variable (scopes replay the
    /// stage: building one per instruction would be quadratic).
    pub fn expand_at(&self, index: usize, word: &str) -> Option<String> {
        if word.contains('$') {
            expand(word, &self.scope_at(index))
        } else {
            expand(word, &super::Scope::new(self.escape))
        }
    }

    /// The sources of the COPY/ADD instructions among `indices` that read the build context (no
    /// `--from`, no heredoc), each with its instruction index and its expanded text (a source that
    /// cannot be expanded is left out).
    pub fn context_sources(&self, indices: impl IntoIterator<Item = usize>) -> Vec<(usize, &super::Word, String)> {
        let mut out = Vec::new();
        for idx in indices {
            let ins = &self.instructions[idx];
            if !matches!(ins.kind, Kind::Copy | Kind::Add) || ins.flag("from").is_some() {
                continue;
            }
            for w in ins.copy_paths().0 {
                if ins.heredoc_for(w).is_some() {
                    continue;
                }
                if let Some(text) = self.expand_at(idx, &w.text) {
                    out.push((idx, w, text));
                }
            }
        }
        out
    }
}

/// How a stage drops root when its container starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivilegeDrop {
    /// `gosu`, `su-exec`, `s6-setuidgid`, `setpriv --reuid`, `runuser -u`, `chroot --userspec`.
    pub tool: &'static str,
    /// Where: `ENTRYPOINT (line 4)`, `` the entrypoint script `docker/entrypoint.sh` ``.
    pub place: String,
}

impl DockerfileModel {
    /// The privilege drop a stage's ENTRYPOINT or CMD performs at start, in its own words
    /// (`["gosu", "app", "gunicorn"]`, `sh -c "exec su-exec app ..."`) or in the script it runs.
    pub fn privilege_drop(&self, stage: usize) -> Option<PrivilegeDrop> {
        let df = &self.dockerfile;
        let cfg = &df.stages.get(stage)?.config;
        for origin in [cfg.entrypoint, cfg.cmd].into_iter().flatten() {
            let ins = &df.instructions[origin.instruction];
            let Some(cmd) = ins.command() else { continue };
            let lines: Vec<Vec<String>> = match cmd.form {
                Form::Exec => {
                    let words: Vec<String> = cmd.exec.iter().map(|w| w.text.clone()).collect();
                    // `["sh", "-c", "exec gosu app gunicorn"]`: the script's commands too.
                    let inner: Vec<Vec<String>> = words
                        .iter()
                        .filter(|w| w.contains(' '))
                        .flat_map(|w| {
                            split_commands(w).into_iter().map(|c| c.words.into_iter().map(|w| w.text).collect())
                        })
                        .collect();
                    std::iter::once(words).chain(inner).collect()
                }
                Form::Shell => split_commands(&cmd.text)
                    .into_iter()
                    .map(|c| c.words.into_iter().map(|w| w.text).collect())
                    .collect(),
            };
            if let Some(tool) = lines.iter().find_map(|l| privilege_drop(l)) {
                return Some(PrivilegeDrop { tool, place: format!("{} (line {})", ins.kind.name(), ins.line) });
            }
        }
        self.scripts_of(stage).find_map(|s| {
            let tool = script_privilege_drop(&s.text)?;
            let place = match &s.source {
                ScriptSource::File(p) => format!("the entrypoint script `{}`", crate::source::display_path(p)),
                ScriptSource::Heredoc(_) => {
                    format!(
                        "the entrypoint script `{}` (heredoc, line {})",
                        s.program, df.instructions[s.instruction].line
                    )
                }
            };
            Some(PrivilegeDrop { tool, place })
        })
    }

    /// What `--show-files` adds about this Dockerfile (why DF001 is silent when a privilege drop
    /// satisfies it).
    pub fn notes(&self) -> Vec<String> {
        let Some(last) = self.dockerfile.final_stage() else { return Vec::new() };
        self.privilege_drop(last.index)
            .map(|d| format!("the final stage drops root at start: `{}` in {}", d.tool, d.place))
            .into_iter()
            .collect()
    }
}

/// A privilege-dropping program in a command's words: `gosu`, `su-exec`, `s6-setuidgid` (any
/// use), `setpriv --reuid`, `runuser -u`, `chroot --userspec`. Returns the tool's name.
pub fn privilege_drop<S: AsRef<str>>(words: &[S]) -> Option<&'static str> {
    for (i, w) in words.iter().enumerate() {
        let rest = &words[i + 1..];
        let has = |f: &dyn Fn(&str) -> bool| rest.iter().any(|a| f(a.as_ref()));
        let found = match basename(w.as_ref()) {
            "gosu" => Some("gosu"),
            "su-exec" => Some("su-exec"),
            "s6-setuidgid" => Some("s6-setuidgid"),
            "setpriv" if has(&|a| a == "--reuid" || a.starts_with("--reuid=")) => Some("setpriv --reuid"),
            "runuser" if has(&|a| a == "-u" || a == "--user" || a.starts_with("--user=")) => Some("runuser -u"),
            "chroot" if has(&|a| a == "--userspec" || a.starts_with("--userspec=")) => Some("chroot --userspec"),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// A privilege drop at any command of a shell script (an entrypoint script).
pub fn script_privilege_drop(script: &str) -> Option<&'static str> {
    split_commands(script).iter().find_map(|c| {
        let words: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
        privilege_drop(&words)
    })
}

/// The stages whose layers and config a stage is built on, oldest first, the stage itself last
/// (`FROM builder` chains).
pub fn stage_chain(df: &Dockerfile, stage: usize) -> Vec<usize> {
    let mut chain = vec![stage];
    let mut cur = stage;
    while let Some(Base::Stage(p)) = df.stages.get(cur).map(|s| &s.base) {
        if *p >= cur || chain.contains(p) {
            break;
        }
        chain.push(*p);
        cur = *p;
    }
    chain.reverse();
    chain
}

/// The Dockerfile's folder and the folders above it, up to the linted root.
fn context_dirs(path: &Path, root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Some(mut dir) = path.parent() else { return out };
    loop {
        out.push(if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir.to_path_buf() });
        if dir == root || out.len() > 32 {
            break;
        }
        match dir.parent() {
            Some(p) if dir.starts_with(root) || root.as_os_str().is_empty() => dir = p,
            _ => break,
        }
    }
    out
}

/// Reads a context file as text, within the size limit.
fn read_script(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_SCRIPT_BYTES {
        return None;
    }
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

fn basename(p: &str) -> &str {
    p.trim_end_matches('/').rsplit('/').next().unwrap_or(p)
}

/// The segments of a `/`-separated path with `.`, empty segments and `..` folded
/// (`/a/./b/../c/` → `["a", "c"]`; `..` above the start is dropped, as in an image).
pub fn path_segments(p: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts
}

/// `a/./b/../c` → `a/c`; keeps a leading `/`.
fn clean(p: &str) -> String {
    let joined = path_segments(p).join("/");
    if p.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// The programs a command line starts, as written: the program itself, and the script a shell
/// runs (`sh /entrypoint.sh`) or the programs of its `-c` string.
pub fn started_programs(words: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let name = basename(w);
        if is_assignment(w) || WRAPPERS.contains(&name) || w.starts_with('-') {
            i += 1;
            continue;
        }
        out.push(w.clone());
        if SHELLS.contains(&name) {
            let rest = &words[i + 1..];
            if let Some(c) = rest.iter().position(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('c')) {
                if let Some(script) = rest.get(c + 1) {
                    for cmd in split_commands(script) {
                        let ws: Vec<String> = cmd.words.into_iter().map(|w| w.text).collect();
                        out.extend(started_programs(&ws));
                    }
                }
            } else if let Some(script) = rest.iter().find(|a| !a.starts_with('-')) {
                out.push(script.clone());
            }
        }
        break;
    }
    out
}

fn is_assignment(w: &str) -> bool {
    w.split_once('=').is_some_and(|(n, _)| {
        n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The programs ENTRYPOINT or CMD at instruction `idx` starts.
fn instruction_programs(df: &Dockerfile, idx: usize) -> Vec<String> {
    let Some(cmd) = df.instructions.get(idx).and_then(|i| i.command()) else { return Vec::new() };
    match cmd.form {
        Form::Exec => started_programs(&cmd.exec.iter().map(|w| w.text.clone()).collect::<Vec<_>>()),
        Form::Shell => split_commands(&cmd.text)
            .into_iter()
            .flat_map(|c| started_programs(&c.words.into_iter().map(|w| w.text).collect::<Vec<_>>()))
            .collect(),
    }
}

/// `lookup(relative path, is a directory)` finds a path of the build context.
type Lookup<'a> = dyn Fn(&str, bool) -> Option<PathBuf> + 'a;

fn find_scripts(df: &Dockerfile, lookup: &Lookup<'_>) -> Vec<ContextScript> {
    let mut out = Vec::new();
    for stage in &df.stages {
        let cfg = &stage.config;
        let workdir = cfg.workdir.as_ref().and_then(|w| w.path.clone()).unwrap_or_else(|| "/".into());
        let mut programs: Vec<String> = Vec::new();
        for origin in [cfg.entrypoint, cfg.cmd].into_iter().flatten() {
            for p in instruction_programs(df, origin.instruction) {
                if !programs.contains(&p) && !p.contains('$') {
                    programs.push(p);
                }
            }
        }
        let chain = stage_chain(df, stage.index);
        for program in programs {
            if let Some(found) = locate(df, &chain, &workdir, &program, lookup) {
                out.push(ContextScript { stage: stage.index, program, ..found });
            }
        }
    }
    out
}

/// Finds the COPY/ADD (the latest one wins) that puts `program` in the image, and reads it.
fn locate(
    df: &Dockerfile,
    chain: &[usize],
    workdir: &str,
    program: &str,
    lookup: &Lookup<'_>,
) -> Option<ContextScript> {
    let bare = !program.contains('/');
    let target = if program.starts_with('/') { clean(program) } else { clean(&format!("{workdir}/{program}")) };
    let copies = chain.iter().rev().flat_map(|&s| df.stages[s].instructions.clone().rev());
    for idx in copies {
        let ins = &df.instructions[idx];
        if !matches!(ins.kind, Kind::Copy | Kind::Add) || ins.flag("from").is_some() {
            continue;
        }
        let Body::List { .. } = &ins.body else { continue };
        let (srcs, Some(dest)) = ins.copy_paths() else { continue };
        let Some(dest_text) = df.expand_at(idx, &dest.text) else { continue };
        let dest_is_dir = dest_text.ends_with('/') || srcs.len() > 1;
        let dest_abs =
            if dest_text.starts_with('/') { clean(&dest_text) } else { clean(&format!("{workdir}/{dest_text}")) };
        for (si, src) in srcs.iter().enumerate() {
            if let Some(h) = ins.heredoc_for(src) {
                let hi = ins.heredocs.iter().position(|x| x.word == h.word).unwrap_or(si);
                let file = if dest_is_dir { format!("{dest_abs}/{}", h.name) } else { dest_abs.clone() };
                if matches_program(&file, &target, program, bare) {
                    return Some(script(idx, ScriptSource::Heredoc(hi), h.content.clone()));
                }
                continue;
            }
            let Some(src_text) = df.expand_at(idx, &src.text) else { continue };
            let rel = clean(src_text.trim_start_matches('/'));
            if src_text.contains(['*', '?', '[']) || src_text.contains("://") || src_text.split('/').any(|s| s == "..")
            {
                continue;
            }
            // A single file: its image path is the destination, or the destination folder plus
            // its name.
            let file = if dest_is_dir { format!("{dest_abs}/{}", basename(&rel)) } else { dest_abs.clone() };
            if matches_program(&file, &target, program, bare) {
                if let Some(text) = lookup(&rel, false).and_then(|p| read_script(&p).map(|t| (p, t))) {
                    return Some(script(idx, ScriptSource::File(text.0), text.1));
                }
            }
            // A folder copied into the destination folder.
            let inner = if bare {
                Some(program.to_string())
            } else {
                target.strip_prefix(&format!("{}/", dest_abs.trim_end_matches('/'))).map(str::to_string)
            };
            if let Some(inner) = inner {
                if lookup(&rel, true).is_some() {
                    let path = if rel.is_empty() { inner } else { format!("{rel}/{inner}") };
                    if let Some(p) = lookup(&path, false) {
                        if let Some(text) = read_script(&p) {
                            return Some(script(idx, ScriptSource::File(p), text));
                        }
                    }
                }
            }
        }
    }
    None
}

fn matches_program(file: &str, target: &str, program: &str, bare: bool) -> bool {
    if bare {
        basename(file) == program
    } else {
        file == target
    }
}

fn script(instruction: usize, source: ScriptSource, text: String) -> ContextScript {
    ContextScript { stage: 0, program: String::new(), instruction, source, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programs(words: &[&str]) -> Vec<String> {
        started_programs(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn programs_behind_wrappers_and_shells() {
        assert_eq!(programs(&["tini", "--", "/entrypoint.sh", "gunicorn"]), ["/entrypoint.sh"]);
        assert_eq!(programs(&["sh", "/start.sh"]), ["sh", "/start.sh"]);
        assert_eq!(programs(&["/bin/bash", "-c", "exec /start && echo"]), ["/bin/bash", "/start", "echo"]);
        assert_eq!(programs(&["A=1", "exec", "gunicorn"]), ["gunicorn"]);
    }

    #[test]
    fn privilege_drops() {
        assert_eq!(privilege_drop(&["exec", "gosu", "app", "gunicorn"]), Some("gosu"));
        assert_eq!(privilege_drop(&["setpriv", "--reuid=1000", "--regid=1000", "x"]), Some("setpriv --reuid"));
        assert_eq!(privilege_drop(&["setpriv", "--no-new-privs", "x"]), None);
        assert_eq!(privilege_drop(&["runuser", "-u", "app", "--", "x"]), Some("runuser -u"));
        assert_eq!(privilege_drop(&["chroot", "--userspec=app", "/", "x"]), Some("chroot --userspec"));
        assert_eq!(privilege_drop(&["echo", "use gosu"]), None);
        let script = "#!/bin/sh\n# gosu is installed\nif [ \"$(id -u)\" = 0 ]; then\n  exec su-exec app \"$@\"\nfi\n";
        assert_eq!(script_privilege_drop(script), Some("su-exec"));
        assert_eq!(script_privilege_drop("#!/bin/sh\n# use gosu\nexec \"$@\"\n"), None);
        let m = DockerfileModel::parse("FROM a\nCMD [\"sh\", \"-c\", \"exec s6-setuidgid app x\"]\n");
        assert_eq!(m.notes(), ["the final stage drops root at start: `s6-setuidgid` in CMD (line 2)"]);
        let m = DockerfileModel::parse("FROM a\nENTRYPOINT gosu app x\nFROM b\n");
        assert!(m.privilege_drop(0).is_some() && m.notes().is_empty());
    }

    #[test]
    fn chains_follow_stage_bases() {
        let df = super::super::parse("FROM python:3 AS base\nFROM alpine AS other\nFROM base AS final\nFROM final\n");
        assert_eq!(stage_chain(&df, 3), [0, 2, 3]);
        assert_eq!(stage_chain(&df, 1), [1]);
    }

    #[test]
    fn scripts_from_heredocs_files_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("compose/production/django")).unwrap();
        std::fs::create_dir_all(root.join("bin")).unwrap();
        std::fs::write(root.join("compose/production/django/entrypoint"), "exec gosu app \"$@\"\n").unwrap();
        std::fs::write(root.join("bin/docker-entrypoint.sh"), "exec su-exec app \"$@\"\n").unwrap();
        std::fs::write(root.join("start.sh"), "gunicorn\n").unwrap();
        let df_path = root.join("compose/production/django/Dockerfile");
        let text = "FROM python:3.12 AS a\n\
                    COPY ./compose/production/django/entrypoint /entrypoint\n\
                    ENTRYPOINT [\"/entrypoint\"]\n\
                    FROM python:3.12 AS b\n\
                    COPY bin/ /usr/local/bin/\n\
                    ENTRYPOINT [\"docker-entrypoint.sh\"]\n\
                    FROM python:3.12 AS c\n\
                    WORKDIR /app\n\
                    COPY . .\n\
                    CMD ./start.sh\n\
                    FROM python:3.12\n\
                    COPY <<EOF /run.sh\nexec setpriv --reuid=1000 \"$@\"\nEOF\n\
                    ENTRYPOINT [\"sh\", \"/run.sh\"]\n";
        std::fs::write(&df_path, text).unwrap();
        let m = DockerfileModel::load(text, &df_path, root);
        let got: Vec<_> = m.scripts.iter().map(|s| (s.stage, s.program.as_str(), s.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (0, "/entrypoint", "exec gosu app \"$@\"\n"),
                (1, "docker-entrypoint.sh", "exec su-exec app \"$@\"\n"),
                (2, "./start.sh", "gunicorn\n"),
                (3, "/run.sh", "exec setpriv --reuid=1000 \"$@\"\n"),
            ]
        );
        assert!(matches!(m.scripts[3].source, ScriptSource::Heredoc(0)));
        // Nothing outside the context is read.
        let m = DockerfileModel::load("FROM a\nCOPY ../x /x\nENTRYPOINT [\"/x\"]\n", &df_path, root);
        assert!(m.scripts.is_empty());
    }

    #[test]
    fn sensitive_names() {
        for p in [".env", ".env.production", ".envs/.production/.django", "certs/a.pem", "a.key", "id_rsa.pub", "x.p12"]
        {
            assert!(is_sensitive(p), "{p}");
        }
        for p in [".env.example", ".env.prod-sample", ".envs/.production/.django.template", "envs.py", "keys.txt"] {
            assert!(!is_sensitive(p), "{p}");
        }
    }

    #[test]
    fn context_listing_and_ignore_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("docker/.envs/.production")).unwrap();
        std::fs::create_dir_all(root.join("node_modules/x")).unwrap();
        std::fs::write(root.join("requirements.txt"), "").unwrap();
        std::fs::write(root.join(".env"), "A=1\n").unwrap();
        std::fs::write(root.join(".env.example"), "A=\n").unwrap();
        std::fs::write(root.join("node_modules/x/a.pem"), "").unwrap();
        std::fs::write(root.join("docker/.envs/.production/.django"), "").unwrap();
        std::fs::write(root.join(".dockerignore"), ".env\n").unwrap();
        let df_path = root.join("docker/Dockerfile.prod");
        // `requirements.txt` is at the root: the root is the context.
        let text = "FROM python:3.12\nCOPY requirements.txt .\nCOPY . .\n";
        let m = DockerfileModel::load(text, &df_path, root);
        let ctx = m.context.unwrap();
        assert_eq!(ctx.dir, root);
        assert_eq!(ctx.sensitive, [".env", "docker/.envs/.production/.django"]);
        assert_eq!(ctx.ignore.unwrap().1, ".env\n");
        // Only `.`: the Dockerfile's folder; its own ignore file wins.
        std::fs::write(root.join("docker/Dockerfile.prod.dockerignore"), ".envs\n").unwrap();
        let ctx = DockerfileModel::load("FROM a\nCOPY . .\n", &df_path, root).context.unwrap();
        assert_eq!(ctx.dir, root.join("docker"));
        assert_eq!(ctx.sensitive, [".envs/.production/.django"]);
        assert_eq!(ctx.ignore.unwrap().1, ".envs\n");
        // Nothing copied from the context: nothing read.
        assert!(DockerfileModel::load("FROM a\nCOPY --from=b /x /x\n", &df_path, root).context.is_none());
    }
}
