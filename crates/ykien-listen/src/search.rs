//! Search as a reader asks it: the query prepared like the index, the store's scoped
//! full-text search, and a highlighted snippet of the text that reader may see.

use serde::Serialize;
use ykien_core::Actor;
use ykien_store::{Item, SearchQuery, Store, query_words};

use crate::ListenError;
use crate::prepare::search_key;
use crate::snippet::{Snippet, snippet};

/// One result: the item as the reader may see it, its relevance, and a snippet.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub item: Item,
    pub score: f64,
    pub snippet: Snippet,
}

/// Searches for `query` as typed (any spelling; it is normalized, segmented and folded
/// here); the other fields of `filters` narrow the search, `filters.terms` is ignored.
pub async fn search(
    store: &Store,
    actor: Option<&Actor>,
    query: &str,
    filters: SearchQuery,
) -> Result<Vec<Hit>, ListenError> {
    let terms = search_key(query);
    let words = query_words(&terms);
    let hits = store
        .search(actor, &SearchQuery { terms, ..filters })
        .await?;
    Ok(hits
        .into_iter()
        .map(|h| Hit {
            snippet: snippet(&h.item.text, &words, 200),
            score: h.score,
            item: h.item,
        })
        .collect())
}
