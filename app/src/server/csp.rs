//! The Content Security Policy sent with every response.
//!
//! HTML pages allow only the inline scripts that carry the page's nonce:
//! the hydration loader and the resolved-data scripts that Leptos writes
//! while streaming. Other responses get the policy without a nonce, which
//! allows no inline script at all.

use leptos::prelude::*;

/// Returns the policy, allowing inline scripts with `nonce` if given.
/// `wasm-unsafe-eval` lets the page compile the app's WebAssembly, and
/// inline styles stay allowed for the `style` attributes of components.
pub fn policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; \
         form-action 'self'; object-src 'none'"
    )
}

/// Sets the policy with this request's nonce on the page being rendered.
/// Leptos makes a fresh nonce for each request and adds it to the scripts
/// it writes.
pub fn set_page_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = axum::http::HeaderValue::from_str(&policy(Some(&nonce))) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_with_nonce_allows_that_nonce_only() {
        let policy = policy(Some("abc123"));
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        let scripts = policy
            .split(';')
            .find(|directive| directive.trim_start().starts_with("script-src"))
            .unwrap();
        assert!(!scripts.contains("unsafe-inline"), "{policy}");
    }

    #[test]
    fn policy_without_nonce_allows_no_inline_script() {
        let policy = policy(None);
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
