//! Security headers on the web app's responses. The Content-Security-Policy is the one the web
//! build wrote into `index.html` (inline script and style allowed by their hashes, no
//! `'unsafe-inline'`), sent as a header too so that it also says `frame-ancestors 'none'`, which
//! a `<meta>` policy cannot. Every response also says `nosniff`, a strict referrer policy and
//! that it may not be framed.

use std::path::Path;

use axum::http::{HeaderMap, HeaderValue, header};

/// Sent when `index.html` carries no policy of its own (a build without the web finishing step).
const FALLBACK_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

/// The headers every web response gets.
#[derive(Debug, Clone)]
pub struct WebHeaders {
    policy: HeaderValue,
}

impl WebHeaders {
    /// Reads the policy from `<dir>/index.html`.
    pub fn from_dir(dir: &Path) -> WebHeaders {
        let html = std::fs::read_to_string(dir.join("index.html")).unwrap_or_default();
        let policy = meta_policy(&html).unwrap_or(FALLBACK_POLICY);
        let policy = format!("{policy}; frame-ancestors 'none'");
        WebHeaders {
            policy: HeaderValue::from_str(&policy)
                .unwrap_or_else(|_| HeaderValue::from_static(FALLBACK_POLICY)),
        }
    }

    pub fn apply(&self, headers: &mut HeaderMap) {
        headers.insert(header::CONTENT_SECURITY_POLICY, self.policy.clone());
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
}

/// The `content` of the page's `<meta http-equiv="Content-Security-Policy">`.
fn meta_policy(html: &str) -> Option<&str> {
    let start = html.find("http-equiv=\"Content-Security-Policy\"")?;
    let rest = &html[start..];
    let content = rest.find("content=\"")? + "content=\"".len();
    let len = rest[content..].find('"')?;
    Some(&rest[content..content + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_comes_from_the_page_and_forbids_framing() {
        let html = r#"<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'sha256-abc='" />"#;
        assert_eq!(
            meta_policy(html),
            Some("default-src 'self'; script-src 'sha256-abc='")
        );
        assert_eq!(meta_policy("<html></html>"), None);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), html).unwrap();
        let mut headers = HeaderMap::new();
        WebHeaders::from_dir(dir.path()).apply(&mut headers);
        assert_eq!(
            headers[header::CONTENT_SECURITY_POLICY],
            "default-src 'self'; script-src 'sha256-abc='; frame-ancestors 'none'"
        );
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    }
}
