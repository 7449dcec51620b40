//! API key rules with no I/O: key states, which keys authenticate, and the
//! overlap chosen when a key is rotated.
//!
//! Rotating a key issues a successor at once. The old key keeps working
//! until the end of the overlap and then expires. A revoked key stops at
//! once and cannot be rotated.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use super::rotation::{overlap, DEFAULT_OVERLAP_HOURS, MAX_OVERLAP_HOURS};

/// Maximum length of a key name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Where a key is in its life. Expiry after rotation is not a status: it
/// follows from `expires_at`, see [`KeyFacts::is_valid_at`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// A live key waiting for staff approval.
    Pending,
    /// A live key approved by staff and not yet shown to the subscriber.
    Approved,
    /// A live key that staff declined.
    Declined,
    /// Issued; it authenticates until revoked or, after rotation, expired.
    Active,
    Revoked,
}

impl KeyStatus {
    pub const ALL: [KeyStatus; 5] = [
        KeyStatus::Pending,
        KeyStatus::Approved,
        KeyStatus::Declined,
        KeyStatus::Active,
        KeyStatus::Revoked,
    ];

    /// Returns the text stored in the database, which is also the serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Pending => "pending",
            KeyStatus::Approved => "approved",
            KeyStatus::Declined => "declined",
            KeyStatus::Active => "active",
            KeyStatus::Revoked => "revoked",
        }
    }

    pub fn parse(text: &str) -> Option<KeyStatus> {
        KeyStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// What the rules need to know about one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyFacts {
    pub status: KeyStatus,
    /// End of the overlap, set when the key was rotated.
    pub expires_at: Option<OffsetDateTime>,
}

/// Why a key cannot be rotated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RotateRejection {
    Revoked,
    Expired,
    /// The key was rotated before; its successor is the one to rotate.
    AlreadyRotated,
    /// The key has not been issued yet, or was declined.
    NotIssued,
}

impl RotateRejection {
    pub fn message(self) -> &'static str {
        match self {
            RotateRejection::Revoked => {
                "This key is revoked, so it cannot be rotated. Request a new key instead."
            }
            RotateRejection::Expired => {
                "This key has expired, so it cannot be rotated. Request a new key instead."
            }
            RotateRejection::AlreadyRotated => {
                "This key was already rotated. Rotate its replacement instead."
            }
            RotateRejection::NotIssued => {
                "This key has not been issued, so there is nothing to rotate."
            }
        }
    }
}

/// How a key is shown in the list of keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyDisplayState {
    WaitingForApproval,
    ReadyToShow,
    Declined,
    Active,
    /// Rotated; works until the end of the overlap.
    Retiring,
    Expired,
    Revoked,
}

impl KeyDisplayState {
    pub fn label(self) -> &'static str {
        match self {
            KeyDisplayState::WaitingForApproval => "Waiting for approval",
            KeyDisplayState::ReadyToShow => "Approved: show it once",
            KeyDisplayState::Declined => "Declined",
            KeyDisplayState::Active => "Active",
            KeyDisplayState::Retiring => "Rotated: works until the overlap ends",
            KeyDisplayState::Expired => "Expired",
            KeyDisplayState::Revoked => "Revoked",
        }
    }

    /// CSS classes of the status tag, matching the colours used elsewhere.
    pub fn css_class(self) -> &'static str {
        match self {
            KeyDisplayState::WaitingForApproval => "tag tag--blue",
            KeyDisplayState::ReadyToShow => "tag tag--purple",
            KeyDisplayState::Active => "tag tag--green",
            KeyDisplayState::Retiring => "tag tag--yellow",
            KeyDisplayState::Declined | KeyDisplayState::Revoked => "tag tag--red",
            KeyDisplayState::Expired => "tag tag--grey",
        }
    }
}

impl KeyFacts {
    /// Whether the key authenticates at `now`. The overlap end itself is
    /// already outside the overlap.
    pub fn is_valid_at(&self, now: OffsetDateTime) -> bool {
        self.status == KeyStatus::Active && self.expires_at.is_none_or(|end| now < end)
    }

    pub fn display_state(&self, now: OffsetDateTime) -> KeyDisplayState {
        match (self.status, self.expires_at) {
            (KeyStatus::Pending, _) => KeyDisplayState::WaitingForApproval,
            (KeyStatus::Approved, _) => KeyDisplayState::ReadyToShow,
            (KeyStatus::Declined, _) => KeyDisplayState::Declined,
            (KeyStatus::Revoked, _) => KeyDisplayState::Revoked,
            (KeyStatus::Active, None) => KeyDisplayState::Active,
            (KeyStatus::Active, Some(end)) if now < end => KeyDisplayState::Retiring,
            (KeyStatus::Active, Some(_)) => KeyDisplayState::Expired,
        }
    }

    /// Checks that the key can be rotated at `now`.
    pub fn check_rotate(&self, now: OffsetDateTime) -> Result<(), RotateRejection> {
        match self.status {
            KeyStatus::Revoked => Err(RotateRejection::Revoked),
            KeyStatus::Pending | KeyStatus::Approved | KeyStatus::Declined => {
                Err(RotateRejection::NotIssued)
            }
            KeyStatus::Active => match self.expires_at {
                None => Ok(()),
                Some(end) if now < end => Err(RotateRejection::AlreadyRotated),
                Some(_) => Err(RotateRejection::Expired),
            },
        }
    }

    /// Checks that the key can be revoked: any issued key that still
    /// works, and any key still waiting for a decision.
    pub fn can_revoke(&self, now: OffsetDateTime) -> bool {
        match self.status {
            KeyStatus::Pending | KeyStatus::Approved => true,
            KeyStatus::Active => self.is_valid_at(now),
            KeyStatus::Declined | KeyStatus::Revoked => false,
        }
    }
}

/// Checks a key name and returns it trimmed.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Enter a name for the key, such as the service that will use it".into());
    }
    let length = name.chars().count();
    if length > MAX_NAME_CHARS {
        return Err(format!(
            "Shorten the name to at most {MAX_NAME_CHARS} characters (it has {length})"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("Remove the control characters from the name".into());
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use time::Duration;

    const NOW: OffsetDateTime = datetime!(2026-12-04 12:00 UTC);

    fn active(expires_at: Option<OffsetDateTime>) -> KeyFacts {
        KeyFacts {
            status: KeyStatus::Active,
            expires_at,
        }
    }

    #[test]
    fn status_text_round_trips() {
        for status in KeyStatus::ALL {
            assert_eq!(KeyStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(KeyStatus::parse("expired"), None);
    }

    #[test]
    fn active_key_without_expiry_is_valid() {
        assert!(active(None).is_valid_at(NOW));
    }

    #[test]
    fn rotated_key_valid_until_overlap_end() {
        let end = NOW + Duration::hours(24);
        let key = active(Some(end));
        assert!(key.is_valid_at(NOW));
        assert!(key.is_valid_at(end - Duration::seconds(1)));
        assert!(!key.is_valid_at(end));
        assert!(!key.is_valid_at(end + Duration::days(1)));
    }

    #[test]
    fn only_active_keys_are_valid() {
        for status in [
            KeyStatus::Pending,
            KeyStatus::Approved,
            KeyStatus::Declined,
            KeyStatus::Revoked,
        ] {
            let key = KeyFacts {
                status,
                expires_at: None,
            };
            assert!(!key.is_valid_at(NOW), "{status:?}");
        }
    }

    #[test]
    fn rotate_allowed_for_active_key() {
        assert_eq!(active(None).check_rotate(NOW), Ok(()));
    }

    #[test]
    fn rotate_rejected_for_revoked_key() {
        let key = KeyFacts {
            status: KeyStatus::Revoked,
            expires_at: None,
        };
        assert_eq!(key.check_rotate(NOW), Err(RotateRejection::Revoked));
    }

    #[test]
    fn rotate_rejected_for_expired_key() {
        let key = active(Some(NOW - Duration::minutes(1)));
        assert_eq!(key.check_rotate(NOW), Err(RotateRejection::Expired));
    }

    #[test]
    fn rotate_rejected_during_overlap() {
        let key = active(Some(NOW + Duration::hours(1)));
        assert_eq!(key.check_rotate(NOW), Err(RotateRejection::AlreadyRotated));
    }

    #[test]
    fn rotate_rejected_before_issue() {
        for status in [KeyStatus::Pending, KeyStatus::Approved, KeyStatus::Declined] {
            let key = KeyFacts {
                status,
                expires_at: None,
            };
            assert_eq!(
                key.check_rotate(NOW),
                Err(RotateRejection::NotIssued),
                "{status:?}"
            );
        }
    }

    #[test]
    fn revoke_allowed_while_key_works_or_waits() {
        assert!(active(None).can_revoke(NOW));
        assert!(active(Some(NOW + Duration::hours(1))).can_revoke(NOW));
        assert!(!active(Some(NOW - Duration::hours(1))).can_revoke(NOW));
        for (status, allowed) in [
            (KeyStatus::Pending, true),
            (KeyStatus::Approved, true),
            (KeyStatus::Declined, false),
            (KeyStatus::Revoked, false),
        ] {
            let key = KeyFacts {
                status,
                expires_at: None,
            };
            assert_eq!(key.can_revoke(NOW), allowed, "{status:?}");
        }
    }

    #[test]
    fn display_state_follows_expiry() {
        assert_eq!(active(None).display_state(NOW), KeyDisplayState::Active);
        let end = NOW + Duration::hours(2);
        assert_eq!(
            active(Some(end)).display_state(NOW),
            KeyDisplayState::Retiring
        );
        assert_eq!(
            active(Some(end)).display_state(end),
            KeyDisplayState::Expired
        );
    }

    #[test]
    fn name_is_checked_and_trimmed() {
        assert_eq!(
            check_name("  Billing service "),
            Ok("Billing service".into())
        );
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(MAX_NAME_CHARS + 1)).is_err());
        assert!(check_name("bad\u{7}name").is_err());
    }
}
