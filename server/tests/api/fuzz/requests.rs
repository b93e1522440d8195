//! Random requests shaped by the descriptor set: every field of the method's input type gets a
//! value chosen to hurt (extreme numbers and dates, ids from this and other workspaces, huge and
//! empty repeated fields, control characters, invalid UTF-8 in bytes).

use chrono::{TimeDelta, Utc};
use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, Value};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// Ids and names the generator draws from: real ones of the caller's workspace, of another
/// workspace, and made-up ones.
pub struct Pool {
    pub ids: Vec<String>,
}

const DEPTH: usize = 3;

pub fn message(rng: &mut StdRng, pool: &Pool, md: &MessageDescriptor) -> DynamicMessage {
    message_at(rng, pool, md, 0)
}

fn message_at(
    rng: &mut StdRng,
    pool: &Pool,
    md: &MessageDescriptor,
    depth: usize,
) -> DynamicMessage {
    let mut m = DynamicMessage::new(md.clone());
    if md.full_name() == "google.protobuf.Timestamp" {
        let (seconds, nanos) = timestamp(rng);
        m.set_field_by_name("seconds", Value::I64(seconds));
        m.set_field_by_name("nanos", Value::I32(nanos));
        return m;
    }
    for field in md.fields() {
        if rng.random_bool(0.2) {
            continue;
        }
        if let Some(value) = field_value(rng, pool, &field, depth) {
            m.set_field(&field, value);
        }
    }
    m
}

fn field_value(rng: &mut StdRng, pool: &Pool, f: &FieldDescriptor, depth: usize) -> Option<Value> {
    if f.is_map() {
        return None;
    }
    if f.is_list() {
        let n = match rng.random_range(0..10) {
            0 => 0,
            1 => rng.random_range(200..1200),
            _ => rng.random_range(1..4),
        };
        let one = (0..n.min(3))
            .filter_map(|_| single(rng, pool, f, depth))
            .collect::<Vec<_>>();
        let items = (0..n)
            .filter_map(|i| one.get(i % one.len().max(1)).cloned())
            .collect();
        return Some(Value::List(items));
    }
    single(rng, pool, f, depth)
}

fn single(rng: &mut StdRng, pool: &Pool, f: &FieldDescriptor, depth: usize) -> Option<Value> {
    Some(match f.kind() {
        Kind::Message(md) if depth >= DEPTH => Value::Message(DynamicMessage::new(md)),
        Kind::Message(md) => Value::Message(message_at(rng, pool, &md, depth + 1)),
        Kind::Enum(e) => {
            let known: Vec<i32> = e.values().map(|v| v.number()).collect();
            Value::EnumNumber(match rng.random_range(0..4) {
                0 => extreme_i32(rng),
                _ => *known.choose(rng).unwrap_or(&0),
            })
        }
        Kind::String => Value::String(text(rng, pool, f.name())),
        Kind::Bytes => Value::Bytes(bytes(rng).into()),
        Kind::Bool => Value::Bool(rng.random()),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(extreme_i32(rng)),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(extreme_i64(rng)),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(extreme_i64(rng) as u32),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(extreme_i64(rng) as u64),
        Kind::Float => Value::F32(*[0.0, -1.0, f32::NAN, f32::INFINITY, 1e30].choose(rng)?),
        Kind::Double => Value::F64(*[0.0, -1.0, f64::NAN, f64::NEG_INFINITY, 1e300].choose(rng)?),
    })
}

fn extreme_i32(rng: &mut StdRng) -> i32 {
    *[
        0,
        1,
        -1,
        7,
        59,
        100,
        1000,
        5000,
        i32::MAX,
        i32::MIN,
        rng.random_range(-3..300),
    ]
    .choose(rng)
    .unwrap_or(&0)
}

fn extreme_i64(rng: &mut StdRng) -> i64 {
    *[
        0,
        1,
        -1,
        4096,
        5 * 1024 * 1024,
        i64::from(u32::MAX),
        i64::MAX,
        i64::MIN,
        rng.random_range(-10..100_000),
    ]
    .choose(rng)
    .unwrap_or(&0)
}

fn timestamp(rng: &mut StdRng) -> (i64, i32) {
    let now = Utc::now();
    match rng.random_range(0..6) {
        0 => (i64::MAX, 0),
        1 => (i64::MIN, -1),
        2 => (253_402_300_800 * 100, 999_999_999),
        3 => ((now - TimeDelta::days(3650)).timestamp(), 0),
        _ => (
            (now + TimeDelta::minutes(rng.random_range(-60..60 * 24 * 60))).timestamp(),
            rng.random_range(0..1_000_000_000),
        ),
    }
}

fn text(rng: &mut StdRng, pool: &Pool, name: &str) -> String {
    if (name.ends_with("id") || name.ends_with("ids")) && rng.random_bool(0.8) {
        return pool.ids.choose(rng).cloned().unwrap_or_default();
    }
    if (name == "local" || name == "from" || name == "to") && rng.random_bool(0.8) {
        return day_text(rng);
    }
    match rng.random_range(0..9) {
        0 => String::new(),
        1 => "x".repeat(rng.random_range(100..20_000)),
        2 => "=HYPERLINK(\"http://evil\")\u{202e}\0\r\n".into(),
        3 => "Europe/Berlin".into(),
        4 => "ana@example.com".into(),
        5 => "PUBLIC_TO_EVERYONE".into(),
        6 => "🦀 #tag @name ".repeat(rng.random_range(1..400)),
        7 => pool.ids.choose(rng).cloned().unwrap_or_default(),
        _ => format!("word{}", rng.random_range(0..1000)),
    }
}

fn day_text(rng: &mut StdRng) -> String {
    let now = Utc::now();
    let day = (now + TimeDelta::days(rng.random_range(-800..800))).format("%Y-%m-%d");
    match rng.random_range(0..8) {
        0 => "+262142-12-31".into(),
        1 => "-262143-01-01T00:00".into(),
        2 => "+262142-12-31T23:59".into(),
        3 => "2026-02-30".into(),
        4 => format!("{day}T09:30"),
        5 => "9999-12-31T23:59".into(),
        _ => day.to_string(),
    }
}

fn bytes(rng: &mut StdRng) -> Vec<u8> {
    match rng.random_range(0..4) {
        0 => Vec::new(),
        1 => vec![0xff, 0xfe, 0xc3, 0x28, b'=', b'1'],
        2 => (0..rng.random_range(1..70_000))
            .map(|_| rng.random())
            .collect(),
        _ => b"account_handle,local_time,caption\n@ana,2026-12-10T09:30,=1+1\n".to_vec(),
    }
}
