//! Feeds end to end against a real HTTP server on loopback, on a real SQLite file and, when
//! `YKIEN_TEST_PG_URL` is set, on PostgreSQL in a schema of its own (`YKIEN_REQUIRE_PG=1`
//! makes a missing PostgreSQL a failure instead of a skip).

mod cases;
mod harness;
mod server;

/// Generates `sqlite::<case>` and `postgres::<case>` tests for each case in `cases`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = crate::harness::TestDb::sqlite().await;
                    crate::cases::$name(&t).await;
                    t.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(t) = crate::harness::TestDb::postgres().await else { return };
                    crate::cases::$name(&t).await;
                    t.cleanup().await;
                }
            )*
        }
    };
}

on_both_backends!(
    rss_and_atom_become_items_once,
    article_page_gives_its_main_text,
    conditional_requests_get_304,
    bad_responses_are_recorded_and_retried_later,
    failures_back_off_then_recover,
    integrity_watch_alerts_once_on_injected_spam,
    pollers_never_fetch_a_source_twice_at_once,
    sources_are_scoped_and_audited,
);
