//! Suggested cases: items about the same matter — near-duplicates, one rumour reported from
//! several wards — found among recent items so that an officer can open one case for them.
//! Nothing is created here; the officer confirms (with `Store::create_case`), merges or
//! drops each suggestion.
//!
//! Two items are near-duplicates when the SimHash fingerprints the pipeline stored in their
//! analysis (`analysis.fingerprint`, see `ykien_text::minhash::fingerprint`) differ in at most
//! [`SuggestOptions::max_distance`] bits and they were received within
//! [`SuggestOptions::window`] of each other; groups are the connected components of that
//! relation. Only analyzed, visible, non-spam items of the actor's subtree that belong to no
//! case yet take part; a group's unit is the lowest unit whose subtree holds all its items.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use ykien_core::{Actor, Permission, UnitId, can};
use ykien_store::{Item, Store, StoreError};
use ykien_text::minhash::hamming;

use crate::ListenError;

/// How suggestions are made.
#[derive(Debug, Clone, Copy)]
pub struct SuggestOptions {
    /// How far apart in time two items of one matter may be received (and how far back from
    /// `now` items are looked at).
    pub window: Duration,
    /// Largest Hamming distance between two near-duplicate fingerprints (of 64 bits).
    pub max_distance: u32,
    pub now: DateTime<Utc>,
    /// Most recent items looked at.
    pub max_items: u32,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            window: Duration::days(7),
            max_distance: 3,
            now: Utc::now(),
            max_items: 10_000,
        }
    }
}

/// Items that look like one matter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestedCase {
    /// The lowest unit whose subtree holds every item: where the case would be opened.
    pub unit: UnitId,
    /// Oldest first.
    pub items: Vec<i64>,
    /// A title to start from: the oldest item's title, or the beginning of its text.
    pub title: String,
    pub first_received: DateTime<Utc>,
    pub last_received: DateTime<Utc>,
}

/// One item as the grouping sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub fingerprint: u64,
    pub received_at: DateTime<Utc>,
}

const TITLE_CHARS: usize = 80;

/// Suggested cases among the actor's recent items, largest group first. For handlers
/// (admins, leaders, officers); other roles are refused.
pub async fn suggest_cases(
    store: &Store,
    actor: &Actor,
    opts: &SuggestOptions,
) -> Result<Vec<SuggestedCase>, ListenError> {
    if !can(actor, Permission::Handle, &actor.unit_path) {
        return Err(StoreError::Forbidden {
            what: "suggesting cases".into(),
        }
        .into());
    }
    let since = opts.now - opts.window;
    let cased = store.cased_items_since(Some(actor), since).await?;
    let items: Vec<Item> = store
        .list_items(Some(actor), false, opts.max_items)
        .await?
        .into_iter()
        .filter(|i| i.received_at >= since && i.received_at <= opts.now)
        .filter(|i| !cased.contains(&i.id))
        .collect();
    let entries: Vec<Entry> = items
        .iter()
        .filter_map(|i| {
            Some(Entry {
                id: i.id,
                fingerprint: fingerprint_of(i)?,
                received_at: i.received_at,
            })
        })
        .collect();
    let by_id: HashMap<i64, &Item> = items.iter().map(|i| (i.id, i)).collect();
    let mut paths: HashMap<UnitId, String> = HashMap::new();
    let mut out = Vec::new();
    for group in group(&entries, opts.max_distance, opts.window) {
        let mut members: Vec<&Item> = group.iter().map(|&k| by_id[&entries[k].id]).collect();
        members.sort_by_key(|i| (i.received_at, i.id));
        for m in &members {
            if !paths.contains_key(&m.unit) {
                let u = store.unit(actor, &m.unit).await?;
                paths.insert(m.unit.clone(), u.path);
            }
        }
        let group_paths: Vec<&str> = members.iter().map(|m| paths[&m.unit].as_str()).collect();
        let Some(unit) = common_unit(&group_paths) else {
            continue;
        };
        let first = members[0];
        out.push(SuggestedCase {
            unit,
            items: members.iter().map(|i| i.id).collect(),
            title: title_of(first),
            first_received: first.received_at,
            last_received: members[members.len() - 1].received_at,
        });
    }
    out.sort_by(|a, b| {
        b.items
            .len()
            .cmp(&a.items.len())
            .then(b.last_received.cmp(&a.last_received))
    });
    Ok(out)
}

/// The fingerprint the pipeline stored; None before analysis, when withheld, or for a text
/// without words (whose SimHash is 0 and would match every other empty one).
fn fingerprint_of(i: &Item) -> Option<u64> {
    let hex = i.analysis.as_ref()?.get("fingerprint")?.as_str()?;
    u64::from_str_radix(hex, 16).ok().filter(|&f| f != 0)
}

fn title_of(i: &Item) -> String {
    if let Some(t) = i.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        return t.to_string();
    }
    let text = i.text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(TITLE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The last segment of the longest common prefix of unit paths ("/01/00004/" and
/// "/01/00008/" → "01").
fn common_unit(paths: &[&str]) -> Option<UnitId> {
    let split = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut prefix = split(paths.first()?);
    for p in &paths[1..] {
        let segs = split(p);
        let n = prefix.iter().zip(&segs).take_while(|(a, b)| a == b).count();
        prefix.truncate(n);
    }
    prefix.pop().map(UnitId)
}

/// Groups of two or more entries (indices into `entries`, ascending) linked by pairs within
/// `max_distance` bits and `window` of each other.
///
/// Pairs are found without comparing all of them: split the 64 bits into `max_distance + 1`
/// bands; two fingerprints within `max_distance` bits agree on at least one whole band
/// (pigeonhole), so only entries sharing a band value are compared.
pub fn group(entries: &[Entry], max_distance: u32, window: Duration) -> Vec<Vec<usize>> {
    let bands = (max_distance + 1).min(64) as usize;
    let mut parent: Vec<usize> = (0..entries.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for band in 0..bands {
        let lo = band * 64 / bands;
        let hi = (band + 1) * 64 / bands;
        let width = hi - lo;
        let mask = if width == 64 {
            u64::MAX
        } else {
            (1u64 << width) - 1
        };
        let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
        for (k, e) in entries.iter().enumerate() {
            buckets
                .entry((e.fingerprint >> lo) & mask)
                .or_default()
                .push(k);
        }
        for members in buckets.values() {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    let (ea, eb) = (&entries[a], &entries[b]);
                    if hamming(ea.fingerprint, eb.fingerprint) <= max_distance
                        && (ea.received_at - eb.received_at).abs() <= window
                    {
                        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                        if ra != rb {
                            parent[ra.max(rb)] = ra.min(rb);
                        }
                    }
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for k in 0..entries.len() {
        let r = root(&mut parent, k);
        groups.entry(r).or_default().push(k);
    }
    let mut out: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(id: i64, fingerprint: u64, hours: i64) -> Entry {
        Entry {
            id,
            fingerprint,
            received_at: DateTime::from_timestamp(1_780_000_000, 0).unwrap()
                + Duration::hours(hours),
        }
    }

    #[test]
    fn near_fingerprints_within_the_window_group_transitively() {
        let base = 0x5a5a_1234_9876_f0f0u64;
        let week = Duration::days(7);
        let entries = [
            e(1, base, 0),
            e(2, base ^ 0b111, 5),                    // 3 bits from 1
            e(3, base ^ 0b111 ^ (1 << 40), 30),       // 1 bit from 2, 4 from 1: joined through 2
            e(4, base ^ 0b1111, 1),                   // 4 bits from 1, 1 from 2: joined through 2
            e(5, !base, 2),                           // far away
            e(6, base, 24 * 8), // same text, 8 days after 1, 7+ after the others
            e(7, 0x0123_4567_89ab_cdef, 3), // unrelated
            e(8, 0x0123_4567_89ab_cdef ^ 1 << 63, 4), // 1 bit from 7
        ];
        let groups = group(&entries, 3, week);
        assert_eq!(groups, vec![vec![0, 1, 2, 3], vec![6, 7]]);
        // Exactly the bound, and one past it.
        let pair = [e(1, base, 0), e(2, base ^ 0b1110_0000_0000_0000_0001, 0)];
        assert_eq!(group(&pair, 4, week), vec![vec![0, 1]]);
        assert!(group(&pair, 3, week).is_empty());
        // Band splitting finds pairs whose differences fall in every band.
        for bit in 0..64 {
            let pair = [
                e(1, base, 0),
                e(2, base ^ (1 << bit) ^ (1 << ((bit + 17) % 64)), 0),
            ];
            assert_eq!(group(&pair, 3, week), vec![vec![0, 1]], "bits {bit}");
        }
        // The window is measured between the two items of a pair.
        let apart = [e(1, base, 0), e(2, base, 24 * 7 + 1)];
        assert!(group(&apart, 3, week).is_empty());
    }

    #[test]
    fn the_common_unit_is_the_lowest_shared_ancestor() {
        assert_eq!(
            common_unit(&["/01/00004/", "/01/00008/00008.1/"]),
            Some(UnitId("01".into()))
        );
        assert_eq!(
            common_unit(&["/01/00004/00004.1/", "/01/00004/"]),
            Some(UnitId("00004".into()))
        );
        assert_eq!(common_unit(&["/01/"]), Some(UnitId("01".into())));
        assert_eq!(common_unit(&["/01/", "/79/"]), None);
        assert_eq!(common_unit(&[]), None);
    }

    /// The real pipeline on a real database: SQLite always, PostgreSQL when configured.
    mod on_a_store {
        use std::str::FromStr;

        use sqlx::AssertSqlSafe;
        use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
        use ykien_core::Role;
        use ykien_store::{
            Channel, Confidentiality, DbConfig, NewCase, NewItem, NewUser, OpinionReport, Severity,
        };

        use super::super::*;
        use crate::{WorkerConfig, drain, submit};

        const RUMOUR: &str = "Người dân phản ánh có tin đồn sẽ cắt nước sinh hoạt toàn phường \
                              trong cả tuần tới, đề nghị chính quyền xác minh và thông báo.";

        fn item(unit: &str, source: &str, text: &str) -> NewItem {
            NewItem {
                unit: unit.into(),
                source: source.into(),
                channel: Channel::Import,
                external_id: None,
                author_user_id: None,
                author_contact: None,
                occurred_at: None,
                text: text.into(),
                title: None,
                report: OpinionReport::default(),
                confidentiality: Confidentiality::Normal,
                dedup_text: String::new(),
            }
        }

        async fn actor(store: &Store, role: Role, unit: &str, email: &str) -> Actor {
            let u = store
                .create_user(
                    None,
                    NewUser {
                        name: email.into(),
                        email: Some(email.into()),
                        phone: None,
                        password: None,
                        role,
                        unit: unit.into(),
                        member_org: None,
                    },
                )
                .await
                .unwrap();
            store.actor(u.id).await.unwrap().unwrap()
        }

        async fn suggestions_follow_scope_and_skip_cased_items(store: &Store) {
            store.load_units().await.unwrap();
            let city = actor(store, Role::Leader, "01", "l@x.vn").await;
            let ward = actor(store, Role::Officer, "00004", "o@x.vn").await;
            let collab = actor(store, Role::Collaborator, "00004", "c@x.vn").await;
            let id = |s: ykien_store::Submitted| s.id;
            // The same rumour from two sources in Ba Đình (spacing and case differ) and one in
            // Ngọc Hà; an unrelated item in Ba Đình.
            let a1 = id(submit(store, None, item("00004", "zalo", RUMOUR))
                .await
                .unwrap());
            let shouted = RUMOUR.to_uppercase().replace(' ', "  ");
            let a2 = id(submit(store, None, item("00004", "facebook", &shouted))
                .await
                .unwrap());
            let b1 = id(submit(store, None, item("00008", "tiktok", RUMOUR))
                .await
                .unwrap());
            let other =
                "Đèn đường ngõ 5 phố Đội Cấn bị hỏng nhiều ngày, đi lại buổi tối rất nguy hiểm.";
            id(submit(store, None, item("00004", "zalo", other))
                .await
                .unwrap());
            let report = drain(store, &WorkerConfig::default(), |_| {})
                .await
                .unwrap();
            assert_eq!(report.analyzed, 4);

            let opts = SuggestOptions::default();
            let at_city = suggest_cases(store, &city, &opts).await.unwrap();
            assert_eq!(at_city.len(), 1, "{at_city:?}");
            assert_eq!(at_city[0].unit, UnitId("01".into()));
            assert_eq!(at_city[0].items, vec![a1, a2, b1]);
            assert!(
                at_city[0]
                    .title
                    .starts_with("Người dân phản ánh có tin đồn")
            );
            assert!(at_city[0].title.ends_with('…'));
            let at_ward = suggest_cases(store, &ward, &opts).await.unwrap();
            assert_eq!(at_ward.len(), 1);
            assert_eq!(at_ward[0].unit, UnitId("00004".into()));
            assert_eq!(at_ward[0].items, vec![a1, a2]);
            // Only handlers get suggestions.
            let e = suggest_cases(store, &collab, &opts).await.unwrap_err();
            assert!(
                matches!(e, ListenError::Store(StoreError::Forbidden { .. })),
                "{e:?}"
            );
            // Items already in a case take no part; outside the window neither.
            store
                .create_case(
                    Some(&ward),
                    NewCase {
                        unit: "00004".into(),
                        title: "Tin đồn cắt nước".into(),
                        severity: Severity::Urgent,
                        item_ids: vec![a1],
                        due_at: None,
                    },
                )
                .await
                .unwrap();
            assert!(suggest_cases(store, &ward, &opts).await.unwrap().is_empty());
            let at_city = suggest_cases(store, &city, &opts).await.unwrap();
            assert_eq!(at_city[0].items, vec![a2, b1]);
            let later = SuggestOptions {
                now: Utc::now() + Duration::days(8),
                ..opts
            };
            assert!(
                suggest_cases(store, &city, &later)
                    .await
                    .unwrap()
                    .is_empty()
            );
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn sqlite() {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&DbConfig::Sqlite {
                path: dir.path().join("ykien.db"),
            })
            .await
            .unwrap();
            suggestions_follow_scope_and_skip_cased_items(&store).await;
            store.close().await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn postgres() {
            let url = match std::env::var("YKIEN_TEST_PG_URL") {
                Ok(u) if !u.is_empty() => u,
                _ => {
                    assert!(
                        std::env::var("YKIEN_REQUIRE_PG").map_or(true, |v| v != "1"),
                        "YKIEN_REQUIRE_PG=1 but YKIEN_TEST_PG_URL is not set"
                    );
                    return;
                }
            };
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(PgConnectOptions::from_str(&url).unwrap())
                .await
                .expect("PostgreSQL reachable");
            let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
            let schema = format!("ykl_suggest_{nanos:x}_{}", std::process::id());
            sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&admin)
                .await
                .unwrap();
            let sep = if url.contains('?') { '&' } else { '?' };
            let store = Store::open(&DbConfig::Postgres {
                url: format!("{url}{sep}options[search_path]={schema}"),
            })
            .await
            .unwrap();
            suggestions_follow_scope_and_skip_cased_items(&store).await;
            store.close().await;
            sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&admin)
                .await
                .unwrap();
        }
    }
}
