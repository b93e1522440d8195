//! The authorization matrix, generated from the descriptor set and `docs/permissions.md`: every
//! RPC is called as the workspace's owner, admin, editor and viewer, as a member of another
//! workspace, without a token, with a revoked API token and with an expired access token, each
//! its own test (`cargo test -p multitok-server --test matrix -- AnalyticsService/GetDashboard`). Requests carry the
//! workspace and well-formed unknown ids; a role without the permission must get
//! `PermissionDenied` and a stranger `NotFound` for the workspace, unless the owner's identical
//! request is itself invalid (validation before authorization reveals nothing). An RPC missing
//! from the documented table fails the run.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "api/fuzz/codec.rs"]
mod codec;
#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use libtest_mimic::{Arguments, Failed, Trial};
use multitok_proto::v1 as pb;
use multitok_shared::{Action, Role};
use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, Kind, MethodDescriptor, Value};
use tonic::Code;

use helpers::{TestApp, authed, unique_email};

/// What an RPC needs, as `docs/permissions.md` says.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Need {
    Nobody,
    SignedIn,
    Permission(Action),
}

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Member(Role),
    Stranger,
    NoToken,
    RevokedApiToken,
    ExpiredAccessToken,
}

const CALLERS: [Who; 8] = [
    Who::Member(Role::Owner),
    Who::Member(Role::Admin),
    Who::Member(Role::Editor),
    Who::Member(Role::Viewer),
    Who::Stranger,
    Who::NoToken,
    Who::RevokedApiToken,
    Who::ExpiredAccessToken,
];

/// The running server and a token per caller.
struct World {
    runtime: tokio::runtime::Runtime,
    app: TestApp,
    workspace_id: String,
    tokens: HashMap<String, Option<String>>,
    owner: helpers::TestUser,
    /// The members other than the owner, by caller, with their role.
    members: HashMap<String, (helpers::TestUser, pb::Role)>,
    /// The owner's answer per method, so that refusals can be told from invalid requests.
    owner_answers: std::sync::Mutex<HashMap<String, Code>>,
}

fn main() {
    let mut args = Arguments::from_args();
    // Trials share one server and LeaveWorkspace changes membership: one at a time.
    args.test_threads = Some(1);
    let table = documented_needs();
    let pool = DescriptorPool::decode(multitok_proto::FILE_DESCRIPTOR_SET).unwrap();
    let world: Arc<OnceLock<World>> = Arc::new(OnceLock::new());
    let mut trials = Vec::new();
    let mut methods: Vec<MethodDescriptor> = pool
        .services()
        .filter(|s| s.package_name() == "multitok.v1")
        .flat_map(|s| s.methods().collect::<Vec<_>>())
        .collect();
    methods.sort_by_key(|m| m.name() == "LeaveWorkspace");
    for method in methods {
        let key = format!("{}.{}", method.parent_service().name(), method.name());
        let need = table.get(&key).copied();
        for who in CALLERS {
            let (method, world, key) = (method.clone(), world.clone(), key.clone());
            let name = format!(
                "{}/{} as {who:?}",
                method.parent_service().name(),
                method.name()
            );
            trials.push(Trial::test(name, move || {
                let need = need
                    .ok_or_else(|| Failed::from(format!("{key} is not in docs/permissions.md")))?;
                let world = world.get_or_init(World::start);
                world.runtime.block_on(check(world, &method, need, who))
            }));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

/// The per-call table of `docs/permissions.md`: `Service.Method` → what it needs.
fn documented_needs() -> HashMap<String, Need> {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/permissions.md"
    ))
    .unwrap();
    let section = doc.split("## Per call").nth(1).expect("a per-call section");
    let mut needs = HashMap::new();
    for row in section.lines().filter(|l| l.starts_with("| `")) {
        let mut cells = row.split('|').skip(1);
        let (rpcs, need) = (cells.next().unwrap(), cells.next().unwrap());
        let need = parse_need(need).unwrap_or_else(|| panic!("unknown need in: {row}"));
        for rpc in rpcs.split(',') {
            needs.insert(rpc.trim().trim_matches('`').to_owned(), need);
        }
    }
    needs
}

fn parse_need(cell: &str) -> Option<Need> {
    let cell = cell.trim();
    if cell.starts_with("no caller") {
        return Some(Need::Nobody);
    }
    if cell.starts_with("a signed-in user") {
        return Some(Need::SignedIn);
    }
    let action = match cell.split('`').nth(1)? {
        "ViewWorkspace" => Action::ViewWorkspace,
        "EditSettings" => Action::EditSettings,
        "ManageMembers" => Action::ManageMembers,
        "ManageAccounts" => Action::ManageAccounts,
        "EditContent" => Action::EditContent,
        "ViewAnalytics" => Action::ViewAnalytics,
        _ => return None,
    };
    Some(Need::Permission(action))
}

const SIGNING_KEY: &str = "test signing key, at least 32 bytes long";

impl World {
    fn start() -> World {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (app, owner, members, tokens) = runtime.block_on(setup());
        World {
            runtime,
            app,
            workspace_id: owner.workspace_id.clone(),
            tokens,
            owner,
            members,
            owner_answers: std::sync::Mutex::default(),
        }
    }

    fn token(&self, who: Who) -> Option<String> {
        self.tokens.get(&format!("{who:?}")).cloned().flatten()
    }
}

/// A workspace with a member of every role, a stranger, and the three kinds of bad token.
#[allow(clippy::type_complexity)]
async fn setup() -> (
    TestApp,
    helpers::TestUser,
    HashMap<String, (helpers::TestUser, pb::Role)>,
    HashMap<String, Option<String>>,
) {
    let app = TestApp::spawn_with(|s| s.auth.jwt_secret = SIGNING_KEY.into()).await;
    let owner = app.register(&unique_email("owner")).await;
    let ws = owner.workspace_id.clone();
    let mut tokens = HashMap::new();
    let mut members = HashMap::new();
    tokens.insert(
        format!("{:?}", Who::Member(Role::Owner)),
        Some(owner.access_token.clone()),
    );
    for (role, pb_role) in [
        (Role::Admin, pb::Role::Admin),
        (Role::Editor, pb::Role::Editor),
        (Role::Viewer, pb::Role::Viewer),
    ] {
        let user = app
            .register(&unique_email(&format!("{role:?}").to_lowercase()))
            .await;
        app.add(&owner, &ws, &user, pb_role).await;
        tokens.insert(
            format!("{:?}", Who::Member(role)),
            Some(user.access_token.clone()),
        );
        members.insert(format!("{:?}", Who::Member(role)), (user, pb_role));
    }
    let stranger = app.register(&unique_email("stranger")).await;
    tokens.insert(format!("{:?}", Who::Stranger), Some(stranger.access_token));
    tokens.insert(format!("{:?}", Who::NoToken), None);
    tokens.insert(
        format!("{:?}", Who::RevokedApiToken),
        Some(revoked_api_token(&app, &owner).await),
    );
    tokens.insert(
        format!("{:?}", Who::ExpiredAccessToken),
        Some(expired_access_token(&owner.id)),
    );
    (app, owner, members, tokens)
}

async fn revoked_api_token(app: &TestApp, owner: &helpers::TestUser) -> String {
    let mut auth = app.auth();
    let created = auth
        .create_api_token(authed(
            &owner.access_token,
            pb::CreateApiTokenRequest {
                name: "script".into(),
                expires_in_days: 30,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    auth.revoke_api_token(authed(
        &owner.access_token,
        pb::RevokeApiTokenRequest {
            id: created.token.unwrap().id,
        },
    ))
    .await
    .unwrap();
    created.secret
}

/// A correctly signed access token that expired half an hour ago.
fn expired_access_token(user_id: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "sub": user_id, "iat": now - 3600, "exp": now - 1800, "iss": "multitok",
    });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SIGNING_KEY.as_bytes()),
    )
    .unwrap()
}

/// The method's request: the workspace, a well-formed unknown id in every other id field, and
/// valid values where a field's name or type says what it takes.
fn request_for(method: &MethodDescriptor, workspace_id: &str) -> Vec<u8> {
    let mut m = DynamicMessage::new(method.input());
    for field in method.input().fields() {
        if let Some(value) = typed_value(&field) {
            m.set_field(&field, value);
        }
        if field.kind() != Kind::String {
            continue;
        }
        let id = || Value::String(uuid::Uuid::new_v4().to_string());
        if field.name() == "workspace_id" {
            m.set_field(&field, Value::String(workspace_id.to_owned()));
        } else if field.is_list() && field.name().ends_with("_ids") {
            m.set_field(&field, Value::List(vec![id()]));
        } else if !field.is_list() && field.name().ends_with("id") {
            m.set_field(&field, id());
        } else if let Some(text) = plausible(field.name()) {
            m.set_field(&field, Value::String(text.to_owned()));
        }
    }
    m.encode_to_vec()
}

/// Enums take their last value (the least privileged role), counts one, day ranges the last
/// week, times the next week.
fn typed_value(field: &prost_reflect::FieldDescriptor) -> Option<Value> {
    let now = chrono::Utc::now();
    let value = match field.kind() {
        Kind::Enum(e) => Value::EnumNumber(e.values().map(|v| v.number()).max().unwrap_or(0)),
        Kind::Bool if field.name() == "now" => Value::Bool(true),
        Kind::Uint32 | Kind::Uint64 if field.name() == "count" => Value::U32(1),
        Kind::Uint64 if field.name() == "size_bytes" => Value::U64(1000),
        Kind::Message(md) if md.full_name() == "google.protobuf.Timestamp" => {
            let at = if field.name() == "to" {
                now + chrono::TimeDelta::days(7)
            } else {
                now
            };
            let mut t = DynamicMessage::new(md);
            t.set_field_by_name("seconds", Value::I64(at.timestamp()));
            Value::Message(t)
        }
        Kind::Message(md) if md.name() == "DateRange" => {
            let mut r = DynamicMessage::new(md);
            let day =
                |d: chrono::DateTime<chrono::Utc>| Value::String(d.format("%Y-%m-%d").to_string());
            r.set_field_by_name("from", day(now - chrono::TimeDelta::days(7)));
            r.set_field_by_name("to", day(now));
            Value::Message(r)
        }
        _ => return None,
    };
    Some(if field.is_list() {
        Value::List(vec![value])
    } else {
        value
    })
}

/// A valid value for the text fields most requests have, so that they reach authorization.
fn plausible(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" | "display_name" => "matrix.mp4",
        "sha256" => "0000000000000000000000000000000000000000000000000000000000000000",
        "time_zone" => "Europe/Berlin",
        "email" => "someone@example.com",
        "caption" => "A caption",
        "password" => "correct horse battery",
        _ => return None,
    })
}

/// The answer's code and message.
async fn call(w: &World, method: &MethodDescriptor, token: Option<&str>) -> (Code, String) {
    let request = request_for(method, &w.workspace_id);
    match codec::call_raw(&w.app.channel, method, request, token).await {
        Ok(()) => (Code::Ok, String::new()),
        Err(s) => (s.code(), s.message().to_owned()),
    }
}

async fn owner_answer(w: &World, method: &MethodDescriptor) -> Code {
    let key = method.full_name().to_owned();
    if let Some(code) = w.owner_answers.lock().unwrap().get(&key) {
        return *code;
    }
    let (code, _) = call(w, method, w.token(Who::Member(Role::Owner)).as_deref()).await;
    w.owner_answers.lock().unwrap().insert(key, code);
    code
}

async fn check(w: &World, method: &MethodDescriptor, need: Need, who: Who) -> Result<(), Failed> {
    let (code, message) = call(w, method, w.token(who).as_deref()).await;
    if method.name() == "LeaveWorkspace" && code == Code::Ok {
        rejoin(w, who).await;
    }
    let fail = |expected: &str| {
        Err(Failed::from(format!(
            "expected {expected}, got {code:?}: {message}"
        )))
    };
    if matches!(code, Code::Internal | Code::Unknown) {
        return fail("a deliberate answer");
    }
    let anonymous = matches!(
        who,
        Who::NoToken | Who::RevokedApiToken | Who::ExpiredAccessToken
    );
    let workspace_unknown = code == Code::NotFound && message == "workspace not found";
    match (need, who) {
        (Need::Nobody, _) => Ok(()),
        (_, _) if anonymous => {
            if code == Code::Unauthenticated {
                Ok(())
            } else {
                fail("Unauthenticated")
            }
        }
        (Need::SignedIn, _) => {
            if matches!(code, Code::Unauthenticated | Code::PermissionDenied) {
                fail("an answer for any signed-in user")
            } else {
                Ok(())
            }
        }
        (Need::Permission(a), Who::Member(role)) if role.allows(a) => {
            if matches!(code, Code::Unauthenticated | Code::PermissionDenied) || workspace_unknown {
                fail("the call to be allowed")
            } else {
                Ok(())
            }
        }
        (Need::Permission(_), Who::Member(_)) => {
            let invalid_anyway = owner_answer(w, method).await == Code::InvalidArgument;
            if code == Code::PermissionDenied || (invalid_anyway && code == Code::InvalidArgument) {
                Ok(())
            } else {
                fail("PermissionDenied")
            }
        }
        (Need::Permission(_), _) => {
            let invalid_anyway = owner_answer(w, method).await == Code::InvalidArgument;
            if workspace_unknown || (invalid_anyway && code == Code::InvalidArgument) {
                Ok(())
            } else {
                fail("NotFound (workspace)")
            }
        }
    }
}

/// Puts a member who just left back, with their role.
async fn rejoin(w: &World, who: Who) {
    if let Some((user, role)) = w.members.get(&format!("{who:?}")) {
        w.app.add(&w.owner, &w.workspace_id, user, *role).await;
    }
}
