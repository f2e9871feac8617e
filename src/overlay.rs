//! Unsaved editor buffers that stand in for files on disk.
//!
//! The language server lints what the user sees, not what was last saved: it hands the pipeline
//! an [`Overlays`] map (absolute path → buffer text) in [`crate::Options::overlays`]. Discovery
//! still walks the disk (a buffer never saved has no place in the tree yet); wherever the
//! pipeline or the settings evaluator would read a file's contents, an overlay wins.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::settings::resolve::{normalize, FsReader, Reader};

/// Buffer texts by absolute, normalised path. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Overlays(Arc<HashMap<PathBuf, Arc<str>>>);

impl Overlays {
    /// Overlays from `(path, text)` pairs; relative paths are taken from the current directory.
    pub fn new(buffers: impl IntoIterator<Item = (PathBuf, Arc<str>)>) -> Self {
        Overlays(Arc::new(buffers.into_iter().map(|(p, t)| (key(&p), t)).collect()))
    }

    /// The buffer standing in for `path`, if any.
    pub fn get(&self, path: &Path) -> Option<&Arc<str>> {
        if self.0.is_empty() {
            return None;
        }
        self.0.get(&key(path))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn key(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// The settings evaluator's [`Reader`]: the file system, with buffers over it.
#[derive(Debug, Clone, Default)]
pub struct OverlayReader {
    pub fs: FsReader,
    pub overlays: Overlays,
}

impl Reader for OverlayReader {
    fn read(&self, path: &Path) -> Option<Arc<str>> {
        match self.overlays.get(path) {
            Some(text) => Some(text.clone()),
            None => self.fs.read(path),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        self.overlays.get(path).is_some() || self.fs.is_file(path)
    }

    fn list_dir(&self, dir: &Path) -> Vec<(PathBuf, bool)> {
        self.fs.list_dir(dir)
    }

    fn read_dotenv(&self, path: &Path) -> Option<Arc<str>> {
        match self.overlays.get(path) {
            Some(text) if self.fs.dotenv => Some(text.clone()),
            _ => self.fs.read_dotenv(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_stands_in_for_its_file() {
        let overlays = Overlays::new([(PathBuf::from("/p/./a/../settings.py"), Arc::from("DEBUG = True\n"))]);
        let reader = OverlayReader { overlays, ..Default::default() };
        assert_eq!(reader.read(Path::new("/p/settings.py")).as_deref(), Some("DEBUG = True\n"));
        assert!(reader.is_file(Path::new("/p/settings.py")));
        assert!(reader.read(Path::new("/p/missing.py")).is_none());
    }
}
