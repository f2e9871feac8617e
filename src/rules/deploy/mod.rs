//! DEP: deployment wiring, judged on the deployment model (`model::deployment`): production
//! Compose services linked to their Dockerfile stage, env files and settings module.

pub mod env_file_reference_missing;
pub mod image_unpinned;
