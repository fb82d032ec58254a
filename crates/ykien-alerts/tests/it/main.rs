//! The alerts suite: a real database (SQLite file; PostgreSQL in a schema of its own when
//! `YKIEN_TEST_PG_URL` is set), the real analysis pipeline, a real local HTTP server for
//! webhooks and a real local SMTP server.

mod background;
mod cases;
mod harness;
mod servers;

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
    burst_in_a_realistic_background_raises_exactly_one_alert,
    keyword_watch_and_threshold_rule_fire,
    webhook_is_signed_and_retried_with_backoff,
    webhook_gives_up_after_max_attempts,
    email_is_delivered_over_smtp,
    one_evaluator_at_a_time,
    raise_alert_dedups_attaches_and_audits,
    smtp_refuses_to_send_without_required_tls,
);
