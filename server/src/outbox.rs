//! The email worker: sends the rows of `email_outbox` over SMTP.
//!
//! Each row is claimed with `FOR UPDATE SKIP LOCKED` and stays locked while
//! it is sent, so two workers, or two servers, never send the same row.
//! The row is marked sent in the same transaction that holds the lock. A
//! failed send is retried with exponential backoff up to [`MAX_ATTEMPTS`]
//! times. Every email carries the row's Message-ID, so in the one case
//! where a copy can go out twice (the worker dies after the SMTP server
//! accepted the email and before the commit) the receiving server can
//! recognise it.
//!
//! With no SMTP server configured, emails are written to the log and
//! marked sent.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;
use tokio::sync::watch;
use uuid::Uuid;

/// Attempts before an email is given up and marked failed.
pub const MAX_ATTEMPTS: i32 = 10;

/// How long the worker waits between two looks at the outbox.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Returns the wait before the next attempt after `attempts` failed ones:
/// 30 seconds, doubling each time, at most one hour.
pub fn retry_delay(attempts: i32) -> Duration {
    let doublings = attempts.clamp(1, 8) - 1;
    Duration::from_secs((30u64 << doublings).min(3600))
}

/// The destination of emails.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// No SMTP server configured: write each email to the log instead.
    Log,
}

impl Transport {
    /// Builds the transport from an SMTP URL such as `smtp://127.0.0.1:2525`
    /// (plain), `smtp://host:587?tls=required` (STARTTLS) or `smtps://host`
    /// (TLS), or the log transport when there is none.
    pub fn from_url(url: Option<&str>) -> Result<Self, lettre::transport::smtp::Error> {
        match url {
            None => Ok(Transport::Log),
            Some(url) => Ok(Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            )),
        }
    }
}

#[derive(Clone)]
pub struct Outbox {
    pub pool: PgPool,
    pub transport: Transport,
    pub from: Mailbox,
    /// The app's address as users reach it, such as `https://cm.example`,
    /// put in front of each email's link.
    pub public_url: String,
}

/// The outcome of one pass over the outbox.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

struct Pending {
    id: i64,
    message_id: Uuid,
    recipient: String,
    subject: String,
    body: String,
    link: String,
    attempts: i32,
}

impl Outbox {
    /// Sends every email that is due, one row at a time, and returns what
    /// happened. Rows locked by another worker are skipped.
    pub async fn deliver_due(&self) -> Result<Delivery, sqlx::Error> {
        let mut delivery = Delivery::default();
        loop {
            let mut tx = self.pool.begin().await?;
            let row: Option<(i64, Uuid, String, String, String, String, i32)> = sqlx::query_as(
                "SELECT id, message_id, recipient, subject, body, link, attempts FROM email_outbox
                 WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                 ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
            )
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id, message_id, recipient, subject, body, link, attempts)) = row else {
                return Ok(delivery);
            };
            let pending = Pending {
                id,
                message_id,
                recipient,
                subject,
                body,
                link,
                attempts,
            };
            match self.send(&pending).await {
                Ok(()) => {
                    sqlx::query(
                        "UPDATE email_outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1",
                    )
                    .bind(pending.id)
                    .execute(&mut *tx)
                    .await?;
                    delivery.sent += 1;
                }
                Err(error) => {
                    let attempts = pending.attempts + 1;
                    let gives_up = attempts >= MAX_ATTEMPTS || error.permanent;
                    tracing::warn!(outbox_id = pending.id, attempts, gives_up, error = %error.message, "email not sent");
                    sqlx::query(
                        "UPDATE email_outbox SET attempts = $2, last_error = $3,
                                next_attempt_at = now() + make_interval(secs => $4),
                                failed_at = CASE WHEN $5 THEN now() END
                         WHERE id = $1",
                    )
                    .bind(pending.id)
                    .bind(attempts)
                    .bind(error.message.chars().take(500).collect::<String>())
                    .bind(retry_delay(attempts).as_secs_f64())
                    .bind(gives_up)
                    .execute(&mut *tx)
                    .await?;
                    if gives_up {
                        delivery.failed += 1;
                    } else {
                        delivery.retrying += 1;
                    }
                }
            }
            tx.commit().await?;
        }
    }

    async fn send(&self, pending: &Pending) -> Result<(), SendError> {
        let body = format!(
            "{}\n\nOpen it in Connection Manager: {}{}\n",
            pending.body,
            self.public_url.trim_end_matches('/'),
            pending.link
        );
        let transport = match &self.transport {
            Transport::Log => {
                tracing::info!(outbox_id = pending.id, subject = %pending.subject, link = %pending.link,
                    "email logged, not sent: no SMTP server is configured (set SMTP_URL)");
                return Ok(());
            }
            Transport::Smtp(transport) => transport,
        };
        let to: Mailbox = pending.recipient.parse().map_err(|_| SendError {
            message: "invalid recipient address".into(),
            permanent: true,
        })?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&pending.subject)
            .message_id(Some(format!("<{}@connection-manager>", pending.message_id)))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|error| SendError {
                message: error.to_string(),
                permanent: true,
            })?;
        transport.send(email).await.map_err(|error| SendError {
            permanent: error.is_permanent(),
            message: error.to_string(),
        })?;
        Ok(())
    }

    /// Sends due emails every [`POLL_INTERVAL`] until `shutdown` turns
    /// true; a pass in progress finishes first. Before each pass it records
    /// the client secrets whose rotation overlap has ended, so that their
    /// notifications go out in the same pass.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(error) = app::server::deployments::record_expired_secrets(&self.pool).await {
                tracing::warn!(error = %error, "failed to record expired client secrets; retrying at the next poll");
            }
            if let Err(error) = self.deliver_due().await {
                tracing::warn!(error = %error, "failed to read the email outbox; retrying at the next poll");
            }
            tokio::select! {
                _ = tokio::time::sleep(POLL_INTERVAL) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }
}

struct SendError {
    message: String,
    /// True when the SMTP server rejected the email for good (5xx) or the
    /// email could not be built, so a retry would fail too.
    permanent: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_up_to_an_hour() {
        assert_eq!(retry_delay(1), Duration::from_secs(30));
        assert_eq!(retry_delay(2), Duration::from_secs(60));
        assert_eq!(retry_delay(3), Duration::from_secs(120));
        assert_eq!(retry_delay(7), Duration::from_secs(1920));
        assert_eq!(retry_delay(8), Duration::from_secs(3600));
        assert_eq!(retry_delay(MAX_ATTEMPTS), Duration::from_secs(3600));
    }

    #[test]
    fn transport_without_url_logs() {
        assert!(matches!(Transport::from_url(None), Ok(Transport::Log)));
    }

    // The pooled transport starts its pool on the Tokio runtime.
    #[tokio::test]
    async fn transport_from_smtp_url() {
        assert!(matches!(
            Transport::from_url(Some("smtp://127.0.0.1:2525")),
            Ok(Transport::Smtp(_))
        ));
        assert!(Transport::from_url(Some("not a url")).is_err());
    }
}
