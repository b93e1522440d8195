//! Export of analytics rows as CSV or as one JSON array, produced page by page into a channel so
//! that a large range streams in bounded memory.

use chrono::{DateTime, NaiveDate, Utc};
use multitok_shared::analytics::engagement_rate;
use multitok_shared::spreadsheet::text_cell;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tracing::Instrument;

use super::input::DayRange;
use super::{Scope, scope};
use crate::service::Services;
use crate::service::access::{Access, View};
use multitok_core::CoreError;

const PAGE: u64 = 1000;
const CHUNK_BYTES: usize = 64 * 1024;

/// Which rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    AccountDays,
    Videos,
}

/// How they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

/// A running export: its name, content type and its chunks.
#[derive(Debug)]
pub struct Export {
    pub file_name: String,
    pub content_type: &'static str,
    pub chunks: mpsc::Receiver<Result<Vec<u8>, CoreError>>,
}

const DAY_COLUMNS: [&str; 8] = [
    "account_id",
    "account_name",
    "day",
    "followers",
    "following",
    "likes",
    "videos",
    "views",
];
const VIDEO_COLUMNS: [&str; 11] = [
    "account_id",
    "account_name",
    "video_id",
    "title",
    "posted_at",
    "views",
    "likes",
    "comments",
    "shares",
    "engagement_rate",
    "viral_score",
];

/// Writes rows in one format, cutting the output into chunks. CSV goes through the `csv`
/// crate (quoting) and `spreadsheet::text_cell` (no cell runs as a formula).
struct Writer {
    format: ExportFormat,
    columns: &'static [&'static str],
    buf: Vec<u8>,
    rows: u64,
    tx: mpsc::Sender<Result<Vec<u8>, CoreError>>,
}

impl Writer {
    fn new(
        format: ExportFormat,
        columns: &'static [&'static str],
        tx: mpsc::Sender<Result<Vec<u8>, CoreError>>,
    ) -> Writer {
        Writer {
            format,
            columns,
            buf: Vec::new(),
            rows: 0,
            tx,
        }
    }

    fn start(&mut self) {
        match self.format {
            ExportFormat::Csv => self.csv_record(self.columns.iter().map(|c| (*c).to_owned())),
            ExportFormat::Json => self.buf.push(b'['),
        }
    }

    /// Appends one CSV record to the buffer (writing to memory cannot fail).
    fn csv_record(&mut self, cells: impl IntoIterator<Item = String>) {
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(1024)
            .from_writer(&mut self.buf);
        let _ = csv.write_record(cells);
        let _ = csv.flush();
    }

    /// False when the receiver went away.
    async fn row(&mut self, values: Vec<Value>) -> bool {
        match self.format {
            ExportFormat::Csv => self.csv_record(values.iter().map(csv_cell)),
            ExportFormat::Json => {
                if self.rows > 0 {
                    self.buf.push(b',');
                }
                let object: serde_json::Map<String, Value> = self
                    .columns
                    .iter()
                    .map(|c| (*c).to_owned())
                    .zip(values)
                    .collect();
                self.buf
                    .extend(Value::Object(object).to_string().as_bytes());
            }
        }
        self.rows += 1;
        if self.buf.len() >= CHUNK_BYTES {
            return self
                .tx
                .send(Ok(std::mem::take(&mut self.buf)))
                .await
                .is_ok();
        }
        true
    }

    async fn finish(mut self) {
        if self.format == ExportFormat::Json {
            self.buf.push(b']');
        }
        if !self.buf.is_empty() {
            let _ = self.tx.send(Ok(self.buf)).await;
        }
    }
}

/// A value as a CSV cell: text that a spreadsheet would run is neutralized, numbers are as
/// they are.
fn csv_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => text_cell(s).into_owned(),
        other => other.to_string(),
    }
}

/// Exports of the stored history.
pub trait ExportReads {
    fn export(
        &self,
        s: &Services,
        account_id: &str,
        dataset: Dataset,
        format: ExportFormat,
        range: DayRange,
    ) -> impl Future<Output = Result<Export, CoreError>> + Send;
}

impl ExportReads for Access<View> {
    /// Starts exporting the dataset of the account (or the workspace) over the range.
    async fn export(
        &self,
        s: &Services,
        account_id: &str,
        dataset: Dataset,
        format: ExportFormat,
        range: DayRange,
    ) -> Result<Export, CoreError> {
        let scope = scope(self, s, account_id).await?;
        let (tx, rx) = mpsc::channel(4);
        let (name, columns): (&str, &'static [&'static str]) = match dataset {
            Dataset::AccountDays => ("account-days", &DAY_COLUMNS),
            Dataset::Videos => ("videos", &VIDEO_COLUMNS),
        };
        let (ext, content_type) = match format {
            ExportFormat::Csv => ("csv", "text/csv"),
            ExportFormat::Json => ("json", "application/json"),
        };
        let file_name = format!("multitok-{name}-{}-{}.{ext}", range.from, range.to);
        let mut w = Writer::new(format, columns, tx.clone());
        let s = s.clone();
        tokio::spawn(
            async move {
                w.start();
                let done = match dataset {
                    Dataset::AccountDays => days(&s, &scope, range, &mut w).await,
                    Dataset::Videos => videos(&s, &scope, range, &mut w).await,
                };
                match done {
                    Ok(()) => w.finish().await,
                    Err(e) => {
                        let _ = tx.send(Err(e)).await;
                    }
                }
            }
            .instrument(tracing::Span::current()),
        );
        Ok(Export {
            file_name,
            content_type,
            chunks: rx,
        })
    }
}

async fn days(
    s: &Services,
    scope: &Scope,
    range: DayRange,
    w: &mut Writer,
) -> Result<(), CoreError> {
    let ids = scope.ids();
    let mut after: Option<(String, NaiveDate)> = None;
    loop {
        let page = s
            .store
            .account_days(
                &ids,
                range.from,
                range.to,
                after.as_ref().map(|(a, d)| (a.as_str(), *d)),
                Some(PAGE),
            )
            .await?;
        for d in &page {
            let row = vec![
                json!(d.account_id),
                json!(scope.name_of(&d.account_id)),
                json!(d.day.to_string()),
                json!(d.follower_count),
                json!(d.following_count),
                json!(d.likes_count),
                json!(d.video_count),
                json!(d.view_count),
            ];
            if !w.row(row).await {
                return Ok(());
            }
        }
        match page.last() {
            Some(last) if page.len() as u64 == PAGE => {
                after = Some((last.account_id.clone(), last.day))
            }
            _ => return Ok(()),
        }
    }
}

async fn videos(
    s: &Services,
    scope: &Scope,
    range: DayRange,
    w: &mut Writer,
) -> Result<(), CoreError> {
    let ids = scope.ids();
    let (from, to) = range.instants();
    let mut after: Option<(DateTime<Utc>, String)> = None;
    loop {
        let page = s
            .store
            .videos_posted(
                &ids,
                from,
                to,
                after.as_ref().map(|(t, i)| (*t, i.as_str())),
                Some(PAGE),
            )
            .await?;
        for v in &page {
            let row = vec![
                json!(v.account_id),
                json!(scope.name_of(&v.account_id)),
                json!(v.video_id),
                json!(v.title),
                json!(v.posted_at.to_rfc3339()),
                json!(v.view_count),
                json!(v.like_count),
                json!(v.comment_count),
                json!(v.share_count),
                json!(engagement_rate(
                    v.like_count,
                    v.comment_count,
                    v.share_count,
                    v.view_count
                )),
                json!(v.viral_score),
            ];
            if !w.row(row).await {
                return Ok(());
            }
        }
        match page.last() {
            Some(last) if page.len() as u64 == PAGE => {
                after = Some((last.posted_at, last.id.clone()))
            }
            _ => return Ok(()),
        }
    }
}
