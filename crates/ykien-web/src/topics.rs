//! The organization's topics as pages show them: the active taxonomy (what may be chosen) and
//! the names of every topic any of its versions had (what items filed under a retired topic
//! still show), read per request so that an edit shows at once.

use ykien_listen::learn::{TopicNames, active_taxonomy, topic_names};
use ykien_text::topics::{OTHER_ID, Taxonomy};

use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;

pub struct Topics {
    active: Taxonomy,
    names: TopicNames,
}

impl Topics {
    pub async fn load(state: &AppState) -> Result<Topics, WebError> {
        let internal = |e: ykien_listen::ListenError| WebError::Internal(e.to_string());
        let (active, _) = active_taxonomy(&state.store).await.map_err(internal)?;
        let names = topic_names(&state.store).await.map_err(internal)?;
        Ok(Topics { active, names })
    }

    /// Only the shipped taxonomy: for pure functions' tests.
    pub fn shipped() -> Topics {
        let active = Taxonomy::embedded().clone();
        let names = TopicNames::from_taxonomies(&active, []);
        Topics { active, names }
    }

    /// A topic's name in the page's language ("Khác"/"Other" for "other"; the id itself for an
    /// id no version ever named).
    pub fn name(&self, lang: Lang, id: &str) -> String {
        self.names.name(id, lang == Lang::En)
    }

    /// The topics that may be chosen now, in the taxonomy's order, then "other".
    pub fn choices(&self, lang: Lang) -> Vec<(String, String)> {
        self.active
            .topics
            .iter()
            .map(|x| x.id.as_str())
            .chain(std::iter::once(OTHER_ID))
            .map(|id| (id.to_string(), self.name(lang, id)))
            .collect()
    }

    /// Whether a topic may be chosen now.
    pub fn is_current(&self, id: &str) -> bool {
        id == OTHER_ID || self.active.index(id).is_some()
    }
}
