//! Reusable view pieces: the page frame, form controls, pop-up help and
//! status tags.

pub mod audit;
pub mod changes;
pub mod forms;
pub mod grid;
pub mod grid_actions;
pub mod help;
pub mod layout;
pub mod summary;
