//! Autosave. Every change is kept on this device at once and sent to the
//! server about a second after typing stops, or when a field loses focus.
//! A failed send is retried with backoff while the server is unreachable.
//! A save never overwrites a newer version: a stale one comes back as a
//! conflict for the user to resolve.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::content::RequestContent;

/// State of the autosave, as the status line displays it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveStatus {
    /// Nothing changed since the page loaded.
    Idle,
    Saving,
    Saved {
        at: String,
    },
    /// The server could not be reached; the change is kept on this device.
    Offline,
    /// Someone else saved a newer version.
    Conflict {
        message: String,
    },
    /// The server refused the content (too long, control characters).
    Rejected {
        message: String,
    },
}

impl SaveStatus {
    pub fn text(&self) -> String {
        match self {
            SaveStatus::Idle => "All changes saved".into(),
            SaveStatus::Saving => "Saving...".into(),
            SaveStatus::Saved { at } => format!("Saved at {at} UTC"),
            SaveStatus::Offline => "Offline: changes kept on this device".into(),
            SaveStatus::Conflict { .. } => "Conflict: this request was changed elsewhere".into(),
            SaveStatus::Rejected { message } => format!("Not saved: {message}"),
        }
    }

    pub fn is_settled(&self) -> bool {
        matches!(self, SaveStatus::Idle | SaveStatus::Saved { .. })
    }
}

/// A copy of unsaved content kept in the browser's local storage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalCopy {
    /// The server version the changes were made on.
    pub base_version: i32,
    pub content: RequestContent,
}

/// Local storage key: one entry per connection and revision.
pub fn storage_key(connection_id: Uuid, revision_number: i32) -> String {
    format!("connection-manager.unsaved.{connection_id}.{revision_number}")
}

/// First retry delay after a failed save, doubled up to [`MAX_RETRY_MS`].
pub const FIRST_RETRY_MS: u32 = 1_000;
pub const MAX_RETRY_MS: u32 = 30_000;
/// Delay after the last keystroke before a save.
pub const DEBOUNCE_MS: u32 = 1_000;

pub fn next_retry(delay_ms: u32) -> u32 {
    (delay_ms.saturating_mul(2)).min(MAX_RETRY_MS)
}

#[cfg(feature = "hydrate")]
pub mod local {
    //! Local storage access; failures (private mode, quota) are ignored
    //! because the server copy remains the record.
    use gloo_storage::{LocalStorage, Storage};

    use super::LocalCopy;

    pub fn read(key: &str) -> Option<LocalCopy> {
        LocalStorage::get(key).ok()
    }

    pub fn write(key: &str, copy: &LocalCopy) {
        let _ = LocalStorage::set(key, copy);
    }

    pub fn clear(key: &str) {
        LocalStorage::delete(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_to_cap() {
        assert_eq!(next_retry(1_000), 2_000);
        assert_eq!(next_retry(16_000), 30_000);
        assert_eq!(next_retry(30_000), 30_000);
    }

    #[test]
    fn status_text_for_offline() {
        assert_eq!(
            SaveStatus::Offline.text(),
            "Offline: changes kept on this device"
        );
    }
}
