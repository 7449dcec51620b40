//! Notifications: one in-app notification and one outbox email for each
//! recipient, written in the caller's transaction so that they exist if and
//! only if the event they report does.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;

/// The recipients of a notification.
#[derive(Clone, Copy, Debug)]
pub enum Recipients {
    /// Every user of a subscriber organisation.
    Organisation(Uuid),
    /// Every staff user.
    Staff,
    /// One user.
    User(Uuid),
}

impl Recipients {
    /// Returns the query selecting the recipients' ids and addresses. Each
    /// takes `$1`, the id from [`Recipients::id`]; for staff it is NULL and
    /// only there so that every variant binds the same parameters.
    fn query(self) -> &'static str {
        match self {
            Recipients::Organisation(_) => {
                "SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1"
            }
            Recipients::Staff => {
                "SELECT id, email FROM users WHERE staff_role IS NOT NULL AND $1::uuid IS NULL"
            }
            Recipients::User(_) => "SELECT id, email FROM users WHERE id = $1",
        }
    }

    fn id(self) -> Option<Uuid> {
        match self {
            Recipients::Organisation(id) | Recipients::User(id) => Some(id),
            Recipients::Staff => None,
        }
    }
}

/// The maximum length of an email subject. Longer messages are cut at a
/// word boundary.
const MAX_SUBJECT_CHARS: usize = 120;

/// Writes a notification with `message` and `link` (a path in the app) for
/// each recipient, and queues an email to each.
pub async fn send(
    conn: &mut PgConnection,
    recipients: Recipients,
    connection_id: Option<Uuid>,
    message: &str,
    link: &str,
) -> Result<(), AppError> {
    let sql = format!(
        "WITH recipients AS ({}),
         in_app AS (
             INSERT INTO notifications (user_id, connection_id, message, link)
             SELECT id, $2, $3, $4 FROM recipients
         )
         INSERT INTO email_outbox (message_id, recipient, subject, body, link)
         SELECT gen_random_uuid(), email, $5, $3, $4 FROM recipients",
        recipients.query()
    );
    sqlx::query(&sql)
        .bind(recipients.id())
        .bind(connection_id)
        .bind(message)
        .bind(link)
        .bind(subject(message))
        .execute(conn)
        .await?;
    Ok(())
}

/// Returns the email subject for a message: the message itself, cut to
/// [`MAX_SUBJECT_CHARS`] at a word boundary, on one line.
pub fn subject(message: &str) -> String {
    let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= MAX_SUBJECT_CHARS {
        return line;
    }
    let mut cut = String::new();
    for word in line.split(' ') {
        if cut.chars().count() + word.chars().count() + 1 > MAX_SUBJECT_CHARS - 1 {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_of_short_message_is_message() {
        assert_eq!(
            subject("Revision 2 is now Approved."),
            "Revision 2 is now Approved."
        );
    }

    #[test]
    fn subject_is_one_line() {
        assert_eq!(
            subject("New request:\nBlue\r\n Badge"),
            "New request: Blue Badge"
        );
    }

    #[test]
    fn subject_of_long_message_cut_at_word() {
        let message = "word ".repeat(60);
        let cut = subject(&message);
        assert!(cut.chars().count() <= MAX_SUBJECT_CHARS);
        assert!(cut.ends_with("word…"));
    }
}
