//! Who is signed in, and what they may do. Every server function starts
//! here: the session names a user, and the database records which
//! organisations that user belongs to, whatever ids the browser sends.

use sqlx::PgPool;
use tower_sessions::Session;
use uuid::Uuid;

use crate::domain::lifecycle::Role;
use crate::error::AppError;

const USER_ID_KEY: &str = "user_id";
const ORGANISATION_ID_KEY: &str = "organisation_id";
/// Unix time, in seconds, at which the session's expiry was last pushed back.
const REFRESHED_AT_KEY: &str = "refreshed_at";

/// Seconds between two pushes of a session's expiry. The session layer
/// stores a session only when it changes, so a signed-in request costs one
/// session read, and a write at most once per interval. A session therefore
/// ends between the idle timeout and the idle timeout plus this interval
/// after its last request.
pub const EXPIRY_REFRESH_SECONDS: i64 = 300;

/// The signed-in user as stored in the database.
#[derive(Clone, Debug)]
pub struct SessionUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub staff_role: Option<Role>,
}

impl SessionUser {
    pub fn is_staff(&self) -> bool {
        self.staff_role.is_some()
    }
}

/// The signed-in subscriber user acting for their current organisation.
#[derive(Clone, Debug)]
pub struct Member {
    pub user: SessionUser,
    pub organisation_id: Uuid,
    pub role: Role,
}

impl Member {
    pub fn is_admin(&self) -> bool {
        self.role == Role::SubscriberAdmin
    }
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(error = ?error, "session layer missing");
        AppError::Internal
    })
}

pub fn parse_staff_role(text: Option<&str>) -> Option<Role> {
    match text {
        Some("staff_reviewer") => Some(Role::StaffReviewer),
        Some("operator_admin") => Some(Role::OperatorAdmin),
        _ => None,
    }
}

pub fn parse_member_role(text: &str) -> Role {
    if text == "subscriber_admin" {
        Role::SubscriberAdmin
    } else {
        Role::SubscriberUser
    }
}

pub fn member_role_text(role: Role) -> &'static str {
    if role == Role::SubscriberAdmin {
        "subscriber_admin"
    } else {
        "subscriber_user"
    }
}

async fn session_value<T: serde::de::DeserializeOwned>(
    session: &Session,
    key: &str,
) -> Result<Option<T>, AppError> {
    session.get::<T>(key).await.map_err(session_store_error)
}

/// Maps a failed session read. The session store keeps sessions in
/// Postgres, and its backend errors are database errors, which are almost
/// always an unreachable database.
fn session_store_error(error: tower_sessions::session::Error) -> AppError {
    use tower_sessions::session::Error;
    use tower_sessions::session_store::Error as StoreError;
    match error {
        Error::Store(StoreError::Backend(message)) => {
            tracing::warn!(error = %message, "session store unavailable");
            AppError::Unavailable
        }
        other => {
            tracing::error!(error = %other, "session store read failed");
            AppError::Internal
        }
    }
}

/// Returns the signed-in user, or `None` for a visitor.
pub async fn optional_user(pool: &PgPool) -> Result<Option<SessionUser>, AppError> {
    user_of_session(pool, &session().await?).await
}

/// Returns the user that `session` is signed in as, or `None`.
pub async fn user_of_session(
    pool: &PgPool,
    session: &Session,
) -> Result<Option<SessionUser>, AppError> {
    let Some(user_id) = session_value::<Uuid>(session, USER_ID_KEY).await? else {
        return Ok(None);
    };
    let row: Option<(Uuid, String, String, Option<String>)> =
        sqlx::query_as("SELECT id, email, display_name, staff_role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    let Some((id, email, display_name, staff_role)) = row else {
        return Ok(None);
    };
    refresh_expiry(session).await?;
    Ok(Some(session_user(id, email, display_name, staff_role)))
}

fn session_user(
    id: Uuid,
    email: String,
    display_name: String,
    staff_role: Option<String>,
) -> SessionUser {
    SessionUser {
        id,
        email,
        display_name,
        staff_role: parse_staff_role(staff_role.as_deref()),
    }
}

/// Pushes the session's expiry back when the last push is older than
/// [`EXPIRY_REFRESH_SECONDS`]. Changing the session makes the session layer
/// store it with a new expiry and send its cookie again with a new max age.
async fn refresh_expiry(session: &Session) -> Result<(), AppError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let refreshed_at = session_value::<i64>(session, REFRESHED_AT_KEY).await?;
    if expiry_refresh_due(refreshed_at, now) {
        insert(session, REFRESHED_AT_KEY, now).await?;
    }
    Ok(())
}

/// Returns whether a session whose expiry was last pushed back at `refreshed_at`
/// (Unix seconds, `None` for never) needs another push at `now`. A time
/// after `now` means a clock was set back, and also gets a push.
pub fn expiry_refresh_due(refreshed_at: Option<i64>, now: i64) -> bool {
    match refreshed_at {
        None => true,
        Some(at) => at > now || now - at >= EXPIRY_REFRESH_SECONDS,
    }
}

pub async fn require_user(pool: &PgPool) -> Result<SessionUser, AppError> {
    optional_user(pool).await?.ok_or(AppError::Unauthenticated)
}

pub async fn require_staff(pool: &PgPool) -> Result<SessionUser, AppError> {
    let user = require_user(pool).await?;
    if user.is_staff() {
        Ok(user)
    } else {
        Err(AppError::Forbidden(
            "Only operator staff can do that.".into(),
        ))
    }
}

pub async fn require_operator_admin(pool: &PgPool) -> Result<SessionUser, AppError> {
    let user = require_staff(pool).await?;
    if user.staff_role == Some(Role::OperatorAdmin) {
        Ok(user)
    } else {
        Err(AppError::Forbidden(
            "Only an operator admin can do that.".into(),
        ))
    }
}

/// Returns the user's role in an organisation, or `None` when they do not
/// belong to it.
pub async fn membership_role(
    pool: &PgPool,
    user_id: Uuid,
    organisation_id: Uuid,
) -> Result<Option<Role>, AppError> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM memberships WHERE user_id = $1 AND organisation_id = $2",
    )
    .bind(user_id)
    .bind(organisation_id)
    .fetch_optional(pool)
    .await?;
    Ok(role.as_deref().map(parse_member_role))
}

/// A user's id, email, display name and staff role, then their role in one
/// organisation (`None` when not a member).
type UserAndRole = (Uuid, String, String, Option<String>, Option<String>);

/// Returns the signed-in subscriber user and their current organisation.
/// The organisation comes from the session and is checked against the
/// user's memberships on every call.
pub async fn require_member(pool: &PgPool) -> Result<Member, AppError> {
    let session = session().await?;
    let Some(user_id) = session_value::<Uuid>(&session, USER_ID_KEY).await? else {
        return Err(AppError::Unauthenticated);
    };
    let current = session_organisation(&session).await?;
    // Every server function of a subscriber page starts here, so one query
    // reads both the user and their role in the session's organisation.
    let row: Option<UserAndRole> = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.staff_role, m.role \
         FROM users u \
         LEFT JOIN memberships m ON m.user_id = u.id AND m.organisation_id = $2 \
         WHERE u.id = $1",
    )
    .bind(user_id)
    .bind(current)
    .fetch_optional(pool)
    .await?;
    let Some((id, email, display_name, staff_role, role)) = row else {
        return Err(AppError::Unauthenticated);
    };
    refresh_expiry(&session).await?;
    let user = session_user(id, email, display_name, staff_role);
    if user.is_staff() {
        return Err(AppError::Forbidden(
            "Staff accounts cannot act for a subscriber organisation.".into(),
        ));
    }
    if let (Some(organisation_id), Some(role)) = (current, role) {
        return Ok(Member {
            user,
            organisation_id,
            role: parse_member_role(&role),
        });
    }
    // The session names no organisation yet, or the user was removed from
    // the one it names.
    let fallback = first_organisation(pool, user.id).await?;
    set_organisation(&session, fallback).await?;
    let role = membership_role(pool, user.id, fallback)
        .await?
        .ok_or_else(AppError::forbidden)?;
    Ok(Member {
        user,
        organisation_id: fallback,
        role,
    })
}

pub async fn require_member_admin(pool: &PgPool) -> Result<Member, AppError> {
    let member = require_member(pool).await?;
    if member.is_admin() {
        Ok(member)
    } else {
        Err(AppError::Forbidden(
            "Only an admin of your organisation can do that.".into(),
        ))
    }
}

async fn first_organisation(pool: &PgPool, user_id: Uuid) -> Result<Uuid, AppError> {
    sqlx::query_scalar("SELECT organisation_id FROM memberships WHERE user_id = $1 ORDER BY created_at LIMIT 1")
        .bind(user_id)
        .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::Forbidden("Your account does not belong to any organisation. Ask an organisation admin to invite you.".into()))
}

/// Signs a user in: a new session id (so an id planted before sign-in is
/// worthless), then the user and organisation are stored in it.
pub async fn start_session(user_id: Uuid, organisation_id: Option<Uuid>) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(|error| {
        tracing::error!(error = %error, "session id rotation failed");
        AppError::Internal
    })?;
    insert(&session, USER_ID_KEY, user_id).await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    insert(&session, REFRESHED_AT_KEY, now).await?;
    if let Some(organisation_id) = organisation_id {
        set_organisation(&session, organisation_id).await?;
    }
    Ok(())
}

/// Returns the organisation the session acts for. It is not checked
/// against the user's memberships, so callers must compare it with them.
pub async fn session_organisation(session: &Session) -> Result<Option<Uuid>, AppError> {
    session_value::<Uuid>(session, ORGANISATION_ID_KEY).await
}

pub async fn set_organisation(session: &Session, organisation_id: Uuid) -> Result<(), AppError> {
    insert(session, ORGANISATION_ID_KEY, organisation_id).await
}

pub async fn end_session() -> Result<(), AppError> {
    let session = session().await?;
    session.flush().await.map_err(|error| {
        tracing::error!(error = %error, "session deletion failed");
        AppError::Internal
    })
}

async fn insert<T: serde::Serialize>(
    session: &Session,
    key: &str,
    value: T,
) -> Result<(), AppError> {
    session.insert(key, value).await.map_err(|error| {
        tracing::error!(error = %error, "session store write failed");
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn refresh_due_without_stamp() {
        assert!(expiry_refresh_due(None, NOW));
    }

    #[test]
    fn refresh_not_due_within_interval() {
        assert!(!expiry_refresh_due(Some(NOW), NOW));
        assert!(!expiry_refresh_due(
            Some(NOW - EXPIRY_REFRESH_SECONDS + 1),
            NOW
        ));
    }

    #[test]
    fn refresh_due_after_interval() {
        assert!(expiry_refresh_due(Some(NOW - EXPIRY_REFRESH_SECONDS), NOW));
        assert!(expiry_refresh_due(Some(NOW - 8 * 3600), NOW));
    }

    #[test]
    fn refresh_due_for_stamp_in_future() {
        assert!(expiry_refresh_due(Some(NOW + 1), NOW));
    }
}
