//! Rotation rules shared by API keys and OAuth2 client secrets, with no
//! I/O: the overlap an admin chooses, and what a rotation does to the
//! secrets that already work.
//!
//! Rotating issues a successor at once. The old secret keeps working until
//! the end of the overlap and then expires. An overlap of zero stops the
//! old secret at once, for a secret that may have leaked.

use time::{Duration, OffsetDateTime};

/// Overlap used when the admin does not choose one, in hours.
pub const DEFAULT_OVERLAP_HOURS: u32 = 24;

/// Maximum overlap, in hours (30 days).
pub const MAX_OVERLAP_HOURS: u32 = 30 * 24;

/// Checks a chosen overlap and returns it as a duration.
pub fn overlap(hours: u32) -> Result<Duration, String> {
    if hours > MAX_OVERLAP_HOURS {
        return Err(format!(
            "Choose an overlap of at most {MAX_OVERLAP_HOURS} hours (30 days); {hours} hours is too long."
        ));
    }
    Ok(Duration::hours(i64::from(hours)))
}

/// Reads the overlap field of a rotation form. Blank means the default.
pub fn parse_overlap(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let hours = if text.is_empty() {
        DEFAULT_OVERLAP_HOURS
    } else {
        text.parse::<u32>().map_err(|_| {
            format!("Enter the overlap as a whole number of hours from 0 to {MAX_OVERLAP_HOURS}, such as 24")
        })?
    };
    overlap(hours)
}

/// The effect of rotating a client secret on the deployment's secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecretRotation {
    /// When the secret in use now stops working.
    pub current_expires_at: OffsetDateTime,
    /// Whether a secret replaced by an earlier rotation, still in its
    /// overlap, stops now. At most two secrets work at any time: the new
    /// one and the one it replaces.
    pub end_earlier_overlap: bool,
}

/// Plans a rotation at `now`. `earlier_expires_at` is the end of the
/// overlap of the secret that an earlier rotation replaced, if there is
/// one.
pub fn rotate_secret(
    now: OffsetDateTime,
    overlap: Duration,
    earlier_expires_at: Option<OffsetDateTime>,
) -> SecretRotation {
    SecretRotation {
        current_expires_at: now + overlap,
        end_earlier_overlap: earlier_expires_at.is_some_and(|end| end > now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: OffsetDateTime = time::macros::datetime!(2026-12-05 10:00 UTC);

    #[test]
    fn overlap_bounds() {
        assert_eq!(overlap(0), Ok(Duration::ZERO));
        assert_eq!(overlap(DEFAULT_OVERLAP_HOURS), Ok(Duration::hours(24)));
        assert_eq!(overlap(30 * 24), Ok(Duration::days(30)));
        let too_long = overlap(31 * 24).unwrap_err();
        assert!(too_long.contains("at most 720 hours"), "{too_long}");
        assert!(too_long.contains("744 hours"), "{too_long}");
    }

    #[test]
    fn blank_overlap_means_default() {
        assert_eq!(parse_overlap(""), Ok(Duration::hours(24)));
        assert_eq!(parse_overlap("  "), Ok(Duration::hours(24)));
    }

    #[test]
    fn overlap_text_is_whole_hours() {
        assert_eq!(parse_overlap(" 48 "), Ok(Duration::hours(48)));
        assert_eq!(parse_overlap("0"), Ok(Duration::ZERO));
        for bad in ["1.5", "-1", "a day", "24h", "99999999999"] {
            let message = parse_overlap(bad).unwrap_err();
            assert!(
                message.contains("whole number of hours"),
                "{bad}: {message}"
            );
        }
        assert!(parse_overlap("721")
            .unwrap_err()
            .contains("at most 720 hours"));
    }

    #[test]
    fn old_secret_kept_for_overlap() {
        let plan = rotate_secret(NOW, Duration::hours(24), None);
        assert_eq!(plan.current_expires_at, NOW + Duration::hours(24));
        assert!(!plan.end_earlier_overlap);
    }

    #[test]
    fn zero_overlap_ends_old_secret() {
        let plan = rotate_secret(NOW, Duration::ZERO, None);
        assert_eq!(plan.current_expires_at, NOW);
    }

    #[test]
    fn second_rotation_ends_earlier_overlap() {
        let plan = rotate_secret(NOW, Duration::hours(1), Some(NOW + Duration::hours(3)));
        assert!(plan.end_earlier_overlap);
        assert_eq!(plan.current_expires_at, NOW + Duration::hours(1));
    }

    #[test]
    fn finished_overlap_is_left_alone() {
        assert!(!rotate_secret(NOW, Duration::hours(1), Some(NOW)).end_earlier_overlap);
        assert!(
            !rotate_secret(NOW, Duration::hours(1), Some(NOW - Duration::hours(1)))
                .end_earlier_overlap
        );
    }
}
