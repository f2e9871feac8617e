//! Every rule, one file each, grouped by family. The registry lists them.

pub mod compose;
pub mod deploy;
pub mod django;
pub mod docker;
pub mod env;
pub mod secrets;
pub mod tool;
