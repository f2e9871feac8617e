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
    /// Read but not parsed (no rule needs its structure), or unreadable (PF001 says why).
    Unparsed,
}

#[derive(Debug)]
pub struct Project {
    pub files: Vec<ProjectFile>,
    pub configs: Vec<Arc<Config>>,
}

impl Project {
    /// The configuration whose thresholds apply project-wide (the first path's).
    pub fn config(&self) -> &Config {
        &self.configs[0]
    }

    pub fn file(&self, id: FileId) -> &ProjectFile {
        &self.files[id]
    }

    /// Every parsed env file with its id.
    pub fn env_files(&self) -> impl Iterator<Item = (FileId, &ProjectFile, &EnvFile)> {
        self.files.iter().enumerate().filter_map(|(id, f)| match &f.parsed {
            Parsed::Env(env) => Some((id, f, env)),
            Parsed::Unparsed => None,
        })
    }
}

/// What a per-env-file rule sees.
pub struct EnvFileCtx<'a> {
    pub id: FileId,
    pub file: &'a ProjectFile,
    pub env: &'a EnvFile,
    pub project: &'a Project,
}

impl EnvFileCtx<'_> {
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
