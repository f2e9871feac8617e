//! PF: the tool's own rules, emitted by the pipeline.

pub mod python_syntax_error;
pub mod unreadable_file;
pub mod unused_suppression;
