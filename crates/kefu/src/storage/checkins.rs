//! Check-in and check-out records (签到/签退) of agents.

use sqlx::QueryBuilder;

use super::{Result, Store};

#[derive(Clone, Debug)]
pub struct CheckinRow {
    pub id: i64,
    pub agent_id: i64,
    /// 1 check-in (签到), 2 check-out (签退).
    pub kind: i64,
    pub remark: String,
    /// JSON list of URLs.
    pub attachments: String,
    /// JSON list of tags.
    pub tags: String,
    pub location: String,
    pub created_at: f64,
    /// The agent's name and number, for the list.
    pub name: String,
    pub num: String,
}

pub struct NewCheckin<'a> {
    pub tenant_id: i64,
    pub agent_id: i64,
    pub kind: i64,
    pub remark: &'a str,
    pub attachments: &'a str,
    pub tags: &'a str,
    pub location: &'a str,
    pub now: f64,
}

/// Which check-ins a list shows.
#[derive(Clone, Debug, Default)]
pub struct CheckinQuery {
    pub tenant_id: i64,
    pub agent_id: Option<i64>,
    pub created_from: Option<f64>,
    /// Exclusive: the end of the second (or day) the caller named.
    pub created_to: Option<f64>,
    /// Newest first; else in order of record (oldest first).
    pub newest_first: bool,
    pub limit: i64,
    pub offset: i64,
}

impl Store {
    pub async fn insert_checkin(&self, new: &NewCheckin<'_>) -> Result<i64> {
        with_pool!(self, write, pool => {
            sqlx::query_scalar(
                "INSERT INTO checkins (tenant_id, agent_id, kind, remark, attachments, tags, location, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(new.tenant_id)
            .bind(new.agent_id)
            .bind(new.kind)
            .bind(new.remark)
            .bind(new.attachments)
            .bind(new.tags)
            .bind(new.location)
            .bind(new.now)
            .fetch_one(pool)
            .await
        })
    }

    /// One page of check-ins, and how many match in all.
    pub async fn list_checkins(&self, query: &CheckinQuery) -> Result<(Vec<CheckinRow>, i64)> {
        with_pool!(self, read, pool => {
            let mut q = QueryBuilder::new("SELECT COUNT(*) FROM checkins c WHERE ");
            push_filter(&mut q, query);
            let count: i64 = q.build_query_scalar().fetch_one(pool).await?;
            let mut q = QueryBuilder::new(
                "SELECT c.id, c.agent_id, c.kind, c.remark, c.attachments, c.tags, c.location,
                        c.created_at, a.name, a.num
                 FROM checkins c JOIN agents a ON a.id = c.agent_id WHERE ",
            );
            push_filter(&mut q, query);
            q.push(if query.newest_first {
                " ORDER BY c.created_at DESC, c.id DESC"
            } else {
                " ORDER BY c.created_at ASC, c.id ASC"
            });
            q.push(" LIMIT ").push_bind(query.limit);
            q.push(" OFFSET ").push_bind(query.offset);
            let rows = q.build().fetch_all(pool).await?;
            let rows = rows
                .iter()
                .map(|row| {
                    Ok(decode!(row => CheckinRow {
                        id, agent_id, kind, remark, attachments, tags, location, created_at, name, num
                    }))
                })
                .collect::<Result<_>>()?;
            Ok((rows, count))
        })
    }
}

fn push_filter<'a, DB>(q: &mut QueryBuilder<'a, DB>, query: &CheckinQuery)
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    f64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    q.push("c.tenant_id = ").push_bind(query.tenant_id);
    if let Some(agent) = query.agent_id {
        q.push(" AND c.agent_id = ").push_bind(agent);
    }
    if let Some(from) = query.created_from {
        q.push(" AND c.created_at >= ").push_bind(from);
    }
    if let Some(to) = query.created_to {
        q.push(" AND c.created_at < ").push_bind(to);
    }
}
