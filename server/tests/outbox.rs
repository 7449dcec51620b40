//! Notification emails: queued in the event's transaction, sent over real
//! SMTP to a sink on 127.0.0.1, retried after a failure, never twice.

#![recursion_limit = "256"]

mod common;

use std::net::{IpAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use mailin_embedded::response::{self, Response};
use mailin_embedded::{Handler, Server};
use server::outbox::{Delivery, Outbox, Transport};
use sqlx::PgPool;

/// One email as the sink received it.
#[derive(Clone, Debug)]
struct Received {
    to: Vec<String>,
    data: String,
}

/// An SMTP server on 127.0.0.1 that keeps what it receives and can reject
/// the first few recipients with a temporary error.
#[derive(Clone)]
struct Sink {
    received: Arc<Mutex<Vec<Received>>>,
    rejections_left: Arc<AtomicUsize>,
    /// The email of this SMTP session; each session has its own clone.
    current: Option<Received>,
}

impl Handler for Sink {
    fn rcpt(&mut self, _to: &str) -> Response {
        let reject = self
            .rejections_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if reject {
            Response::custom(451, "Try again later".into())
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Received {
            to: to.to_vec(),
            data: String::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(email) = self.current.as_mut() {
            email.data.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(mut email) = self.current.take() {
            // Joins the lines that quoted-printable encoding wrapped.
            email.data = email.data.replace("=\r\n", "");
            self.received.lock().unwrap().push(email);
        }
        response::OK
    }

    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        response::OK
    }
}

impl Sink {
    /// Starts the sink on a free port and returns it with its SMTP URL.
    fn start(rejections: usize) -> (Sink, String) {
        let sink = Sink {
            received: Arc::default(),
            rejections_left: Arc::new(AtomicUsize::new(rejections)),
            current: None,
        };
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let mut server = Server::new(sink.clone());
        server
            .with_name("sink.localhost")
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        (sink, url)
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn outbox(pool: &PgPool, smtp_url: Option<&str>) -> Outbox {
    Outbox {
        pool: pool.clone(),
        transport: Transport::from_url(smtp_url).unwrap(),
        from: "Connection Manager <no-reply@cm.localhost>"
            .parse()
            .unwrap(),
        public_url: "http://cm.localhost".into(),
    }
}

async fn version(pool: &PgPool) -> String {
    let version: i32 = sqlx::query_scalar("SELECT version FROM revisions")
        .fetch_one(pool)
        .await
        .unwrap();
    version.to_string()
}

async fn outbox_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM email_outbox")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Puts a new request in review and returns the subscriber, the reviewer
/// and the connection id. The staff notification of the submission is not queued,
/// because the request is put in the Requested state directly.
async fn request_in_review(app: &common::TestApp) -> (common::Browser, common::Browser, String) {
    let subscriber = app.browser();
    subscriber.sign_up("Org", "owner@org.example").await;
    let id = subscriber.create_connection().await;
    sqlx::query(
        "UPDATE revisions SET state = 'requested', ever_submitted = true, submitted_at = now()",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let staff = app.staff_browser("reviewer@op.example", "Rev").await;
    let start = staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "start_review"),
                ("version", &version(&app.pool).await),
            ],
        )
        .await;
    assert_eq!(start.status(), 200);
    (subscriber, staff, id)
}

async fn request_changes(app: &common::TestApp, staff: &common::Browser, id: &str) {
    let response = staff
        .form(
            "decide",
            &[
                ("connection_id", id),
                ("action", "request_changes"),
                ("version", &version(&app.pool).await),
                (
                    "reason",
                    "Give a retention period for the referral use case.",
                ),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn decision_emails_each_user_once(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_subscriber, staff, id) = request_in_review(&app).await;
    assert_eq!(
        outbox_count(&pool).await,
        0,
        "starting a review emails nobody"
    );

    request_changes(&app, &staff, &id).await;
    let queued: Vec<(String, String)> = sqlx::query_as("SELECT recipient, link FROM email_outbox")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        queued,
        vec![(
            "owner@org.example".to_string(),
            format!("/connections/{id}")
        )]
    );

    let (sink, url) = Sink::start(0);
    let worker = outbox(&pool, Some(&url));
    let first = worker.deliver_due().await.unwrap();
    assert_eq!(
        first,
        Delivery {
            sent: 1,
            retrying: 0,
            failed: 0
        }
    );
    let second = worker.deliver_due().await.unwrap();
    assert_eq!(
        second,
        Delivery::default(),
        "a sent email is not sent again"
    );

    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, vec!["owner@org.example".to_string()]);
    assert!(
        received[0].data.contains("Changes requested"),
        "{}",
        received[0].data
    );
    assert!(received[0]
        .data
        .contains(&format!("http://cm.localhost/connections/{id}")));
    let message_id: uuid::Uuid = sqlx::query_scalar("SELECT message_id FROM email_outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(received[0]
        .data
        .contains(&format!("<{message_id}@connection-manager>")));
}

#[sqlx::test(migrations = "../migrations")]
async fn rejected_email_retried_and_sent_once(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_subscriber, staff, id) = request_in_review(&app).await;
    request_changes(&app, &staff, &id).await;

    let (sink, url) = Sink::start(1);
    let worker = outbox(&pool, Some(&url));
    let rejected = worker.deliver_due().await.unwrap();
    assert_eq!(
        rejected,
        Delivery {
            sent: 0,
            retrying: 1,
            failed: 0
        }
    );
    let (attempts, error, waits): (i32, Option<String>, bool) =
        sqlx::query_as("SELECT attempts, last_error, next_attempt_at > now() FROM email_outbox")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some_and(|e| e.contains("451")));
    assert!(waits, "the next attempt waits for the backoff");
    assert_eq!(worker.deliver_due().await.unwrap(), Delivery::default());

    sqlx::query("UPDATE email_outbox SET next_attempt_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    let retried = worker.deliver_due().await.unwrap();
    assert_eq!(
        retried,
        Delivery {
            sent: 1,
            retrying: 0,
            failed: 0
        }
    );
    assert_eq!(sink.received().len(), 1);
    let (attempts, sent): (i32, bool) =
        sqlx::query_as("SELECT attempts, sent_at IS NOT NULL FROM email_outbox")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((attempts, sent), (2, true));
}

#[sqlx::test(migrations = "../migrations")]
async fn unreachable_server_keeps_email_queued(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_subscriber, staff, id) = request_in_review(&app).await;
    request_changes(&app, &staff, &id).await;

    // A port that was free a moment ago: nothing listens there.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let worker = outbox(&pool, Some(&format!("smtp://{closed}")));
    let delivery = worker.deliver_due().await.unwrap();
    assert_eq!(
        delivery,
        Delivery {
            sent: 0,
            retrying: 1,
            failed: 0
        }
    );
    let unsent: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM email_outbox WHERE sent_at IS NULL AND failed_at IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(unsent, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn failed_decision_queues_no_email(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_subscriber, staff, id) = request_in_review(&app).await;
    let no_reason = staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "reject"),
                ("version", &version(&pool).await),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(no_reason.status(), 422);
    let stale = staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "approve"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(stale.status(), 409);
    assert_eq!(outbox_count(&pool).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_workers_send_each_email_once(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_subscriber, staff, id) = request_in_review(&app).await;
    request_changes(&app, &staff, &id).await;
    // Nineteen more rows beside the decision's one.
    sqlx::query(
        "INSERT INTO email_outbox (message_id, recipient, subject, body, link)
         SELECT gen_random_uuid(), 'user' || n || '@org.example', 'Subject ' || n, 'Body', '/'
         FROM generate_series(1, 19) AS n",
    )
    .execute(&pool)
    .await
    .unwrap();

    let (sink, url) = Sink::start(0);
    let (one, two) = (outbox(&pool, Some(&url)), outbox(&pool, Some(&url)));
    let (a, b) = tokio::join!(one.deliver_due(), two.deliver_due());
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 20);

    let mut recipients: Vec<String> = sink.received().into_iter().flat_map(|r| r.to).collect();
    assert_eq!(recipients.len(), 20);
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 20, "no recipient got two copies");
}

#[sqlx::test(migrations = "../migrations")]
async fn without_smtp_emails_are_logged(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_subscriber, staff, id) = request_in_review(&app).await;
    request_changes(&app, &staff, &id).await;
    let delivery = outbox(&pool, None).deliver_due().await.unwrap();
    assert_eq!(delivery.sent, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn withdrawal_from_review_notifies_reviewer(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, _staff, id) = request_in_review(&app).await;
    let withdraw = subscriber
        .form("edit_request", &[("connection_id", id.as_str())])
        .await;
    assert_eq!(withdraw.status(), 200);

    let (recipient, subject): (String, String) =
        sqlx::query_as("SELECT recipient, subject FROM email_outbox")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(recipient, "reviewer@op.example");
    assert!(subject.contains("withdrew"), "{subject}");
    let in_app: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE u.email = 'reviewer@op.example' AND n.message LIKE '%withdrew%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(in_app, 1);
    let (state, reviewer): (String, Option<uuid::Uuid>) =
        sqlx::query_as("SELECT state, reviewer_id FROM revisions")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), reviewer), ("draft", None));
}

#[sqlx::test(migrations = "../migrations")]
async fn dead_worker_leaves_email_to_next(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_subscriber, staff, id) = request_in_review(&app).await;
    request_changes(&app, &staff, &id).await;
    let (sink, url) = Sink::start(0);
    let worker = outbox(&pool, Some(&url));

    // A worker has claimed the row and is sending it: the others skip it.
    let mut dying = pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM email_outbox FOR UPDATE")
        .fetch_one(&mut *dying)
        .await
        .unwrap();
    assert_eq!(worker.deliver_due().await.unwrap(), Delivery::default());

    // It dies before the SMTP server accepted the email: its transaction
    // ends without a commit, and the next pass sends the email once. The
    // rollback is awaited: a dropped transaction only queues it, so the
    // row could still be locked for a moment when the next pass runs.
    dying.rollback().await.unwrap();
    assert_eq!(worker.deliver_due().await.unwrap().sent, 1);
    assert_eq!(worker.deliver_due().await.unwrap(), Delivery::default());
    assert_eq!(sink.received().len(), 1);
}
