//! The project model every rule reads: the files found, their kind and environment, and their
//! parsed contents.

use std::sync::Arc;

use crate::config::Config;
use crate::discover::{Classification, Discovered, Kind};
use crate::parse::dotenv::EnvFile;
use crate::source::{FileId, SourceFile, Span};

/// One file in the model.
#[derive(Debug)]
pub struct ProjectFile {
    pub source: SourceFile,
    pub found: Discovered,
    /// Index into [`Project::configs`].
    pub config: usize,
    pub parsed: Parsed,
}

impl ProjectFile {
    pub fn class(&self) -> &Classification {
        &self.found.class
    }

    pub fn kind(&self) -> Kind {
        self.found.kind
    }
}

/// A file's parsed contents.
#[derive(Debug)]
pub enum Parsed {
    Env(EnvFile),
    Compose(crate::parse::compose::ComposeFile),
    Dockerfile(Box<crate::parse::dockerfile::DockerfileModel>),
    /// A Procfile's process lines: (name, command) ranges of its text.
    Procfile(Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>),
    /// Read but not parsed (no rule needs its structure), or unreadable (PF001 says why).
    Unparsed,
}

#[derive(Debug)]
pub struct Project {
    pub files: Vec<ProjectFile>,
    pub configs: Vec<Arc<Config>>,
    /// The production settings module of each Django project, evaluated.
    pub settings: Vec<crate::model::settings::SettingsModel>,
    /// The provider tokens and URL credentials in each file's text, by file id (one scan per file:
    /// SEC rules read it, and every output masks what it found).
    pub secrets: Vec<crate::secrets::FileSecrets>,
    /// The production Compose services linked to their Dockerfile stage and environment (and the
    /// merged compose view they come from).
    pub deployment: crate::model::deployment::DeploymentModel,
    /// Files by normalised absolute path ([`Project::file_at`]), built on first use, once the
    /// files are all known.
    pub by_path: std::sync::OnceLock<std::collections::HashMap<std::path::PathBuf, FileId>>,
}

impl Project {
    /// The project file at `path` (compared as normalised absolute paths: `./a/../b` is `b`).
    /// One index for the whole run, instead of normalising every file per lookup.
    pub fn file_at(&self, path: &std::path::Path) -> Option<FileId> {
        use crate::parse::compose::apps::normalize;
        let index = self
            .by_path
            .get_or_init(|| self.files.iter().enumerate().map(|(id, f)| (normalize(&f.found.path), id)).collect());
        index.get(&normalize(path)).copied()
    }

    /// The configuration whose thresholds apply project-wide (the first path's).
    pub fn config(&self) -> &Config {
        &self.configs[0]
    }

    pub fn file(&self, id: FileId) -> &ProjectFile {
        &self.files[id]
    }

    /// Every parsed compose file with its id.
    pub fn compose_files(&self) -> impl Iterator<Item = (FileId, &ProjectFile, &crate::parse::compose::ComposeFile)> {
        self.files.iter().enumerate().filter_map(|(id, f)| match &f.parsed {
            Parsed::Compose(c) => Some((id, f, c)),
            _ => None,
        })
    }

    /// Every parsed Dockerfile with its id.
    pub fn dockerfiles(
        &self,
    ) -> impl Iterator<Item = (FileId, &ProjectFile, &crate::parse::dockerfile::DockerfileModel)> {
        self.files.iter().enumerate().filter_map(|(id, f)| match &f.parsed {
            Parsed::Dockerfile(m) => Some((id, f, &**m)),
            _ => None,
        })
    }

    /// Every parsed env file with its id.
    pub fn env_files(&self) -> impl Iterator<Item = (FileId, &ProjectFile, &EnvFile)> {
        self.files.iter().enumerate().filter_map(|(id, f)| match &f.parsed {
            Parsed::Env(env) => Some((id, f, env)),
            _ => None,
        })
    }
}

/// `span`, `text` and `class` for every context that is about one file (`id` + `file`).
macro_rules! file_ctx_accessors {
    ($($ctx:ident),*) => {$(
        impl $ctx<'_> {
            /// A byte range of this file as a span.
            pub fn span(&self, range: std::ops::Range<usize>) -> Span {
                Span::new(self.id, range)
            }

            pub fn text(&self) -> &str {
                &self.file.source.text
            }

            pub fn class(&self) -> &Classification {
                &self.file.found.class
            }
        }
    )*};
}

file_ctx_accessors!(FileCtx, EnvFileCtx, ComposeFileCtx, DockerfileCtx);

/// What a per-file rule sees (SEC rules): any file that was read, whatever its kind.
pub struct FileCtx<'a> {
    pub id: FileId,
    pub file: &'a ProjectFile,
    pub project: &'a Project,
}

impl FileCtx<'_> {
    /// What the secret scan found in the file's text.
    pub fn secrets(&self) -> &crate::secrets::FileSecrets {
        &self.project.secrets[self.id]
    }
}

/// What a per-env-file rule sees.
pub struct EnvFileCtx<'a> {
    pub id: FileId,
    pub file: &'a ProjectFile,
    pub env: &'a EnvFile,
    pub project: &'a Project,
}

/// What a per-compose-file rule sees (DC012).
pub struct ComposeFileCtx<'a> {
    pub id: FileId,
    pub file: &'a ProjectFile,
    pub compose: &'a crate::parse::compose::ComposeFile,
    pub project: &'a Project,
}

/// What a per-service compose rule sees: one service of one production compose file set, after
/// merging (see `parse::compose::apps`).
pub struct ComposeCtx<'a> {
    pub app: &'a crate::parse::compose::apps::App,
    pub service: &'a crate::parse::compose::Service,
    pub project: &'a Project,
}

impl ComposeCtx<'_> {
    /// The text at a span (in whichever file of the set it points into).
    pub fn text_at(&self, span: Span) -> &str {
        self.project.files.get(span.file).and_then(|f| f.source.text.get(span.range())).unwrap_or_default()
    }
}

/// What a per-Dockerfile rule sees (DF001–DF011).
pub struct DockerfileCtx<'a> {
    pub id: FileId,
    pub file: &'a ProjectFile,
    pub model: &'a crate::parse::dockerfile::DockerfileModel,
    pub project: &'a Project,
}

impl DockerfileCtx<'_> {
    pub fn df(&self) -> &crate::parse::dockerfile::Dockerfile {
        &self.model.dockerfile
    }
}

/// What a settings rule sees: one evaluated production settings module.
pub struct SettingsCtx<'a> {
    pub model: &'a crate::model::settings::SettingsModel,
    pub project: &'a Project,
}

impl SettingsCtx<'_> {
    pub fn eval(&self) -> &crate::settings::Evaluated {
        &self.model.eval
    }

    /// A settings location as a project span.
    pub fn span(&self, loc: crate::settings::Loc) -> Option<Span> {
        self.model.span(loc)
    }

    /// The module's first statement (where findings about settings never assigned go), or the
    /// start of its file.
    pub fn first_statement(&self) -> Option<Span> {
        match self.model.eval.first_statement {
            Some(loc) => self.span(loc),
            None => self.model.files.first().copied().flatten().map(|f| Span::new(f, 0..0)),
        }
    }
}
