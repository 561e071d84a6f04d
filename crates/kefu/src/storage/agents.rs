//! Agents (客服): profiles, departments, per-module status, permissions, and
//! the lists and searches of the administration API (seed 002).

use sqlx::QueryBuilder;

use super::{Result, Store};
use crate::domain::agent::search_key;

macro_rules! decode_agent {
    ($row:expr) => {
        decode!($row => AgentRow {
            id, tenant_id, account, password_hash, name, is_admin, is_stat, num, gender, email,
            fixnumber, mobile, qq, custom_fields, call_center, ticket_state, chat_state,
            call_state, max_chats, created_at, updated_at
        })
    };
}

/// Makes agent `$agent` a member of the departments `$groups` of its tenant,
/// inside transaction `$tx`; false when one of them is not the tenant's.
macro_rules! set_groups {
    ($tx:ident, $tenant:expr, $agent:expr, $groups:expr) => {{
        let groups: &[i64] = $groups;
        if groups.is_empty() {
            true
        } else {
            let mut q = QueryBuilder::new(
                "INSERT INTO agent_group_members (group_id, agent_id, tenant_id) SELECT id, ",
            );
            q.push_bind($agent)
                .push(", tenant_id FROM agent_groups WHERE tenant_id = ")
                .push_bind($tenant)
                .push(" AND id IN (");
            let mut list = q.separated(", ");
            for group in groups {
                list.push_bind(*group);
            }
            q.push(")");
            let done = q.build().execute(&mut *$tx).await?;
            done.rows_affected() == groups.len() as u64
        }
    }};
}

const COLUMNS: &str = "id, tenant_id, account, password_hash, name, is_admin, is_stat, num, \
    gender, email, fixnumber, mobile, qq, custom_fields, call_center, ticket_state, chat_state, \
    call_state, max_chats, created_at, updated_at";

#[derive(Clone, Debug)]
pub struct AgentRow {
    pub id: i64,
    pub tenant_id: i64,
    /// Seed 002 `sPassportName`, seed 003 `serv_id`; unique on the server.
    pub account: String,
    pub password_hash: String,
    pub name: String,
    pub is_admin: bool,
    /// 1 active, 0 recycle bin, 2 purged (seed 002 `isStat`).
    pub is_stat: i64,
    /// Seed 002 `sNum`.
    pub num: String,
    /// Seed 002 `gnder`: 1 female, 2 male.
    pub gender: i64,
    pub email: String,
    pub fixnumber: String,
    pub mobile: String,
    pub qq: String,
    /// JSON list of `{key, value}` (domain::custom_fields::FieldValue).
    pub custom_fields: String,
    /// Call-center module permission (seed 002 `mType` 4).
    pub call_center: bool,
    /// Status names per module; `None` is the tenant's initial status.
    pub ticket_state: Option<String>,
    pub chat_state: Option<String>,
    pub call_state: Option<String>,
    /// Max concurrent chats; `None` is the tenant's default.
    pub max_chats: Option<i64>,
    pub created_at: f64,
    pub updated_at: f64,
}

impl AgentRow {
    pub fn is_active(&self) -> bool {
        self.is_stat == 1
    }
}

/// The editable profile of an agent, written whole.
#[derive(Clone, Debug, Default)]
pub struct AgentProfile {
    pub num: String,
    pub name: String,
    pub gender: i64,
    pub email: String,
    pub fixnumber: String,
    pub mobile: String,
    pub qq: String,
    pub is_admin: bool,
    pub custom_fields: String,
    /// Max concurrent chats; `None` is the tenant's default.
    pub max_chats: Option<i64>,
    /// Departments; `None` leaves them as they are (on update).
    pub group_ids: Option<Vec<i64>>,
}

/// One compare-and-swap write of an agent's profile.
pub struct ProfileWrite<'a> {
    pub profile: &'a AgentProfile,
    pub password_hash: Option<&'a str>,
    pub is_stat: Option<i64>,
    /// The `updated_at` the profile was read at.
    pub seen_updated_at: f64,
    pub now: f64,
}

pub struct NewAgent<'a> {
    pub tenant_id: i64,
    pub account: &'a str,
    pub password_hash: &'a str,
    pub profile: &'a AgentProfile,
    pub now: f64,
}

/// The three status modules of seed 002 (`plate`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plate {
    Tickets,
    OnlineChat,
    CallCenter,
}

impl Plate {
    /// The seed's module number: 1 tickets, 2 online chat, 3 call center.
    pub fn code(self) -> i64 {
        match self {
            Plate::Tickets => 1,
            Plate::OnlineChat => 2,
            Plate::CallCenter => 3,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Plate::Tickets => "ticket_state",
            Plate::OnlineChat => "chat_state",
            Plate::CallCenter => "call_state",
        }
    }
}

/// Which agents a list shows, and in what order.
#[derive(Clone, Debug, Default)]
pub struct AgentQuery {
    pub tenant_id: i64,
    pub created_from: Option<f64>,
    /// Exclusive: the end of the second (or day) the caller named.
    pub created_to: Option<f64>,
    /// Only members of this department.
    pub group_id: Option<i64>,
    /// A fuzzy match of one column.
    pub search: Option<(SearchColumn, String)>,
    pub order: AgentOrder,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchColumn {
    Account,
    Name,
    Num,
    Mobile,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AgentOrder {
    /// Seed 002: "默认按编码升序返回".
    #[default]
    IdAsc,
    CreatedAsc,
    CreatedDesc,
    UpdatedAsc,
    UpdatedDesc,
}

/// A department id that is not one of the tenant's.
#[derive(Debug)]
pub struct UnknownGroup;

impl Store {
    /// Creates an agent with its departments in one transaction. `Ok(Err)`
    /// when a department is not the tenant's (nothing is written).
    pub async fn insert_agent(
        &self,
        new: &NewAgent<'_>,
    ) -> Result<std::result::Result<i64, UnknownGroup>> {
        let p = new.profile;
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO agents (tenant_id, account, password_hash, name, is_admin, is_stat,
                    num, gender, email, fixnumber, mobile, qq, custom_fields, max_chats,
                    created_at, updated_at, account_folded, name_folded, num_folded, mobile_folded)
                 VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10, $11, $12, $14, $13, $13,
                    $15, $16, $17, $18)
                 RETURNING id",
            )
            .bind(new.tenant_id)
            .bind(new.account)
            .bind(new.password_hash)
            .bind(&p.name)
            .bind(p.is_admin)
            .bind(&p.num)
            .bind(p.gender)
            .bind(&p.email)
            .bind(&p.fixnumber)
            .bind(&p.mobile)
            .bind(&p.qq)
            .bind(&p.custom_fields)
            .bind(new.now)
            .bind(p.max_chats)
            .bind(search_key(new.account))
            .bind(search_key(&p.name))
            .bind(search_key(&p.num))
            .bind(search_key(&p.mobile))
            .fetch_one(&mut *tx)
            .await?;
            if let Some(groups) = &p.group_ids {
                if !set_groups!(tx, new.tenant_id, id, groups) {
                    return Ok(Err(UnknownGroup));
                }
            }
            tx.commit().await?;
            Ok(Ok(id))
        })
    }

    /// Writes an agent's profile (and password and `isStat` 0/1, when given)
    /// if it was not changed since `w.seen_updated_at`, so two concurrent
    /// edits cannot silently drop one another. `Ok(None)` when it changed
    /// meanwhile; `Ok(Some(Err))` for an unknown department.
    pub async fn update_agent(
        &self,
        tenant_id: i64,
        id: i64,
        w: &ProfileWrite<'_>,
    ) -> Result<Option<std::result::Result<(), UnknownGroup>>> {
        let p = w.profile;
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE agents SET num = $1, name = $2, gender = $3, email = $4, fixnumber = $5,
                    mobile = $6, qq = $7, is_admin = $8, custom_fields = $9,
                    password_hash = COALESCE($10, password_hash),
                    is_stat = COALESCE($11, is_stat), updated_at = $12, max_chats = $16,
                    name_folded = $17, num_folded = $18, mobile_folded = $19
                 WHERE tenant_id = $13 AND id = $14 AND updated_at = $15",
            )
            .bind(&p.num)
            .bind(&p.name)
            .bind(p.gender)
            .bind(&p.email)
            .bind(&p.fixnumber)
            .bind(&p.mobile)
            .bind(&p.qq)
            .bind(p.is_admin)
            .bind(&p.custom_fields)
            .bind(w.password_hash)
            .bind(w.is_stat)
            .bind(w.now)
            .bind(tenant_id)
            .bind(id)
            .bind(w.seen_updated_at)
            .bind(p.max_chats)
            .bind(search_key(&p.name))
            .bind(search_key(&p.num))
            .bind(search_key(&p.mobile))
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Ok(None);
            }
            if let Some(groups) = &p.group_ids {
                sqlx::query("DELETE FROM agent_group_members WHERE tenant_id = $1 AND agent_id = $2")
                    .bind(tenant_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if !set_groups!(tx, tenant_id, id, groups) {
                    return Ok(Some(Err(UnknownGroup)));
                }
            }
            tx.commit().await?;
            Ok(Some(Ok(())))
        })
    }

    /// Folds the searchable fields of agents written before they were kept
    /// folded (migration 5, or an older node): run once at start-up.
    pub(super) async fn fold_agent_fields(&self) -> Result<()> {
        with_pool!(self, write, pool => {
            let rows = sqlx::query(
                "SELECT tenant_id, id, account, name, num, mobile FROM agents
                 WHERE account_folded IS NULL OR name_folded IS NULL
                    OR num_folded IS NULL OR mobile_folded IS NULL",
            )
            .fetch_all(pool)
            .await?;
            for row in rows {
                let text = |column: &str| -> Result<String> {
                    Ok(search_key(&sqlx::Row::try_get::<String, _>(&row, column)?))
                };
                sqlx::query(
                    "UPDATE agents SET account_folded = $1, name_folded = $2, num_folded = $3,
                        mobile_folded = $4 WHERE tenant_id = $5 AND id = $6",
                )
                .bind(text("account")?)
                .bind(text("name")?)
                .bind(text("num")?)
                .bind(text("mobile")?)
                .bind(sqlx::Row::try_get::<i64, _>(&row, "tenant_id")?)
                .bind(sqlx::Row::try_get::<i64, _>(&row, "id")?)
                .execute(pool)
                .await?;
            }
            Ok(())
        })
    }

    /// Sets an agent's password (the operator's `kefu agent reset-password`).
    pub async fn set_agent_password(
        &self,
        tenant_id: i64,
        id: i64,
        password_hash: &str,
        now: f64,
    ) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query(
                "UPDATE agents SET password_hash = $1, updated_at = $2
                 WHERE tenant_id = $3 AND id = $4 AND is_stat IN (0, 1)",
            )
            .bind(password_hash)
            .bind(now)
            .bind(tenant_id)
            .bind(id)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// The agent who logs in with `account` (accounts are unique on the server).
    pub async fn agent_by_login(&self, account: &str) -> Result<Option<AgentRow>> {
        with_pool!(self, read, pool => {
            let sql = format!("SELECT {COLUMNS} FROM agents WHERE account = $1");
            let row = sqlx::query(&sql).bind(account).fetch_optional(pool).await?;
            row.map(|row| Ok(decode_agent!(&row))).transpose()
        })
    }

    pub async fn agent_by_account(
        &self,
        tenant_id: i64,
        account: &str,
    ) -> Result<Option<AgentRow>> {
        Ok(self
            .agent_by_login(account)
            .await?
            .filter(|agent| agent.tenant_id == tenant_id))
    }

    pub async fn agent_by_id(&self, tenant_id: i64, id: i64) -> Result<Option<AgentRow>> {
        with_pool!(self, read, pool => {
            let sql = format!("SELECT {COLUMNS} FROM agents WHERE tenant_id = $1 AND id = $2");
            let row = sqlx::query(&sql).bind(tenant_id).bind(id).fetch_optional(pool).await?;
            row.map(|row| Ok(decode_agent!(&row))).transpose()
        })
    }

    /// The listed agents of a tenant (not purged), in id order.
    pub async fn agents_by_ids(&self, tenant_id: i64, ids: &[i64]) -> Result<Vec<AgentRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        with_pool!(self, read, pool => {
            let mut q = QueryBuilder::new(format!(
                "SELECT {COLUMNS} FROM agents WHERE is_stat IN (0, 1) AND tenant_id = "
            ));
            q.push_bind(tenant_id).push(" AND id IN (");
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(") ORDER BY id");
            let rows = q.build().fetch_all(pool).await?;
            rows.iter().map(|row| Ok(decode_agent!(row))).collect()
        })
    }

    /// One page of agents (never purged ones) and how many match in all.
    pub async fn list_agents(&self, query: &AgentQuery) -> Result<(Vec<AgentRow>, i64)> {
        with_pool!(self, read, pool => {
            let mut q = QueryBuilder::new("SELECT COUNT(*) FROM agents WHERE ");
            push_agent_filter(&mut q, query);
            let count: i64 = q.build_query_scalar().fetch_one(pool).await?;
            let mut q = QueryBuilder::new(format!("SELECT {COLUMNS} FROM agents WHERE "));
            push_agent_filter(&mut q, query);
            q.push(match query.order {
                AgentOrder::IdAsc => " ORDER BY id ASC",
                AgentOrder::CreatedAsc => " ORDER BY created_at ASC, id ASC",
                AgentOrder::CreatedDesc => " ORDER BY created_at DESC, id DESC",
                AgentOrder::UpdatedAsc => " ORDER BY updated_at ASC, id ASC",
                AgentOrder::UpdatedDesc => " ORDER BY updated_at DESC, id DESC",
            });
            q.push(" LIMIT ").push_bind(query.limit);
            q.push(" OFFSET ").push_bind(query.offset);
            let rows = q.build().fetch_all(pool).await?;
            let rows = rows.iter().map(|row| Ok(decode_agent!(row))).collect::<Result<_>>()?;
            Ok((rows, count))
        })
    }

    /// Department ids of each listed agent, ascending: (agent id, group id).
    pub async fn groups_of_agents(&self, tenant_id: i64, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        with_pool!(self, read, pool => {
            let mut q = QueryBuilder::new(
                "SELECT agent_id, group_id FROM agent_group_members WHERE tenant_id = ",
            );
            q.push_bind(tenant_id).push(" AND agent_id IN (");
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(") ORDER BY agent_id, group_id");
            q.build_query_as::<(i64, i64)>().fetch_all(pool).await
        })
    }

    /// Sets an agent's `isStat` (1 active, 0 recycle bin, 2 purged), if it is
    /// now one of `from`.
    pub async fn set_agent_stat(
        &self,
        tenant_id: i64,
        id: i64,
        from: &[i64],
        to: i64,
        now: f64,
    ) -> Result<bool> {
        with_pool!(self, write, pool => {
            let mut q = QueryBuilder::new("UPDATE agents SET is_stat = ");
            q.push_bind(to).push(", updated_at = ").push_bind(now);
            q.push(" WHERE tenant_id = ").push_bind(tenant_id);
            q.push(" AND id = ").push_bind(id).push(" AND is_stat IN (");
            let mut list = q.separated(", ");
            for stat in from {
                list.push_bind(*stat);
            }
            q.push(")");
            Ok(q.build().execute(pool).await?.rows_affected() == 1)
        })
    }

    /// Opens (true) or closes the call-center module for an agent.
    pub async fn set_call_center(&self, tenant_id: i64, id: i64, open: bool) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query(
                "UPDATE agents SET call_center = $1 WHERE tenant_id = $2 AND id = $3 AND is_stat IN (0, 1)",
            )
            .bind(open)
            .bind(tenant_id)
            .bind(id)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Sets an agent's status name in one module. `accepting` (online chat
    /// only) is whether the new status takes work: recorded with the time in
    /// `agent_status_log` for the reports' "agents online over time".
    pub async fn set_agent_state(
        &self,
        tenant_id: i64,
        id: i64,
        plate: Plate,
        state: &str,
        accepting: Option<bool>,
    ) -> Result<bool> {
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            let sql = format!(
                "UPDATE agents SET {} = $1 WHERE tenant_id = $2 AND id = $3 AND is_stat IN (0, 1)",
                plate.column()
            );
            let done = sqlx::query(&sql).bind(state).bind(tenant_id).bind(id).execute(&mut *tx).await?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
            if let Some(accepting) = accepting {
                sqlx::query(
                    "INSERT INTO agent_status_log (tenant_id, agent_id, accepting, at)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(tenant_id)
                .bind(id)
                .bind(i64::from(accepting))
                .bind(crate::ids::now())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }
}

/// The WHERE clause of an agent list (after "WHERE ").
fn push_agent_filter<'a, DB>(q: &mut QueryBuilder<'a, DB>, query: &AgentQuery)
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    f64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    q.push("is_stat IN (0, 1) AND tenant_id = ")
        .push_bind(query.tenant_id);
    if let Some(from) = query.created_from {
        q.push(" AND created_at >= ").push_bind(from);
    }
    if let Some(to) = query.created_to {
        q.push(" AND created_at < ").push_bind(to);
    }
    if let Some(group) = query.group_id {
        q.push(" AND id IN (SELECT agent_id FROM agent_group_members WHERE group_id = ")
            .push_bind(group)
            .push(")");
    }
    if let Some((column, text)) = &query.search {
        let column = match column {
            SearchColumn::Account => "account",
            SearchColumn::Name => "name",
            SearchColumn::Num => "num",
            SearchColumn::Mobile => "mobile",
        };
        // The folded copy against the folded text: case-insensitive for every
        // script, the same on both backends (LOWER covers a row written by an
        // older node, until start-up folds it); '\' escapes the wildcards the
        // user typed.
        q.push(format_args!(
            " AND COALESCE({column}_folded, LOWER({column})) LIKE "
        ))
        .push_bind(format!("%{}%", escape_like(&search_key(text))))
        .push(" ESCAPE '\\'");
    }
}

fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
