//! A fresh schema of the test PostgreSQL (`KEFU_TEST_POSTGRES_URL`), so that
//! tests sharing one server never see each other's rows; dropped at the end.

/// The test PostgreSQL's URL (`KEFU_TEST_POSTGRES_URL`), or `None` after a
/// SKIPPED line naming `test` when it is not set.
pub fn server(test: &str) -> Option<String> {
    let url = std::env::var(super::POSTGRES_ENV)
        .ok()
        .filter(|v| !v.is_empty());
    if url.is_none() {
        eprintln!("SKIPPED {test}: set {} to run it", super::POSTGRES_ENV);
    }
    url
}

pub struct Schema {
    base: String,
    name: String,
    /// The URL that puts a connection in the schema.
    pub url: String,
}

impl Schema {
    /// `CREATE SCHEMA {prefix}_RANDOM` on the server at `base`.
    pub async fn create(base: &str, prefix: &str) -> Self {
        let name = format!("{prefix}_{}", kefu::ids::random_token(12).to_lowercase());
        let admin = sqlx::PgPool::connect(base)
            .await
            .expect("connect to the test PostgreSQL");
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&admin)
            .await
            .expect("create a test schema");
        admin.close().await;
        let sep = if base.contains('?') { '&' } else { '?' };
        Self {
            url: format!("{base}{sep}options=-c%20search_path%3D{name}"),
            base: base.to_owned(),
            name,
        }
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        // The test's runtime may be ending: drop the schema from a runtime of
        // our own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async {
                    if let Ok(pool) = sqlx::PgPool::connect(&base).await {
                        let _ = sqlx::query(&format!("DROP SCHEMA {name} CASCADE"))
                            .execute(&pool)
                            .await;
                        pool.close().await;
                    }
                });
            }
        })
        .join();
    }
}
