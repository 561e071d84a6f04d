//! Which web origins may call the API from a browser (CORS). A preflight
//! names no tenant, so the answer is the union of every tenant's
//! `allowed_origins`: safe, since kefu uses no cookies (a page still needs
//! its own tenant's keys or tokens), and read from storage at most every
//! few seconds.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::settings::parse_settings;
use super::{Engine, Result};
use crate::domain::origin::Origin;

/// Another node's settings change is seen within this long.
const REREAD_AFTER: Duration = Duration::from_secs(10);

#[derive(Default)]
pub(super) struct CorsOrigins {
    read: Mutex<Option<(Instant, std::sync::Arc<Vec<Origin>>)>>,
}

impl CorsOrigins {
    /// Read again at the next request (this node changed a setting).
    pub(super) fn forget(&self) {
        *self.read.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn fresh(&self) -> Option<std::sync::Arc<Vec<Origin>>> {
        let read = self.read.lock().unwrap_or_else(|e| e.into_inner());
        read.as_ref()
            .filter(|(at, _)| at.elapsed() < REREAD_AFTER)
            .map(|(_, list)| list.clone())
    }

    fn remember(&self, list: Vec<Origin>) -> std::sync::Arc<Vec<Origin>> {
        let list = std::sync::Arc::new(list);
        *self.read.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), list.clone()));
        list
    }
}

impl Engine {
    /// Whether a page at `origin` may call the API (some tenant allows it).
    pub async fn cors_allows(&self, origin: &str) -> Result<bool> {
        let list = match self.cors_origins.fresh() {
            Some(list) => list,
            None => {
                let mut list = Vec::new();
                for raw in self.store.every_tenant_settings().await? {
                    let settings = parse_settings(&raw);
                    list.extend(
                        settings
                            .embedding
                            .allowed_origins
                            .iter()
                            .filter_map(|o| Origin::parse(o).ok()),
                    );
                }
                self.cors_origins.remember(list)
            }
        };
        Ok(list.iter().any(|o| o.matches(origin)))
    }
}

impl Engine {
    /// The embedding rules of the tenant whose public `api_key` this is.
    pub async fn embedding_by_api_key(
        &self,
        api_key: &str,
    ) -> Result<Option<super::EmbeddingSettings>> {
        match self.store.tenant_by_api_key(api_key).await? {
            Some(tenant) => Ok(Some(self.settings(tenant.id).await?.embedding)),
            None => Ok(None),
        }
    }
}
