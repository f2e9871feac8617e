//! Every rule, one file each, grouped by family. The registry lists them.

pub mod env;
pub mod tool;
