//! Models built across files: the production settings of each Django project.

pub mod deployment;
pub mod settings;
