//! Server functions, grouped by area. Each one authorises the caller on
//! the server before it reads or writes anything.

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod connections;
pub mod deployments;
pub mod grid;
pub mod history;
pub mod organisations;
pub mod review;
pub mod staff;
