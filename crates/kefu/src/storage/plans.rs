//! The paged queries use their indexes on SQLite: no table scan and no sort
//! step, whatever the filter, cursor or order, so pages cost the same with
//! millions of rows as with ten. (PostgreSQL has the same indexes; its
//! planner's choices depend on statistics, so they are not pinned here.)

use sqlx::{Execute, QueryBuilder, Sqlite, SqlitePool};

use super::conversations::list_query;
use super::messages::history_query;
use super::templates::items_query;
use super::{ConversationFilter, Scope};
use crate::domain::conversation::Status;
use crate::domain::paging::{Id, Order, PageRequest};

async fn schema() -> SqlitePool {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    for migration in [
        include_str!("../../migrations/sqlite/0001_init.sql"),
        include_str!("../../migrations/sqlite/0002_admin.sql"),
        include_str!("../../migrations/sqlite/0003_routing.sql"),
        include_str!("../../migrations/sqlite/0004_realtime.sql"),
        include_str!("../../migrations/sqlite/0005_edges.sql"),
        include_str!("../../migrations/sqlite/0006_insights.sql"),
        include_str!("../../migrations/sqlite/0007_history_order.sql"),
    ] {
        sqlx::raw_sql(migration)
            .execute(&pool)
            .await
            .expect("schema");
    }
    pool
}

/// The plan's steps, as `EXPLAIN QUERY PLAN` words them.
async fn plan(pool: &SqlitePool, mut q: QueryBuilder<'_, Sqlite>) -> Vec<String> {
    let mut query = q.build();
    let sql = format!("EXPLAIN QUERY PLAN {}", query.sql());
    let args = query
        .take_arguments()
        .expect("arguments")
        .expect("some arguments");
    let rows = sqlx::query_with(&sql, args)
        .fetch_all(pool)
        .await
        .expect("plan");
    rows.iter()
        .map(|row| sqlx::Row::get::<String, _>(row, "detail"))
        .collect()
}

fn assert_indexed(what: &str, steps: &[String]) {
    for step in steps {
        assert!(
            !step.starts_with("SCAN") && !step.contains("TEMP B-TREE"),
            "{what} scans or sorts: {steps:?}"
        );
    }
}

fn pages() -> Vec<PageRequest> {
    let cursor = Id::parse("0123456789abcdef01234567").expect("id");
    let mut pages = Vec::new();
    for order in [Order::OldestFirst, Order::NewestFirst] {
        for cursor in [None, Some(cursor.clone())] {
            pages.push(PageRequest {
                cursor,
                offset: 0,
                limit: 20,
                order,
            });
        }
    }
    pages
}

#[tokio::test]
async fn question_lists_use_their_indexes() {
    let pool = schema().await;
    let scopes = [
        Scope::Pending,
        Scope::AgentTasks { agent_id: 7 },
        Scope::Customer {
            customer_id: "c".into(),
            status: Some(Status::Finished),
        },
        Scope::Customer {
            customer_id: "c".into(),
            status: None,
        },
    ];
    for scope in scopes {
        for (identify, label) in [
            (None, None),
            (Some("app"), None),
            (None, Some("激活")),
            (Some("app"), Some("激活")),
        ] {
            let filter = ConversationFilter {
                tenant_id: 1,
                scope: scope.clone(),
                identify: identify.map(str::to_owned),
                label: label.map(str::to_owned),
            };
            // The index that narrows the list to its scope; a label filter may
            // instead drive the search from the label index by primary key.
            let expected = match (&scope, identify) {
                (Scope::Pending, None) => "conversations_by_status",
                (Scope::Pending, Some(_)) => "conversations_by_app_status",
                (Scope::AgentTasks { .. }, _) => "conversations_by_agent",
                (
                    Scope::Customer {
                        status: Some(_), ..
                    },
                    _,
                ) => "conversations_by_customer ",
                (Scope::Customer { status: None, .. }, _) => "conversations_by_customer_all",
            };
            for page in pages() {
                let what = format!("{filter:?} {page:?}");
                let steps = plan(&pool, list_query(&filter, &page)).await;
                assert_indexed(&what, &steps);
                let search = steps
                    .iter()
                    .find(|s| s.starts_with("SEARCH c "))
                    .unwrap_or_else(|| panic!("{what}: {steps:?}"));
                // Driven by the label's ids: each is one index probe by id.
                let by_label = label.is_some()
                    && (search.contains("sqlite_autoindex_conversations_1")
                        || search.contains("AND id=?)"));
                assert!(search.contains(expected) || by_label, "{what}: {steps:?}");
            }
        }
    }
}

#[tokio::test]
async fn history_and_items_use_their_indexes() {
    let pool = schema().await;
    for page in pages() {
        let cursor = page.cursor.as_ref().map(|c| (7, c.as_str().to_owned()));
        {
            let steps = plan(&pool, history_query(1, "q", &page, cursor)).await;
            assert_indexed("history", &steps);
            assert!(
                steps
                    .iter()
                    .any(|s| s.contains("messages_by_conversation_seq")),
                "{steps:?}"
            );
        }
        assert_indexed("items", &plan(&pool, items_query(1, "t", &page)).await);
    }
}

#[tokio::test]
async fn a_report_reads_only_the_range_it_covers() {
    let pool = schema().await;
    let sql = format!("EXPLAIN QUERY PLAN {}", super::reports::FACTS);
    let rows = sqlx::query(&sql)
        .bind(1_i64)
        .bind(0.0_f64)
        .bind(1.0_f64)
        .bind(8_i64)
        .fetch_all(&pool)
        .await
        .expect("plan");
    let steps: Vec<String> = rows
        .iter()
        .map(|row| sqlx::Row::get::<String, _>(row, "detail"))
        .collect();
    // Grouping the range's rows may sort them; no table is read whole.
    assert!(!steps.iter().any(|s| s.starts_with("SCAN")), "{steps:?}");
    assert!(
        steps.iter().any(|s| s.contains("conversations_by_start")),
        "{steps:?}"
    );
    assert!(
        steps.iter().any(|s| s.contains("messages_by_conversation")),
        "{steps:?}"
    );
}
