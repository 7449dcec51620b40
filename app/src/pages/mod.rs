//! One module per area of the app; each page is a routed component.

pub mod accounts;
pub mod api_keys;
pub mod history;
pub mod home;
pub mod not_found;
pub mod notifications;
pub mod organisation;
pub mod review;
pub mod staff;
pub mod view;
pub mod wizard;
