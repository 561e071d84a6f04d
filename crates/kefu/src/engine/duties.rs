//! Duty schedules (排班): admins create them in batches for several agents
//! and dates, change or delete one at a time. Routing reads them: an agent
//! with shifts today takes chats only inside one of them.

use super::agents::Admin;
use super::settings::TenantSettings;
use super::{Engine, Entity, Error, Result};
use crate::domain::calendar::{Date, LocalDateTime, TimeOfDay};
use crate::domain::schedule::{self, Shift};
use crate::ids::{now, random_token};
use crate::storage::DutyRow;

/// One shift as the client sends it (seed 002 `schedules[]`).
#[derive(Clone, Debug, Default)]
pub struct DutyText {
    pub name: String,
    pub remark: String,
    pub url: String,
    pub start_time: String,
    pub end_time: String,
}

/// One agent's shifts on one date, to create (seed 002 `duty[]`).
#[derive(Clone, Debug)]
pub struct DutyInput {
    pub agent_id: i64,
    pub date: String,
    pub schedules: Vec<DutyText>,
}

/// One agent's shifts on one date, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct DutyDay {
    pub agent_id: i64,
    pub date: String,
    pub schedules: Vec<DutyRow>,
}

/// Most shifts in one create, and the longest span a list covers.
pub const MAX_BATCH: usize = 1000;
pub const MAX_LIST_DAYS: i64 = 366;
/// A list without dates covers this many days from today.
pub const DEFAULT_LIST_DAYS: i64 = 31;

fn parse_date(field: &'static str, value: &str) -> Result<Date> {
    Date::parse(value)
        .ok_or_else(|| Error::invalid(field, format!("{field} must be a date like 2023-12-01")))
}

fn parse_time(field: &'static str, value: &str) -> Result<TimeOfDay> {
    TimeOfDay::parse(value)
        .ok_or_else(|| Error::invalid(field, format!("{field} must be a time like 15:00")))
}

impl DutyText {
    /// Validates the shift and writes it into `row` (whose id, agent and date stay).
    fn apply(&self, row: &mut DutyRow) -> Result<()> {
        let start = parse_time("start_time", &self.start_time)?;
        let end = parse_time("end_time", &self.end_time)?;
        Shift::new(start, end).map_err(|reason| Error::invalid("end_time", reason))?;
        schedule::validate_text(&self.name, &self.remark, &self.url)
            .map_err(|(field, reason)| Error::invalid(field, reason))?;
        row.start_time = start.to_string();
        row.end_time = end.to_string();
        row.name.clone_from(&self.name);
        row.remark.clone_from(&self.remark);
        row.url.clone_from(&self.url);
        Ok(())
    }
}

/// Groups shifts (ordered by agent, date, start) into agent-days.
fn by_day(rows: Vec<DutyRow>) -> Vec<DutyDay> {
    let mut days: Vec<DutyDay> = Vec::new();
    for row in rows {
        match days.last_mut() {
            Some(day) if day.agent_id == row.agent_id && day.date == row.date => {
                day.schedules.push(row)
            }
            _ => days.push(DutyDay {
                agent_id: row.agent_id,
                date: row.date.clone(),
                schedules: vec![row],
            }),
        }
    }
    days
}

pub(super) fn local_now(settings: &TenantSettings) -> Result<LocalDateTime> {
    LocalDateTime::from_unix(now(), settings.utc_offset())
        .ok_or_else(|| Error::Internal("the clock is out of range".to_owned()))
}

impl Engine {
    /// Shifts dated `start..=end` (default: today and the next 30 days).
    pub async fn list_duties(
        &self,
        admin: &Admin,
        start: Option<&str>,
        end: Option<&str>,
        agent_id: Option<i64>,
    ) -> Result<Vec<DutyDay>> {
        admin.require_admin()?;
        let start = match start {
            Some(s) => parse_date("startDT", s)?,
            None => local_now(&admin.settings)?.date,
        };
        let end = match end {
            Some(s) => parse_date("endDT", s)?,
            None => start.add_days(DEFAULT_LIST_DAYS - 1).unwrap_or(start),
        };
        let span = end.days_since_epoch() - start.days_since_epoch();
        if span < 0 {
            return Err(Error::invalid("endDT", "endDT must not be before startDT"));
        }
        if span >= MAX_LIST_DAYS {
            return Err(Error::invalid("endDT", "a list covers at most 366 days"));
        }
        let rows = self
            .store
            .duties_between(
                admin.tenant_id(),
                &start.to_string(),
                &end.to_string(),
                agent_id,
            )
            .await?;
        Ok(by_day(rows))
    }

    /// Creates shifts for several agents and dates, all or none.
    pub async fn create_duties(&self, admin: &Admin, input: &[DutyInput]) -> Result<Vec<DutyDay>> {
        admin.require_admin()?;
        if input.is_empty() {
            return Err(Error::invalid(
                "duty",
                "duty must list at least one agent and date",
            ));
        }
        let total: usize = input.iter().map(|d| d.schedules.len()).sum();
        if total > MAX_BATCH {
            return Err(Error::invalid("duty", "at most 1000 schedules at once"));
        }
        // One query for every agent named (a batch may name hundreds).
        let mut named: Vec<i64> = input.iter().map(|d| d.agent_id).collect();
        named.sort_unstable();
        named.dedup();
        let known = self.store.agents_by_ids(admin.tenant_id(), &named).await?;
        if known.len() != named.len() {
            return Err(Error::NotFound(Entity::Agent));
        }
        let mut days = Vec::with_capacity(input.len());
        for day in input {
            let date = parse_date("date", &day.date)?;
            if day.schedules.is_empty() {
                return Err(Error::invalid(
                    "schedules",
                    "schedules must list at least one shift",
                ));
            }
            let mut schedules = Vec::with_capacity(day.schedules.len());
            for text in &day.schedules {
                let mut row = DutyRow {
                    id: schedule::duty_id(day.agent_id, date, &random_token(13)),
                    agent_id: day.agent_id,
                    date: date.to_string(),
                    start_time: String::new(),
                    end_time: String::new(),
                    name: String::new(),
                    remark: String::new(),
                    url: String::new(),
                };
                text.apply(&mut row)?;
                schedules.push(row);
            }
            days.push(DutyDay {
                agent_id: day.agent_id,
                date: date.to_string(),
                schedules,
            });
        }
        let rows: Vec<DutyRow> = days
            .iter()
            .flat_map(|d| d.schedules.iter().cloned())
            .collect();
        self.store
            .insert_duties(admin.tenant_id(), &rows, now())
            .await?;
        Ok(days)
    }

    /// Changes one shift's hours and texts; its agent and date never change.
    pub async fn update_duty(
        &self,
        admin: &Admin,
        duty_id: &str,
        text: &DutyText,
    ) -> Result<DutyDay> {
        let mut row = self.duty(admin, duty_id).await?;
        text.apply(&mut row)?;
        if !self
            .store
            .update_duty(admin.tenant_id(), &row, now())
            .await?
        {
            return Err(Error::NotFound(Entity::Duty));
        }
        Ok(DutyDay {
            agent_id: row.agent_id,
            date: row.date.clone(),
            schedules: vec![row],
        })
    }

    /// Deletes one shift that has not started yet.
    pub async fn delete_duty(&self, admin: &Admin, duty_id: &str) -> Result<DutyDay> {
        let row = self.duty(admin, duty_id).await?;
        let date = parse_date("date", &row.date)?;
        let start = parse_time("start_time", &row.start_time)?;
        if schedule::has_started(date, start, local_now(&admin.settings)?) {
            return Err(Error::Conflict(
                "a schedule that has already started cannot be deleted",
            ));
        }
        if !self.store.delete_duty(admin.tenant_id(), duty_id).await? {
            return Err(Error::NotFound(Entity::Duty));
        }
        Ok(DutyDay {
            agent_id: row.agent_id,
            date: row.date.clone(),
            schedules: vec![row],
        })
    }

    /// Whether the agent's schedules let it take chats now (routing reads this).
    pub async fn on_duty(
        &self,
        tenant_id: i64,
        settings: &TenantSettings,
        agent_id: i64,
    ) -> Result<bool> {
        self.on_duty_at(tenant_id, agent_id, local_now(settings)?)
            .await
    }

    /// Whether the agent's schedules let it take chats at local time `at`:
    /// inside one of that day's shifts, or any time on a day without shifts.
    pub async fn on_duty_at(
        &self,
        tenant_id: i64,
        agent_id: i64,
        at: LocalDateTime,
    ) -> Result<bool> {
        let day = at.date.to_string();
        let rows = self
            .store
            .duties_between(tenant_id, &day, &day, Some(agent_id))
            .await?;
        let shifts: Vec<Shift> = rows
            .iter()
            .filter_map(|r| {
                Shift::new(
                    TimeOfDay::parse(&r.start_time)?,
                    TimeOfDay::parse(&r.end_time)?,
                )
                .ok()
            })
            .collect();
        Ok(schedule::on_duty(&shifts, at.time_of_day()))
    }

    async fn duty(&self, admin: &Admin, duty_id: &str) -> Result<DutyRow> {
        admin.require_admin()?;
        if schedule::parse_duty_id(duty_id).is_none() {
            return Err(Error::NotFound(Entity::Duty));
        }
        self.store
            .duty(admin.tenant_id(), duty_id)
            .await?
            .ok_or(Error::NotFound(Entity::Duty))
    }
}
