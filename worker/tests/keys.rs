//! Keys that cannot open the stored tokens: the worker binary refuses to start and names the key
//! ids on both sides; a process that meets such a token while running marks the account
//! `reauth_required` with the reason instead of failing as an internal error.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod harness;

use harness::{World, sandbox_config};
use multitok_core::{Clock, Core, CoreError};
use multitok_shared::AccountStatus;
use multitok_store::Store;

/// A key of another installation, under an id of its own.
const OTHER_KEY: &str = "stranger:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8";

#[tokio::test]
async fn a_worker_without_the_sealing_key_refuses_to_start_and_names_the_ids() {
    let w = World::new(sandbox_config()).await;
    w.connect("sbx-open-ana").await;
    let keys = w.settings.media_dir.with_file_name("other-keys");
    std::fs::write(&keys, OTHER_KEY).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_multitok-worker"))
        .args(["run", "--once"])
        .env("MULTITOK_DATABASE_URL", &w.settings.database_url)
        .env("MULTITOK_MEDIA_DIR", &w.settings.media_dir)
        .env("MULTITOK_TIKTOK__TOKEN_KEYS_FILE", &keys)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "started with keys that open nothing");
    assert!(
        stderr.contains("\"k1\"") && stderr.contains("\"stranger\""),
        "{stderr}"
    );
}

#[tokio::test]
async fn an_unreadable_token_marks_the_account_for_reconnection_with_the_reason() {
    let w = World::new(sandbox_config()).await;
    let id = w.connect("sbx-open-ana").await;
    let mut settings = w.settings.clone();
    settings.tiktok.token_keys = vec![OTHER_KEY.into()];
    let store = Store::connect(&settings.database_url, 2).await.unwrap();
    let core = Core::new(store, &settings, Clock::system()).unwrap();
    let account = core
        .store
        .account(&w.workspace_id, &id)
        .await
        .unwrap()
        .unwrap();
    let sealed = account.access_token_enc.clone().unwrap();
    let err = core.open_token(&account, &sealed).await.unwrap_err();
    assert!(matches!(err, CoreError::FailedPrecondition(_)), "{err:?}");
    let after = core
        .store
        .account(&w.workspace_id, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.status, AccountStatus::ReauthRequired);
    assert!(
        after.status_reason.contains("key id k1"),
        "{}",
        after.status_reason
    );
    assert!(
        multitok_core::keys::check_sealed(&core.store, &core.sealer)
            .await
            .is_err()
    );
    assert!(w.core().await.open_token(&after, &sealed).await.is_ok());
}
