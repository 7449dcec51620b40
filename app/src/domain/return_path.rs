//! The page to return to after signing in, carried in the sign-in link's
//! `next` query parameter.

/// Maximum length of a return path, in bytes.
pub const MAX_RETURN_PATH: usize = 2_048;

/// Returns `input` when it is a path on this site, or `None`.
///
/// Only a path that starts with a single `/` is accepted. `//host` and
/// `/\host` are rejected because browsers read both as another host, and
/// control characters and over-long values are rejected, so that a crafted
/// sign-in link cannot send the user to another site.
pub fn safe_return_path(input: &str) -> Option<&str> {
    let rest = input.strip_prefix('/')?;
    let other_host = rest.starts_with('/') || rest.starts_with('\\');
    let has_control = input.chars().any(char::is_control);
    if other_host || has_control || input.len() > MAX_RETURN_PATH {
        return None;
    }
    Some(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_site_paths() {
        for path in [
            "/",
            "/connections",
            "/connections?page=2&q=blue",
            "/keys#new",
        ] {
            assert_eq!(safe_return_path(path), Some(path), "{path}");
        }
    }

    #[test]
    fn rejects_other_hosts() {
        for input in [
            "https://attacker.example/",
            "//attacker.example/",
            "/\\attacker.example/",
            "attacker.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_return_path(input), None, "{input}");
        }
    }

    #[test]
    fn rejects_control_characters() {
        assert_eq!(safe_return_path("/connections\n"), None);
        assert_eq!(safe_return_path("/\t/attacker.example"), None);
    }

    #[test]
    fn rejects_over_long_paths() {
        let long = format!("/{}", "a".repeat(MAX_RETURN_PATH));
        assert_eq!(safe_return_path(&long), None);
        let longest = format!("/{}", "a".repeat(MAX_RETURN_PATH - 1));
        assert_eq!(safe_return_path(&longest), Some(longest.as_str()));
    }
}
