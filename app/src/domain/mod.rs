//! Domain rules with no I/O: request content, validation, the lifecycle
//! state machine, revision diffs, API key and secret rotation rules. Shared by the browser and the server.

pub mod api_keys;
pub mod catalogue;
pub mod content;
pub mod diff;
pub mod environment;
pub mod grid;
pub mod lifecycle;
pub mod return_path;
pub mod rotation;
pub mod section;
pub mod validation;
