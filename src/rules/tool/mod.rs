//! PF: the tool's own rules, emitted by the pipeline.

pub mod unreadable_file;
pub mod unused_suppression;
