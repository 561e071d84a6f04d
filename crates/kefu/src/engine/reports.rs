//! Reports and transcript exports, for admins: storage gathers the facts of
//! a range of days, `domain::report` computes the figures.

use std::collections::HashMap;

use super::{Admin, Engine, Entity, Error, Result};
use crate::domain::calendar::Date;
use crate::domain::report::{compute, Range, Report};
use crate::ids::now;
use crate::storage::{AgentRow, ConversationRow, CustomerRow, MessageRow};

/// A report with the names its rows need.
pub struct ReportView {
    pub report: Report,
    /// Agent id to (account, name), for the agents the report names.
    pub agents: HashMap<i64, (String, String)>,
    pub departments: HashMap<i64, String>,
}

/// One conversation as an export shows it.
pub struct Transcript {
    pub question: ConversationRow,
    pub customer: Option<CustomerRow>,
    pub agent: Option<AgentRow>,
    pub messages: Vec<MessageRow>,
}

/// Conversations one export call answers at most.
pub const EXPORT_LIMIT: i64 = 500;

/// What to export.
pub enum Selection<'a> {
    One(&'a str),
    /// Started in these days (as [`Engine::report`] reads them), after the
    /// id `after`.
    Started {
        from: Option<Date>,
        to: Option<Date>,
        after: Option<&'a str>,
    },
}

impl Engine {
    /// The report of the days `from` to `to` in the tenant's time zone
    /// (without them, the week up to today).
    pub async fn report(
        &self,
        admin: &Admin,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<ReportView> {
        admin.require_admin()?;
        let range = range(admin, from, to)?;
        let tenant_id = admin.tenant_id();
        let (start, until) = range.bounds();
        let facts = self.store.report_facts(tenant_id, start, until).await?;
        let initially = self.store.accepting_at(tenant_id, start).await?;
        let changes = self.store.status_changes(tenant_id, start, until).await?;
        let report = compute(range, &facts, &initially, &changes, now());
        let mut agents = HashMap::new();
        for (id, _) in &report.agents {
            if let Some(a) = self.store.agent_by_id(tenant_id, *id).await? {
                agents.insert(a.id, (a.account, a.name));
            }
        }
        let (groups, _) = self.store.list_groups(tenant_id, 1000, 0).await?;
        let departments = groups.into_iter().map(|g| (g.id, g.name)).collect();
        Ok(ReportView {
            report,
            agents,
            departments,
        })
    }

    /// Conversations with every message, oldest first, and the cursor of
    /// the next call (None when this was the last).
    pub async fn transcripts(
        &self,
        admin: &Admin,
        selection: Selection<'_>,
    ) -> Result<(Vec<Transcript>, Option<String>)> {
        admin.require_admin()?;
        let tenant_id = admin.tenant_id();
        let (questions, next) = match selection {
            Selection::One(id) => match self.store.conversation(tenant_id, id).await? {
                Some(q) => (vec![q], None),
                None => return Err(Error::NotFound(Entity::Question)),
            },
            Selection::Started { from, to, after } => {
                let (start, until) = range(admin, from, to)?.bounds();
                let questions = self
                    .store
                    .conversations_started(tenant_id, start, until, after, EXPORT_LIMIT)
                    .await?;
                let full = questions.len() as i64 == EXPORT_LIMIT;
                let next = full.then(|| questions.last().map(|q| q.id.clone()));
                (questions, next.flatten())
            }
        };
        // A few agents serve many conversations: each is read once.
        let mut agents: HashMap<i64, Option<AgentRow>> = HashMap::new();
        let mut out = Vec::with_capacity(questions.len());
        for question in questions {
            let customer = self
                .store
                .customer(tenant_id, &question.customer_id)
                .await?;
            let agent = match question.agent_id {
                Some(id) => match agents.get(&id) {
                    Some(known) => known.clone(),
                    None => {
                        let row = self.store.agent_by_id(tenant_id, id).await?;
                        agents.insert(id, row.clone());
                        row
                    }
                },
                None => None,
            };
            let messages = self.store.transcript(tenant_id, &question.id).await?;
            out.push(Transcript {
                question,
                customer,
                agent,
                messages,
            });
        }
        Ok((out, next))
    }
}

fn range(admin: &Admin, from: Option<Date>, to: Option<Date>) -> Result<Range> {
    Range::requested(from, to, admin.settings.utc_offset(), now())
        .map_err(|(field, why)| Error::invalid(field, why))
}
