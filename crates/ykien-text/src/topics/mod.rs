//! Topics on the organization's own taxonomy.
//!
//! The taxonomy is data ([`DEFAULT_TAXONOMY`], editable by an administrator). With no
//! labelled items, topics come from seed terms (weak supervision, [`SeedScorer`]); as
//! officers correct labels, [`TopicModel::train`] blends in a classifier whose weight
//! grows with the number of labels, and [`TopicModel::suggest_for_labelling`] picks the
//! items whose labels would teach it most.

pub(crate) mod fast_hash;
pub(crate) mod matcher;
mod model;
mod seeds;
mod taxonomy;

pub use model::{TopicModel, TopicModelConfig, margin, select_balanced, select_diverse};
pub use seeds::{SeedHit, SeedScorer, TopicScore};
pub use taxonomy::{
    DEFAULT_TAXONOMY, OTHER_ID, OTHER_NAME_EN, OTHER_NAME_VI, Taxonomy, Topic, TopicsError,
};
