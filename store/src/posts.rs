//! Posts and their targets. Scheduling writes a post, its targets and their first events in one
//! transaction. Moving and cancelling change only targets still `scheduled`, in one update
//! conditioned on that state; moving also drops any worker's claim on them, so a worker's claim
//! and a person's change never both win.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use multitok_shared::TargetState;
use multitok_shared::post_rules::TargetSettings;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};

use crate::entity::{post, post_target, publish_event};
use crate::{Store, StoreError, Work, new_id};

pub use crate::calendar::CalendarEntry;
pub use crate::model::{Event, Post, Target};

/// A post to schedule, with one target per account.
#[derive(Debug, Clone)]
pub struct NewPost {
    pub workspace_id: String,
    pub author_id: String,
    pub caption: String,
    pub media_id: String,
    pub scheduled_at: DateTime<Utc>,
    pub time_zone: String,
    pub targets: Vec<NewTarget>,
    /// W3C trace context of the scheduling call, kept with each target.
    pub traceparent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewTarget {
    pub account_id: String,
    pub caption: Option<String>,
    pub settings: TargetSettings,
}

/// A post with its targets.
#[derive(Debug, Clone)]
pub struct PostWithTargets {
    pub post: Post,
    pub targets: Vec<Target>,
}

fn target_row(post: &Post, t: NewTarget, trace: Option<String>, now: DateTime<Utc>) -> Target {
    let s = t.settings;
    Target {
        id: new_id(),
        post_id: post.id.clone(),
        workspace_id: post.workspace_id.clone(),
        account_id: t.account_id,
        caption: t.caption,
        privacy_level: s.privacy_level,
        allow_comment: s.allow_comment,
        allow_duet: s.allow_duet,
        allow_stitch: s.allow_stitch,
        brand_organic: s.brand_organic,
        branded_content: s.branded_content,
        ai_generated: s.ai_generated,
        cover_frame_ms: i32::try_from(s.cover_frame_ms).unwrap_or(i32::MAX),
        inbox_draft: s.inbox_draft,
        state: TargetState::Scheduled,
        scheduled_at: post.scheduled_at,
        attempts: 0,
        next_attempt_at: Some(post.scheduled_at),
        claim_owner: None,
        lease_expires_at: None,
        publish_id: None,
        video_id: None,
        failure_reason: String::new(),
        updated_at: now,
        init_sent_at: None,
        upload_url_enc: None,
        traceparent: trace,
    }
}

async fn insert_one(
    work: &Work,
    new: NewPost,
    now: DateTime<Utc>,
) -> Result<PostWithTargets, StoreError> {
    let txn = work.txn();
    let post = Post {
        id: new_id(),
        workspace_id: new.workspace_id,
        author_id: new.author_id,
        caption: new.caption,
        media_id: new.media_id,
        scheduled_at: new.scheduled_at,
        time_zone: new.time_zone,
        created_at: now,
    };
    post::Entity::insert(post::ActiveModel::from(post.clone()))
        .exec_without_returning(txn)
        .await?;
    let mut targets = Vec::with_capacity(new.targets.len());
    for t in new.targets {
        let row = target_row(&post, t, new.traceparent.clone(), now);
        crate::targets::insert(work, &row, now).await?;
        targets.push(row);
    }
    Ok(PostWithTargets { post, targets })
}

impl Store {
    /// Stores every post with its targets, or none of them.
    pub async fn insert_posts(
        &self,
        posts: Vec<NewPost>,
        now: DateTime<Utc>,
    ) -> Result<Vec<PostWithTargets>, StoreError> {
        let work = self.begin_work().await?;
        let stored = self.insert_posts_in(&work, posts, now).await?;
        work.commit().await?;
        Ok(stored)
    }

    /// [`Store::insert_posts`] within the caller's unit of work.
    #[tracing::instrument(name = "store.insert_posts_in", skip_all)]
    pub async fn insert_posts_in(
        &self,
        work: &Work,
        posts: Vec<NewPost>,
        now: DateTime<Utc>,
    ) -> Result<Vec<PostWithTargets>, StoreError> {
        let mut stored = Vec::with_capacity(posts.len());
        for new in posts {
            stored.push(insert_one(work, new, now).await?);
        }
        work.notify_due();
        Ok(stored)
    }

    /// The post alone (without its targets) if it belongs to the workspace.
    pub async fn post_row(&self, workspace_id: &str, id: &str) -> Result<Option<Post>, StoreError> {
        crate::rows::one(
            post::Entity::find_by_id(id.to_owned())
                .filter(post::Column::WorkspaceId.eq(workspace_id))
                .one(&self.db)
                .await?,
        )
    }

    /// The post if it belongs to the workspace, with its targets.
    #[tracing::instrument(name = "store.post", skip_all)]
    pub async fn post(
        &self,
        workspace_id: &str,
        id: &str,
    ) -> Result<Option<PostWithTargets>, StoreError> {
        let Some(post) = self.post_row(workspace_id, id).await? else {
            return Ok(None);
        };
        let targets = self.targets_of(&post.id).await?;
        Ok(Some(PostWithTargets { post, targets }))
    }

    #[tracing::instrument(name = "store.target", skip_all)]
    pub async fn target(&self, id: &str) -> Result<Option<Target>, StoreError> {
        crate::rows::one(
            post_target::Entity::find_by_id(id.to_owned())
                .one(&self.db)
                .await?,
        )
    }

    pub async fn targets_of(&self, post_id: &str) -> Result<Vec<Target>, StoreError> {
        crate::rows::all(
            post_target::Entity::find()
                .filter(post_target::Column::PostId.eq(post_id))
                .order_by_asc(post_target::Column::Id)
                .all(&self.db)
                .await?,
        )
    }

    /// Times of the accounts' targets that use a posting slot, in `[from, to)`, except those of
    /// `except_post`: the input of the quota check.
    pub async fn planned_times(
        &self,
        account_ids: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        except_post: Option<&str>,
    ) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
        let mut query = post_target::Entity::find()
            .select_only()
            .column(post_target::Column::AccountId)
            .column(post_target::Column::ScheduledAt)
            .filter(post_target::Column::AccountId.is_in(account_ids.iter().cloned()))
            .filter(post_target::Column::ScheduledAt.gte(from))
            .filter(post_target::Column::ScheduledAt.lt(to))
            .filter(post_target::Column::State.is_in(TargetState::quota_states()));
        if let Some(post_id) = except_post {
            query = query.filter(post_target::Column::PostId.ne(post_id));
        }
        Ok(query.into_tuple().all(&self.db).await?)
    }

    /// Moves the post's waiting targets (and the post) to `at`; answers how many moved. Nothing
    /// changes when none is waiting.
    pub async fn move_waiting(
        &self,
        post_id: &str,
        at: DateTime<Utc>,
        time_zone: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let work = self.begin_work().await?;
        let moved = self
            .move_waiting_in(&work, post_id, at, time_zone, detail, now)
            .await?;
        work.commit().await?;
        Ok(moved)
    }

    /// [`Store::move_waiting`] within the caller's unit of work.
    pub async fn move_waiting_in(
        &self,
        work: &Work,
        post_id: &str,
        at: DateTime<Utc>,
        time_zone: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let txn = work.txn();
        let moved = crate::targets::move_waiting(work, post_id, at, detail, now).await?;
        if moved == 0 {
            return Ok(0);
        }
        post::Entity::update_many()
            .col_expr(post::Column::ScheduledAt, Expr::value(at))
            .col_expr(post::Column::TimeZone, Expr::value(time_zone))
            .filter(post::Column::Id.eq(post_id))
            .exec(txn)
            .await?;
        work.notify_due();
        Ok(moved)
    }

    /// Cancels the post's waiting targets (or just `target_id`); answers how many.
    pub async fn cancel_waiting(
        &self,
        post_id: &str,
        target_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let work = self.begin_work().await?;
        let cancelled = self
            .cancel_waiting_in(&work, post_id, target_id, now)
            .await?;
        work.commit().await?;
        Ok(cancelled)
    }

    /// [`Store::cancel_waiting`] within the caller's unit of work.
    pub async fn cancel_waiting_in(
        &self,
        work: &Work,
        post_id: &str,
        target_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        crate::targets::cancel_waiting(work, post_id, target_id, now).await
    }

    /// Every event of the post's targets, oldest first.
    pub async fn history(&self, post_id: &str) -> Result<Vec<Event>, StoreError> {
        crate::rows::all(
            publish_event::Entity::find()
                .join(
                    JoinType::InnerJoin,
                    publish_event::Relation::PostTarget.def(),
                )
                .filter(post_target::Column::PostId.eq(post_id))
                .order_by_asc(publish_event::Column::Id)
                .all(&self.db)
                .await?,
        )
    }

    /// Whether a post that still needs the video uses it.
    pub async fn media_in_use(&self, media_id: &str) -> Result<bool, StoreError> {
        let n = post_target::Entity::find()
            .join(JoinType::InnerJoin, post_target::Relation::Post.def())
            .filter(post::Column::MediaId.eq(media_id))
            .filter(post_target::Column::State.is_in(TargetState::media_states()))
            .count(&self.db)
            .await?;
        Ok(n > 0)
    }

    /// Per account of the workspace, how many targets TikTok initialized since `since`.
    pub async fn initialized_since(
        &self,
        workspace_id: &str,
        since: DateTime<Utc>,
    ) -> Result<HashMap<String, u32>, StoreError> {
        let rows: Vec<(String, i64)> = publish_event::Entity::find()
            .select_only()
            .column(post_target::Column::AccountId)
            .column_as(publish_event::Column::Id.count(), "n")
            .join(
                JoinType::InnerJoin,
                publish_event::Relation::PostTarget.def(),
            )
            .filter(post_target::Column::WorkspaceId.eq(workspace_id))
            .filter(publish_event::Column::ToState.eq(TargetState::Initialized.as_str()))
            .filter(publish_event::Column::At.gte(since))
            .group_by(post_target::Column::AccountId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(account, n)| (account, u32::try_from(n).unwrap_or(u32::MAX)))
            .collect())
    }
}
