//! Bulk scheduling from a CSV file: parses and checks every row on its own terms (columns,
//! booleans, times), reporting each problem as `rows[N].column` with N counting data rows from 1.
//! Rules that need the accounts (creator info, quotas) are checked by the server afterwards.

use chrono::NaiveDateTime;

use crate::post_rules::TargetSettings;
use crate::schedule::parse_local;
use crate::validate::Violations;

/// The columns a file may have; `account`, `media_id` and `local_time` are required.
pub const COLUMNS: &[&str] = &[
    "account",
    "media_id",
    "local_time",
    "time_zone",
    "caption",
    "privacy_level",
    "allow_comment",
    "allow_duet",
    "allow_stitch",
    "brand_organic",
    "branded_content",
    "ai_generated",
    "inbox_draft",
    "cover_frame_ms",
];
const REQUIRED: &[&str] = &["account", "media_id", "local_time"];
/// More rows than this are refused; split the file.
pub const MAX_ROWS: usize = 1000;

/// One row: one post for one account.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// Account id, or the TikTok username with or without `@`.
    pub account: String,
    pub media_id: String,
    pub local_time: NaiveDateTime,
    /// Empty means the workspace's time zone.
    pub time_zone: String,
    pub caption: String,
    pub settings: TargetSettings,
}

/// The field name of a column in a row, as reported in violations.
pub fn row_field(row: usize, column: &str) -> String {
    format!("rows[{row}].{column}")
}

fn flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" => Some(false),
        "true" | "yes" | "1" => Some(true),
        _ => None,
    }
}

/// Parses the whole file; either every row or every problem.
pub fn parse(data: &[u8]) -> Result<Vec<ImportRow>, Violations> {
    let mut v = Violations::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(data);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_ascii_lowercase).collect(),
        Err(_) => return Err(Violations::one("csv", "is not a readable CSV file")),
    };
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            v.add("csv", format!("has an unknown column `{h}`"));
        }
    }
    for r in REQUIRED {
        if !headers.iter().any(|h| h == r) {
            v.add("csv", format!("needs a `{r}` column"));
        }
    }
    if !v.is_empty() {
        return Err(v);
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let n = index + 1;
        if n > MAX_ROWS {
            return Err(Violations::one(
                "csv",
                format!("has more than {MAX_ROWS} rows; split it"),
            ));
        }
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                v.add(&row_field(n, "csv"), "is not a well-formed CSV row");
                continue;
            }
        };
        let get = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_owned()
        };
        let mut bool_of = |name: &str| {
            flag(&get(name)).unwrap_or_else(|| {
                v.add(&row_field(n, name), "must be true or false");
                false
            })
        };
        let settings = TargetSettings {
            privacy_level: get("privacy_level"),
            allow_comment: bool_of("allow_comment"),
            allow_duet: bool_of("allow_duet"),
            allow_stitch: bool_of("allow_stitch"),
            brand_organic: bool_of("brand_organic"),
            branded_content: bool_of("branded_content"),
            ai_generated: bool_of("ai_generated"),
            inbox_draft: bool_of("inbox_draft"),
            cover_frame_ms: 0,
        };
        let cover = get("cover_frame_ms");
        let cover_frame_ms = if cover.is_empty() {
            0
        } else {
            cover.parse().unwrap_or_else(|_| {
                v.add(
                    &row_field(n, "cover_frame_ms"),
                    "must be a whole number of milliseconds",
                );
                0
            })
        };
        for r in ["account", "media_id"] {
            if get(r).is_empty() {
                v.add(&row_field(n, r), "is required");
            }
        }
        let local_time = parse_local(&get("local_time"));
        if local_time.is_none() {
            v.add(
                &row_field(n, "local_time"),
                "must look like 2026-03-29 09:30",
            );
        }
        if let Some(local_time) = local_time {
            rows.push(ImportRow {
                account: get("account").trim_start_matches('@').to_owned(),
                media_id: get("media_id"),
                local_time,
                time_zone: get("time_zone"),
                caption: get("caption"),
                settings: TargetSettings {
                    cover_frame_ms,
                    ..settings
                },
            });
        }
    }
    if rows.is_empty() && v.is_empty() {
        v.add("csv", "has no rows");
    }
    v.into_result().map(|()| rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any bytes, and rows built from hostile cells, are parsed or refused, never a panic.
        #[test]
        fn any_file_is_parsed_or_refused(
            raw in proptest::collection::vec(any::<u8>(), 0..512),
            cells in proptest::collection::vec("[=+@,\"\n\\x00-\\x7f\\u{202e}é]{0,12}", 0..40),
        ) {
            let _ = parse(&raw);
            let mut file = b"account,media_id,local_time,time_zone,caption,privacy_level\n".to_vec();
            for row in cells.chunks(6) {
                file.extend(row.join(",").as_bytes());
                file.push(b'\n');
            }
            let _ = parse(&file);
        }
    }

    fn fields(r: Result<Vec<ImportRow>, Violations>) -> Vec<String> {
        r.err()
            .map(|v| v.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_good_file_gives_one_row_per_line() {
        let file = "account,media_id,local_time,privacy_level,allow_comment,caption\n\
                    @ana,m1,2026-03-29 09:30,PUBLIC_TO_EVERYONE,yes,\"Hello, world\"\n\
                    ben,m2,2026-03-30T10:00,SELF_ONLY,,\n";
        let rows = parse(file.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].account, "ana");
        assert_eq!(rows[0].caption, "Hello, world");
        assert!(rows[0].settings.allow_comment);
        assert!(!rows[1].settings.allow_comment);
        assert_eq!(rows[1].settings.privacy_level, "SELF_ONLY");
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_row() {
        let file = "account,media_id,local_time,allow_duet\n\
                    ana,m1,2026-03-29 09:30,\n\
                    ,m1,soon,maybe\n";
        assert_eq!(
            fields(parse(file.as_bytes())),
            [
                "rows[2].allow_duet",
                "rows[2].account",
                "rows[2].local_time"
            ]
        );
    }

    #[test]
    fn unknown_or_missing_columns_refuse_the_file() {
        assert_eq!(
            fields(parse(b"account,media,local_time\na,b,2026-01-01 10:00\n")),
            ["csv", "csv"]
        );
        assert_eq!(fields(parse(b"account,media_id,local_time\n")), ["csv"]);
    }
}
