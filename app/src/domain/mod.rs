//! Domain rules with no I/O: request content, validation, the lifecycle
//! state machine, revision diffs. Shared by the browser and the server.

pub mod catalogue;
pub mod content;
pub mod diff;
pub mod environment;
pub mod grid;
pub mod lifecycle;
pub mod section;
pub mod validation;
