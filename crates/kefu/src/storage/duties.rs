//! Duty schedules (排班): one row per shift, keyed by the seed's `dutyId`.
//! Dates are stored as "YYYY-MM-DD" and times as "HH:MM", so that text order
//! is time order on both backends.

use sqlx::QueryBuilder;

use super::{Result, Store};

macro_rules! decode_duty {
    ($row:expr) => {
        decode!($row => DutyRow { id, agent_id, date, start_time, end_time, name, remark, url })
    };
}

#[derive(Clone, Debug, PartialEq)]
pub struct DutyRow {
    pub id: String,
    pub agent_id: i64,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub name: String,
    pub remark: String,
    pub url: String,
}

impl Store {
    /// Stores a batch of shifts, all or none.
    pub async fn insert_duties(&self, tenant_id: i64, duties: &[DutyRow], now: f64) -> Result<()> {
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            for d in duties {
                sqlx::query(
                    "INSERT INTO duties (id, tenant_id, agent_id, date, start_time, end_time,
                        name, remark, url, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
                )
                .bind(&d.id)
                .bind(tenant_id)
                .bind(d.agent_id)
                .bind(&d.date)
                .bind(&d.start_time)
                .bind(&d.end_time)
                .bind(&d.name)
                .bind(&d.remark)
                .bind(&d.url)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })
    }

    /// Shifts dated `from..=to` (of one agent, when given), by agent, date and start.
    pub async fn duties_between(
        &self,
        tenant_id: i64,
        from: &str,
        to: &str,
        agent_id: Option<i64>,
    ) -> Result<Vec<DutyRow>> {
        with_pool!(self, read, pool => {
            let mut q = QueryBuilder::new(
                "SELECT id, agent_id, date, start_time, end_time, name, remark, url
                 FROM duties WHERE tenant_id = ",
            );
            q.push_bind(tenant_id);
            q.push(" AND date >= ").push_bind(from.to_owned());
            q.push(" AND date <= ").push_bind(to.to_owned());
            if let Some(agent) = agent_id {
                q.push(" AND agent_id = ").push_bind(agent);
            }
            q.push(" ORDER BY agent_id, date, start_time, id");
            let rows = q.build().fetch_all(pool).await?;
            rows.iter().map(|row| Ok(decode_duty!(row))).collect()
        })
    }

    pub async fn duty(&self, tenant_id: i64, id: &str) -> Result<Option<DutyRow>> {
        with_pool!(self, read, pool => {
            let row = sqlx::query(
                "SELECT id, agent_id, date, start_time, end_time, name, remark, url
                 FROM duties WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(pool)
            .await?;
            row.map(|row| Ok(decode_duty!(&row))).transpose()
        })
    }

    /// Rewrites a shift's hours and texts (its agent and date never change).
    pub async fn update_duty(&self, tenant_id: i64, duty: &DutyRow, now: f64) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query(
                "UPDATE duties SET start_time = $1, end_time = $2, name = $3, remark = $4, url = $5,
                    updated_at = $6
                 WHERE tenant_id = $7 AND id = $8",
            )
            .bind(&duty.start_time)
            .bind(&duty.end_time)
            .bind(&duty.name)
            .bind(&duty.remark)
            .bind(&duty.url)
            .bind(now)
            .bind(tenant_id)
            .bind(&duty.id)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    pub async fn delete_duty(&self, tenant_id: i64, id: &str) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query("DELETE FROM duties WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id)
                .bind(id)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }
}
