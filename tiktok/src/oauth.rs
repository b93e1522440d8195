//! OAuth v2 in TikTok's dialect: authorize URL with `state` and hex-S256 PKCE, code exchange,
//! refresh (keeping the stored refresh token when TikTok sends none), revoke.

use oauth2::{AccessToken, CsrfToken, PkceCodeVerifier, RefreshToken};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use url::Url;

use crate::client::TikTokClient;
use crate::config::Endpoint;
use crate::envelope;
use crate::error::TikTokError;

/// An authorize URL to send the user to, with the values to keep until the callback.
#[derive(Debug)]
pub struct AuthorizeRequest {
    pub url: Url,
    /// Compare with the callback's `state`; single use.
    pub state: CsrfToken,
    /// Send with the code exchange.
    pub pkce_verifier: PkceCodeVerifier,
}

/// Tokens from the token endpoint. Lifetimes come from the answer, never assumed.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub open_id: String,
    pub access_token: AccessToken,
    pub expires_in: i64,
    pub refresh_token: RefreshToken,
    pub refresh_expires_in: i64,
    /// Granted scopes, split from TikTok's comma-separated list.
    pub scopes: Vec<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    open_id: String,
    access_token: String,
    #[serde(default)]
    expires_in: i64,
    #[serde(default)]
    refresh_token: String,
    #[serde(default)]
    refresh_expires_in: i64,
    #[serde(default)]
    scope: String,
}

/// TikTok's desktop PKCE challenge: the hex SHA-256 of the verifier (not base64url).
pub fn hex_challenge(verifier: &PkceCodeVerifier) -> String {
    hex::encode(Sha256::digest(verifier.secret().as_bytes()))
}

impl TikTokClient {
    /// The consent page URL for `scopes`, with a fresh `state` and PKCE verifier.
    pub fn authorize_url(&self, scopes: &[&str]) -> AuthorizeRequest {
        let state = CsrfToken::new_random();
        let (_, pkce_verifier) = oauth2::PkceCodeChallenge::new_random_sha256();
        let mut url = self.config.authorize_url.clone();
        url.query_pairs_mut()
            .append_pair("client_key", &self.config.client_key)
            .append_pair("scope", &scopes.join(","))
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &self.config.redirect_uri)
            .append_pair("state", state.secret())
            .append_pair("code_challenge", &hex_challenge(&pkce_verifier))
            .append_pair("code_challenge_method", "S256");
        AuthorizeRequest {
            url,
            state,
            pkce_verifier,
        }
    }

    /// Exchanges the callback's code for tokens.
    pub async fn exchange_code(
        &self,
        code: &str,
        verifier: &PkceCodeVerifier,
    ) -> Result<TokenSet, TikTokError> {
        let form = [
            ("code", code),
            ("grant_type", "authorization_code"),
            ("redirect_uri", self.config.redirect_uri.as_str()),
            ("code_verifier", verifier.secret().as_str()),
        ];
        let response: TokenResponse = self.oauth_post(Endpoint::Token, &form).await?;
        Ok(token_set(response, None))
    }

    /// Refreshes; TikTok may rotate the refresh token. When the answer carries none, the current
    /// one is kept rather than replaced by an empty value.
    pub async fn refresh(&self, current: &RefreshToken) -> Result<TokenSet, TikTokError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", current.secret().as_str()),
        ];
        let response: TokenResponse = self.oauth_post(Endpoint::Token, &form).await?;
        Ok(token_set(response, Some(current)))
    }

    /// Revokes the user's access token (the app leaves their "Manage app permissions").
    pub async fn revoke(&self, token: &AccessToken) -> Result<(), TikTokError> {
        let form = [("token", token.secret().as_str())];
        let (status, body) = self.oauth_send(Endpoint::Revoke, &form).await?;
        if body.iter().all(u8::is_ascii_whitespace) && (200..300).contains(&status) {
            return Ok(());
        }
        envelope::oauth::<serde_json::Value>(status, &body).map(drop)
    }

    async fn oauth_post<T: serde::de::DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        form: &[(&str, &str)],
    ) -> Result<T, TikTokError> {
        let (status, body) = self.oauth_send(endpoint, form).await?;
        envelope::oauth(status, &body)
    }

    /// Posts a form with the app's credentials in TikTok's field names.
    async fn oauth_send(
        &self,
        endpoint: Endpoint,
        form: &[(&str, &str)],
    ) -> Result<(u16, bytes::Bytes), TikTokError> {
        let credentials = [
            ("client_key", self.config.client_key.as_str()),
            ("client_secret", self.config.client_secret.secret().as_str()),
        ];
        let url = self.config.endpoint_url(endpoint);
        let host = url.host_str().unwrap_or_default().to_owned();
        let request = self
            .http
            .post(url)
            .header("cache-control", "no-cache")
            .form(&[&credentials[..], form].concat());
        let started = std::time::Instant::now();
        let sent = self.send(request, &host, false).await;
        let outcome = sent.as_ref().map_or_else(|e| e.code.as_str(), |_| "ok");
        self.observer.call(endpoint, outcome, started.elapsed());
        let (status, _, body) = sent?;
        Ok((status, body))
    }
}

fn token_set(r: TokenResponse, current: Option<&RefreshToken>) -> TokenSet {
    let refresh_token = match (r.refresh_token.is_empty(), current) {
        (true, Some(current)) => current.clone(),
        _ => RefreshToken::new(r.refresh_token),
    };
    TokenSet {
        open_id: r.open_id,
        access_token: AccessToken::new(r.access_token),
        expires_in: r.expires_in,
        refresh_token,
        refresh_expires_in: r.refresh_expires_in,
        scopes: r
            .scope
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_is_hex_sha256_of_the_verifier() {
        let verifier = PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        let challenge = hex_challenge(&verifier);
        assert_eq!(challenge.len(), 64);
        assert_eq!(
            challenge,
            hex::encode(Sha256::digest(
                b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
            ))
        );
    }

    #[test]
    fn empty_refresh_token_in_answer_keeps_the_stored_one() {
        let answer = TokenResponse {
            open_id: "o".into(),
            access_token: "act.new".into(),
            expires_in: 7200,
            refresh_token: String::new(),
            refresh_expires_in: 0,
            scope: "user.info.basic, video.publish".into(),
        };
        let kept = token_set(answer, Some(&RefreshToken::new("rft.old".into())));
        assert_eq!(kept.refresh_token.secret(), "rft.old");
        assert_eq!(kept.scopes, ["user.info.basic", "video.publish"]);
    }
}
