//! Parsers: text to typed models with byte spans. They know nothing of rules.

pub mod compose;
pub mod dockerfile;
pub mod dotenv;
pub mod procfile;
