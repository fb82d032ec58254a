//! ykien-web's integration suite (one test binary). Each case starts the real router on a
//! real socket over a real database: a SQLite file always, and PostgreSQL too when
//! `YKIEN_TEST_PG_URL` is set (`YKIEN_REQUIRE_PG=1` makes a missing PostgreSQL a failure).

mod cases;
mod harness;

use harness::App;
use ykien_web::WebConfig;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// None when this backend is not available (PostgreSQL not configured).
    pub async fn app(self, web: WebConfig) -> Option<App> {
        match self {
            Backend::Sqlite => Some(App::sqlite(web).await),
            Backend::Postgres => App::postgres(web).await,
        }
    }
}

macro_rules! on_both_backends {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::cases::$module::$name(crate::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::cases::$module::$name(crate::Backend::Postgres).await;
                }
            )*
        }
    };
}

on_both_backends!(
    ops::healthz_checks_the_database,
    ops::metrics_are_prometheus_text,
    ops::oversized_and_malformed_requests_get_4xx_with_a_message,
    ops::language_switch,
    ops::graceful_shutdown_finishes_requests_in_flight,
    auth::login_and_logout_for_every_role,
    auth::wrong_credentials_are_refused,
    auth::csrf_is_required_on_every_form,
    auth::login_attempts_are_rate_limited,
    auth::sessions_survive_a_restart,
    auth::cookies_are_secure_behind_https,
    auth::bearer_tokens_and_revocation,
    pages::home_shows_the_unit_and_its_children,
    scope::every_route_for_every_role,
    items::api_files_and_reads_items_in_scope,
    items::api_explains_bad_items,
    items::api_batch_answers_per_item,
    report::collaborator_files_a_report_and_sees_it,
    feedback::citizen_sends_feedback_and_follows_it,
    feedback::feedback_form_resists_bots_and_floods,
    cases::api_runs_a_case_through_the_workflow,
    cases::api_lists_cases_by_status_and_overdue_in_scope,
    cases::api_merges_splits_assigns_and_suggests,
    labels::officers_correct_items_and_the_corrections_stick,
    labels::a_topic_the_organization_added_is_accepted,
    openapi::openapi_document_and_docs_page_are_served,
    openapi::api_answers_match_the_document,
    // --- intake ---
    intake::report_form_takes_a_photo_and_files_a_resent_draft_once,
    intake::api_attaches_photos_checked_limited_and_scoped,
    intake::web_import_shows_progress_and_the_rows_not_taken,
    // --- alerts ---
    alerts::api_and_page_show_alerts_in_scope,
    // --- dashboard ---
    dashboard::every_role_sees_its_units_figures_and_drills_down,
    // --- items pages ---
    items_pages::items_list_filters_facets_and_pages,
    items_pages::item_page_explains_and_labels_are_audited,
    // --- cases pages ---
    cases_pages::cases_pages_run_a_case_through_its_workflow,
    cases_pages::cases_pages_are_scoped_for_every_role,
    // --- admin pages ---
    admin_pages::index_lists_the_sections_of_each_role,
    admin_pages::officer_edits_alert_rules_and_recipients,
    admin_pages::alert_inbox_filters_acknowledges_and_closes,
    admin_pages::sources_show_their_fetches_and_handlers_manage_them,
    admin_pages::admin_manages_accounts_and_areas,
    // --- reports (issue 7) ---
    reports_pages::officer_drafts_edits_exports_and_issues_a_monthly_report,
    reports_pages::flash_report_on_a_case,
    // --- end reports ---
    // --- taxonomy ---
    taxonomy_pages::taxonomy_editor_checks_saves_activates_and_guards,
    // --- reporting cycles (issue 7) ---
    cycles_pages::cycles_are_declared_by_collaborators_and_followed_by_officers,
);
