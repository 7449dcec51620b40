//! Random tokens and their hashes. Only hashes are stored, so a database
//! leak does not reveal usable links or secrets.

use rand::{distributions::Alphanumeric, Rng};
use sha2::{Digest, Sha256};

/// Generates a 32-character alphanumeric token (about 190 bits of entropy).
pub fn random_token() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

pub fn sha256_hex(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
