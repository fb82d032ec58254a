//! The store's integration suite: every case runs against a real SQLite file and, when
//! `YKIEN_TEST_PG_URL` is set, against PostgreSQL in a schema of its own (so cases run in
//! parallel). `YKIEN_REQUIRE_PG=1` makes a missing PostgreSQL a failure instead of a skip.

mod cases;
mod harness;

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
    units_load_counts_and_is_idempotent,
    units_list_for_cli,
    successions_cover_split_units,
    scope_every_role_on_units,
    scope_every_role_on_users_tokens_audit,
    residential_areas,
    user_creation_errors_write_nothing,
    member_orgs_are_seeded,
    passwords_are_argon2id_and_verify,
    tokens_are_hashed_and_revocable,
    sessions_survive_restart_and_expire,
    disabling_a_user_ends_access,
    audit_is_written_in_the_same_transaction,
    sign_in_and_sign_out_are_audited,
    audit_log_is_append_only,
    schema_newer_than_binary_is_refused,
    lost_postgres_connection_is_an_interruption_and_recovers,
    reopening_applies_nothing_twice,
    backup_while_serving,
    locked_database_is_a_clear_error_and_writes_nothing,
    scope_matches_the_tree_for_sampled_pairs,
    concurrent_writers_all_succeed,
    items_are_idempotent_stored_untouched_and_audited,
    items_are_scoped_restricted_and_masked,
    jobs_retry_fail_and_survive_dead_workers,
    done_jobs_are_purged_and_the_rest_kept,
    search_folds_segments_filters_and_scopes,
    concurrent_workers_never_share_a_job,
    cases_follow_the_workflow_and_refuse_other_steps,
    cases_are_scoped_and_followed_by_their_reporters,
    overdue_cases_are_listed,
    cases_merge_and_split,
    labels_are_scoped_applied_audited_and_outlast_reanalysis,
    models_are_versioned_with_one_active,
    calendar_adjustments_are_kept_audited_and_guarded,
    // --- intake ---
    attachments_are_sniffed_limited_scoped_and_audited,
    imports_are_scoped_and_resume_from_their_cursor,
    // --- dashboard ---
    dashboard_counts_both_periods_by_day_topic_sentiment_and_unit,
    dashboard_is_scoped_and_checks_its_period,
    // --- items pages ---
    item_list_filters_facets_pages_and_scopes,
    item_places_and_case_are_scoped,
    // --- cases pages ---
    case_board_groups_filters_and_scopes,
    case_view_shows_timeline_due_forwarding_and_answer,
    // --- admin ---
    unit_tree_counts_are_scoped_ordered_and_for_admins,
    taxonomy_versions_are_guarded_audited_and_one_active,
    topic_counts_are_scoped,
    // --- reports and reporting cycles (issue 7) ---
    reports_are_scoped_guarded_frozen_and_audited,
    report_register_restarts_each_year_in_hanoi_time,
    concurrent_issues_never_share_a_number,
    cycle_periods_follow_hanoi_months,
    cycle_roster_statuses_completion_and_scope,
    cycle_reminders_go_once_and_failed_ones_are_retried,
);

/// Failures that do not need a working database: both backends' error paths.
mod open_errors {
    use ykien_store::{DbConfig, Store, StoreError};

    #[tokio::test]
    async fn unreachable_postgres_names_host_and_db_but_not_password() {
        let cfg = DbConfig::Postgres {
            url: "postgres://ykien:s3cr3t-pw@127.0.0.1:1/ykien_prod".into(),
        };
        let e = Store::open(&cfg)
            .await
            .expect_err("nothing listens on port 1");
        let msg = e.to_string();
        assert!(matches!(e, StoreError::Unavailable { .. }), "{e:?}");
        assert!(
            msg.contains("127.0.0.1:1") && msg.contains("ykien_prod"),
            "{msg}"
        );
        assert!(!msg.contains("s3cr3t-pw") && !format!("{e:?}").contains("s3cr3t-pw"));
        assert!(!cfg.describe().contains("s3cr3t-pw"));
        assert!(!msg.contains('\n'));
        assert!(
            msg.to_lowercase().contains("refused"),
            "the reason is kept: {msg}"
        );
    }

    #[tokio::test]
    async fn missing_postgres_database_names_it_but_not_the_password() {
        let Ok(url) = std::env::var("YKIEN_TEST_PG_URL") else {
            return;
        };
        let Ok(opts) = url.parse::<sqlx::postgres::PgConnectOptions>() else {
            return;
        };
        let bad = format!(
            "postgres://{}:pw-do-not-show@{}:{}/ykien_no_such_db",
            opts.get_username(),
            opts.get_host(),
            opts.get_port()
        );
        let e = Store::open(&DbConfig::Postgres { url: bad })
            .await
            .expect_err("no such database");
        let msg = e.to_string();
        assert!(matches!(e, StoreError::Unavailable { .. }), "{e:?}");
        assert!(msg.contains("ykien_no_such_db"), "{msg}");
        assert!(!msg.contains("pw-do-not-show") && !format!("{e:?}").contains("pw-do-not-show"));
    }

    #[tokio::test]
    async fn malformed_url_is_invalid() {
        let cfg = DbConfig::Postgres {
            url: "postgres://a:pw@[broken".into(),
        };
        let e = Store::open(&cfg).await.expect_err("bad URL");
        assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
        assert!(!e.to_string().contains("pw"));
    }

    #[tokio::test]
    async fn corrupt_sqlite_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ykien.db");
        std::fs::write(
            &path,
            b"this is not a database, just some text that is long enough",
        )
        .unwrap();
        let e = Store::open(&DbConfig::Sqlite { path: path.clone() })
            .await
            .expect_err("corrupt");
        assert!(matches!(e, StoreError::Corrupt { .. }), "{e:?}");
        assert!(e.to_string().contains("ykien.db"));
        // nothing was written over it
        assert!(std::fs::read(&path).unwrap().starts_with(b"this is not"));
    }

    #[tokio::test]
    async fn damaged_sqlite_pages_are_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ykien.db");
        let cfg = DbConfig::Sqlite { path: path.clone() };
        let s = Store::open(&cfg).await.unwrap();
        s.close().await;
        // keep the header, scribble over the schema page
        let mut bytes = std::fs::read(&path).unwrap();
        for b in bytes.iter_mut().skip(100).take(3000) {
            *b = 0xAB;
        }
        std::fs::write(&path, &bytes).unwrap();
        let e = Store::open(&cfg).await.expect_err("damaged");
        assert!(
            matches!(e, StoreError::Corrupt { .. } | StoreError::Migration(_)),
            "{e:?}"
        );
    }

    #[tokio::test]
    async fn unwritable_data_dir_is_an_io_error() {
        let cfg = DbConfig::Sqlite {
            path: "/proc/ykien-cannot-live-here/ykien.db".into(),
        };
        let e = Store::open(&cfg).await.expect_err("no such dir");
        assert!(!e.is_user_error());
    }
}
