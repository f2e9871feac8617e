//! Shared by the fuzz targets: one input holds several files, split at ASCII record separators
//! (0x1E), so the seeds (and mutations) can feed a base file, an override and an env file at once.

#![allow(dead_code)]

pub const SEPARATOR: char = '\u{1e}';

/// The input as text (lossy: the parsers only ever see valid UTF-8), split into at most `n` parts;
/// missing parts are empty.
pub fn parts(data: &[u8], n: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut out: Vec<String> = text.splitn(n, SEPARATOR).map(str::to_string).collect();
    out.resize(n, String::new());
    out
}
