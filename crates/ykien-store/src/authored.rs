//! "My reports": the items an actor filed itself. Still confined to the actor's subtree like
//! every other read, so a user moved to another unit no longer sees what it filed there.

use ykien_core::Actor;

use crate::db::db;
use crate::items::{Item, ItemDb, View, item_select};
use crate::{Store, StoreError};

impl Store {
    /// Items the actor wrote, newest first, hidden ones included (their author may see that
    /// the pipeline took them for spam).
    pub async fn my_items(&self, actor: &Actor, limit: u32) -> Result<Vec<Item>, StoreError> {
        let (lo, hi) = actor.scope().range();
        let view = View::of(Some(actor));
        let rows: Vec<ItemDb> = db!(self, |pool| {
            sqlx::query_as(concat!(
                item_select!(),
                " FROM items i JOIN units un ON un.id = i.unit_id \
                 WHERE i.author_user_id = $1 AND un.path >= $2 AND un.path < $3 \
                 ORDER BY i.received_at DESC, i.id DESC LIMIT $4"
            ))
            .bind(actor.user_id)
            .bind(&lo)
            .bind(&hi)
            .bind(i64::from(limit.clamp(1, 10_000)))
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|r| r.into_item(&view)).collect())
    }
}
