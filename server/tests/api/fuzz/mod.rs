//! The fuzz harness over every RPC: for each method in the descriptor set, requests generated
//! from its input type (see `requests`) go through a real server on the test database, signed in as
//! the workspace's owner, as a stranger, or not at all. Every answer must be a deliberate one: no
//! panic, no `Internal` or `Unknown`, no broken stream, the server still healthy, and no row
//! written by a call that was refused. `FUZZ_CASES` sets the cases per method (12 by default;
//! `cargo xtask fuzz` runs many more) and `FUZZ_SEED` replays a run.

mod codec;
mod requests;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use prost::Message as _;
use prost_reflect::{DescriptorPool, MethodDescriptor, ServiceDescriptor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tonic::Code;

use crate::helpers::{TestUser, unique_email};
use crate::posts::{Posts, posts_world, target};
use requests::Pool;

/// Methods whose success ends the caller's session or workspace run after the others.
const LAST: [&str; 6] = [
    "Delete",
    "Remove",
    "Revoke",
    "Disconnect",
    "Logout",
    "Leave",
];

struct Target {
    p: Posts,
    stranger: TestUser,
    store: multitok_store::Store,
    pool: Pool,
}

#[derive(Default)]
struct Tally {
    calls: usize,
    codes: BTreeMap<String, usize>,
    failures: Vec<String>,
}

#[tokio::test]
async fn every_rpc_answers_hostile_requests_deliberately() {
    let cases: usize = env_or("FUZZ_CASES", 12);
    let seed: u64 = env_or("FUZZ_SEED", rand::random());
    println!("fuzz: {cases} cases per method, FUZZ_SEED={seed}");
    let panics = count_product_panics();
    let pool = DescriptorPool::decode(multitok_proto::FILE_DESCRIPTOR_SET).unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tally = Tally::default();
    let started = Instant::now();
    for service in pool
        .services()
        .filter(|s| s.package_name() == "multitok.v1")
    {
        let t = target_world().await;
        for method in ordered(&service) {
            for case in 0..cases {
                fuzz_one(&t, &method, &mut rng, &mut tally, case).await;
            }
        }
        healthy(&t).await;
    }
    println!(
        "fuzz: {} calls in {:.1} s, answers {:?}",
        tally.calls,
        started.elapsed().as_secs_f64(),
        tally.codes
    );
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
    assert_eq!(
        panics.load(Ordering::SeqCst),
        0,
        "a handler panicked (see the log)"
    );
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Counts panics on this test's thread (where its current-thread runtime runs the server) and
/// panics anywhere outside test code (blocking tasks run on tokio's threads); other tests'
/// failed assertions are not counted.
fn count_product_panics() -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let name = std::thread::current().name().map(str::to_owned);
    let seen = count.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let here = std::thread::current().name().map(str::to_owned) == name;
        let in_tests = info.location().is_some_and(|l| l.file().contains("tests/"));
        if here || !in_tests {
            seen.fetch_add(1, Ordering::SeqCst);
        }
        previous(info);
    }));
    count
}

fn ordered(service: &ServiceDescriptor) -> Vec<MethodDescriptor> {
    let mut methods: Vec<MethodDescriptor> = service.methods().collect();
    methods.sort_by_key(|m| LAST.iter().any(|p| m.name().starts_with(p)));
    methods
}

/// A workspace with two accounts, a video and a scheduled post, and a stranger with their own.
async fn target_world() -> Target {
    let p = posts_world().await;
    let stranger = p.w.app.register(&unique_email("eve")).await;
    let local = (chrono::Utc::now() + chrono::TimeDelta::days(2)).format("%Y-%m-%dT09:30");
    let post = p
        .schedule(p.request(vec![target(&p.ana, "SELF_ONLY")], &local.to_string()))
        .await
        .unwrap();
    let store = multitok_store::Store::connect(&p.w.app.database_url, 1)
        .await
        .unwrap();
    let mut ids = vec![
        p.w.owner.workspace_id.clone(),
        p.w.owner.id.clone(),
        p.ana.clone(),
        p.ben.clone(),
        p.media.id.clone(),
        post.id.clone(),
        stranger.workspace_id.clone(),
        stranger.id.clone(),
        uuid::Uuid::new_v4().to_string(),
        "../../etc/passwd".into(),
    ];
    ids.extend(post.targets.iter().map(|t| t.id.clone()));
    Target {
        p,
        stranger,
        store,
        pool: Pool { ids },
    }
}

async fn fuzz_one(
    t: &Target,
    method: &MethodDescriptor,
    rng: &mut StdRng,
    tally: &mut Tally,
    case: usize,
) {
    let message = requests::message(rng, &t.pool, &method.input()).encode_to_vec();
    let token = match rng.random_range(0..20) {
        0 => None,
        1 => Some(t.stranger.access_token.clone()),
        2 => Some("not.a.token".to_owned()),
        _ => Some(t.p.w.owner.access_token.clone()),
    };
    let before = t.store.row_counts().await.unwrap();
    let answer = codec::call_raw(&t.p.w.app.channel, method, message, token.as_deref()).await;
    tally.calls += 1;
    let name = format!(
        "{}/{} case {case}",
        method.parent_service().name(),
        method.name()
    );
    let code = match answer {
        Ok(()) => "Ok".to_owned(),
        Err(status) => {
            if matches!(status.code(), Code::Internal | Code::Unknown) {
                tally.failures.push(format!("{name}: {status:?}"));
            }
            let after = t.store.row_counts().await.unwrap();
            if after != before {
                tally.failures.push(format!(
                    "{name}: refused ({:?}) but wrote: {}",
                    status.code(),
                    diff(&before, &after)
                ));
            }
            format!("{:?}", status.code())
        }
    };
    *tally.codes.entry(code).or_default() += 1;
}

fn diff(before: &[(String, i64)], after: &[(String, i64)]) -> String {
    after
        .iter()
        .filter(|row| !before.contains(row))
        .map(|(table, n)| format!("{table}={n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn healthy(t: &Target) {
    let mut health = tonic_health::pb::health_client::HealthClient::new(t.p.w.app.channel.clone());
    let status = health
        .check(tonic_health::pb::HealthCheckRequest::default())
        .await
        .expect("the server still answers its health check")
        .into_inner()
        .status;
    assert_eq!(
        status,
        i32::from(tonic_health::pb::health_check_response::ServingStatus::Serving)
    );
}
