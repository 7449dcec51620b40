//! Password hashing with Argon2id at the OWASP-recommended cost
//! (19 MiB of memory, 2 iterations, 1 lane).

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::AppError;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password on a blocking thread, because Argon2 takes tens of
/// milliseconds of CPU by design.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(|error| {
        tracing::error!(error = %error, "password hashing task failed");
        AppError::Internal
    })?
    .map_err(|error| {
        tracing::error!(error = %error, "password hashing failed");
        AppError::Internal
    })
}

/// Checks a password against a stored PHC-format hash.
pub async fn verify(password: String, stored_hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored_hash) else {
            tracing::error!("stored password hash is not in PHC format");
            return false;
        };
        hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(|error| {
        tracing::error!(error = %error, "password verification task failed");
        AppError::Internal
    })
}

/// A hash of a random password, verified against when the email is
/// unknown so that a failed sign-in takes the same time either way.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3Jd2bdmAHCUj1Q0FJz1lkbD2QFDUIAzy4ebRh9VkN2o";
