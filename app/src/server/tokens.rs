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

/// Returns the last four characters of a secret: all that the database
/// keeps of it besides its hash, shown so that users can tell secrets
/// apart.
pub fn last_four(secret: &str) -> &str {
    let start = secret
        .char_indices()
        .rev()
        .nth(3)
        .map_or(0, |(index, _)| index);
    &secret[start..]
}

#[cfg(test)]
mod tests {
    use super::last_four;

    #[test]
    fn last_four_keeps_the_end_of_a_secret() {
        assert_eq!(last_four("cms_abcdefgh"), "efgh");
        assert_eq!(last_four("abcd"), "abcd");
        assert_eq!(last_four("ab"), "ab");
        assert_eq!(last_four("ééééé"), "éééé");
    }
}
