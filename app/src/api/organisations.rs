//! Organisation membership: switching organisation, inviting and
//! removing users.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::lifecycle::Role;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationUser {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    /// Whether this is the signed-in user, who cannot remove themselves.
    pub is_caller: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub expires_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationUsers {
    pub organisation_name: String,
    pub users: Vec<OrganisationUser>,
    pub invitations: Vec<PendingInvitation>,
    /// Whether the caller may invite and remove users.
    pub can_manage: bool,
}

/// Days an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 7;

#[server(endpoint = "switch_organisation")]
pub async fn switch_organisation(organisation_id: Uuid) -> Result<(), AppError> {
    use crate::server::{auth, state::pool};
    let pool = pool()?;
    let user = auth::require_user(&pool).await?;
    if auth::membership_role(&pool, user.id, organisation_id)
        .await?
        .is_none()
    {
        return Err(AppError::not_found("That organisation"));
    }
    let session = auth::session().await?;
    auth::set_organisation(&session, organisation_id).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "organisation_users")]
pub async fn fetch_organisation_users() -> Result<OrganisationUsers, AppError> {
    use crate::server::{auth, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    let organisation_name: String =
        sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
            .bind(member.organisation_id)
            .fetch_one(&pool)
            .await?;
    let rows: Vec<(Uuid, String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.email, m.role FROM memberships m
         JOIN users u ON u.id = m.user_id
         WHERE m.organisation_id = $1 ORDER BY u.display_name",
    )
    .bind(member.organisation_id)
    .fetch_all(&pool)
    .await?;
    let users = rows
        .into_iter()
        .map(|(user_id, display_name, email, role)| OrganisationUser {
            user_id,
            display_name,
            email,
            role: auth::parse_member_role(&role),
            is_caller: user_id == member.user.id,
        })
        .collect();
    let invitations = if member.is_admin() {
        let rows: Vec<(Uuid, String, String, String)> = sqlx::query_as(
            "SELECT id, email, role, to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM invitations
             WHERE organisation_id = $1 AND accepted_at IS NULL AND expires_at > now()
             ORDER BY created_at DESC",
        )
        .bind(member.organisation_id)
        .fetch_all(&pool)
        .await?;
        rows.into_iter()
            .map(|(id, email, role, expires_at)| PendingInvitation {
                id,
                email,
                role: auth::parse_member_role(&role),
                expires_at,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(OrganisationUsers {
        organisation_name,
        users,
        invitations,
        can_manage: member.is_admin(),
    })
}

/// Invites someone by email into the current organisation and returns the
/// invitation link. The link is also written to the server log, because
/// email delivery of invitations is not built yet.
#[server(endpoint = "invite_user")]
pub async fn invite_user(email: String, admin: Option<String>) -> Result<String, AppError> {
    use crate::server::{audit, auth, state::pool, tokens};
    if let Err(message) = super::accounts::check_email(&email) {
        return Err(AppError::field("email", message));
    }
    let pool = pool()?;
    let member = auth::require_member_admin(&pool).await?;
    let role = if admin.is_some() {
        Role::SubscriberAdmin
    } else {
        Role::SubscriberUser
    };
    let email = email.trim().to_string();

    let already: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
                        WHERE m.organisation_id = $1 AND lower(u.email) = lower($2))",
    )
    .bind(member.organisation_id)
    .bind(&email)
    .fetch_one(&pool)
    .await?;
    if already {
        return Err(AppError::field(
            "email",
            "This person already belongs to your organisation",
        ));
    }

    let token = tokens::random_token();
    let id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO invitations (id, organisation_id, email, role, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7))",
    )
    .bind(id)
    .bind(member.organisation_id)
    .bind(&email)
    .bind(auth::member_role_text(role))
    .bind(tokens::sha256_hex(&token))
    .bind(member.user.id)
    .bind(INVITATION_DAYS as i32)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        audit::AuditEvent {
            actor_user_id: Some(member.user.id),
            organisation_id: Some(member.organisation_id),
            action: "membership.invited",
            after: Some(
                serde_json::json!({ "invitation_id": id, "role": auth::member_role_text(role) }),
            ),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;

    let link = format!("/invitations/{token}");
    // NOTE: invitations are not emailed yet, so the admin copies the link
    // from the page. The log leaves the link out because its token admits
    // anyone who has it.
    tracing::info!(invitation_id = %id, organisation_id = %member.organisation_id, "invitation created");
    Ok(link)
}

#[server(endpoint = "remove_user")]
pub async fn remove_user(user_id: Uuid) -> Result<(), AppError> {
    use crate::server::{audit, auth, state::pool};
    let pool = pool()?;
    let member = auth::require_member_admin(&pool).await?;
    if user_id == member.user.id {
        return Err(AppError::BadRequest(
            "You cannot remove yourself. Ask another admin of your organisation to do it.".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    let removed: Option<String> = sqlx::query_scalar(
        "DELETE FROM memberships WHERE organisation_id = $1 AND user_id = $2 RETURNING role",
    )
    .bind(member.organisation_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(role) = removed else {
        return Err(AppError::not_found("That user"));
    };
    audit::record(
        &mut tx,
        audit::AuditEvent {
            actor_user_id: Some(member.user.id),
            organisation_id: Some(member.organisation_id),
            action: "membership.removed",
            before: Some(serde_json::json!({ "user_id": user_id, "role": role })),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDetails {
    pub organisation_name: String,
    pub email: String,
    /// Whether an account with the invited email exists already.
    pub account_exists: bool,
}

#[server(endpoint = "invitation_details")]
pub async fn fetch_invitation(token: String) -> Result<InvitationDetails, AppError> {
    use crate::server::{state::pool, tokens};
    let pool = pool()?;
    let row: Option<(String, String, bool)> = sqlx::query_as(
        "SELECT o.name, i.email, EXISTS (SELECT 1 FROM users u WHERE lower(u.email) = lower(i.email))
         FROM invitations i JOIN organisations o ON o.id = i.organisation_id
         WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > now()",
    )
    .bind(tokens::sha256_hex(&token))
    .fetch_optional(&pool)
    .await?;
    let (organisation_name, email, account_exists) = row.ok_or_else(|| {
        AppError::NotFound("This invitation link is not valid: it may have expired or been used. Ask the organisation admin for a new one.".into())
    })?;
    Ok(InvitationDetails {
        organisation_name,
        email,
        account_exists,
    })
}

/// Accepts an invitation. A new user gives a name and password; someone
/// with an account gives their password.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    display_name: Option<String>,
    password: String,
) -> Result<(), AppError> {
    use crate::server::{audit, auth, passwords, state::pool, tokens};
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    let row: Option<(Uuid, Uuid, String, String)> = sqlx::query_as(
        "SELECT id, organisation_id, email, role FROM invitations
         WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > now() FOR UPDATE",
    )
    .bind(tokens::sha256_hex(&token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((invitation_id, organisation_id, email, role)) = row else {
        return Err(AppError::NotFound(
            "This invitation link is not valid: it may have expired or been used.".into(),
        ));
    };
    let existing: Option<(Uuid, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE lower(email) = lower($1)")
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
    let user_id = match existing {
        Some((id, hash)) => {
            if !passwords::verify(password, hash).await? {
                return Err(AppError::field("password", "The password is incorrect"));
            }
            id
        }
        None => {
            let name = display_name.unwrap_or_default();
            let mut errors = Vec::new();
            if let Err(message) = super::accounts::check_name(&name, "your full name") {
                errors.push(crate::error::FieldError::new("display_name", message));
            }
            if let Err(message) = super::accounts::check_new_password(&password, &email) {
                errors.push(crate::error::FieldError::new("password", message));
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            let id = Uuid::new_v4();
            sqlx::query("INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(&email)
                .bind(name.trim())
                .bind(passwords::hash(password).await?)
                .execute(&mut *tx)
                .await?;
            id
        }
    };
    sqlx::query(
        "INSERT INTO memberships (organisation_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(organisation_id)
    .bind(user_id)
    .bind(&role)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE invitations SET accepted_at = now() WHERE id = $1")
        .bind(invitation_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        audit::AuditEvent {
            actor_user_id: Some(user_id),
            organisation_id: Some(organisation_id),
            action: "membership.joined",
            after: Some(serde_json::json!({ "invitation_id": invitation_id, "role": role })),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    auth::start_session(user_id, Some(organisation_id)).await?;
    leptos_axum::redirect("/");
    Ok(())
}
