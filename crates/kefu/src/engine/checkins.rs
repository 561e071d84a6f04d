//! Check-ins (签到) and check-outs (签退): an agent records its own, with a
//! remark, attachment URLs, tags and where it was; admins list them.

use super::agents::Admin;
use super::{Engine, Error, Result};
use crate::ids::now;
use crate::storage::{CheckinQuery, CheckinRow, NewCheckin};

pub type CheckinView = CheckinRow;

/// What an agent sends when it checks in or out.
#[derive(Clone, Debug, Default)]
pub struct CheckinInput {
    /// true: check-out (签退); false: check-in (签到).
    pub check_out: bool,
    pub remark: String,
    pub attachments: Vec<String>,
    pub tags: Vec<String>,
    /// Seed 002 `clockingPoint`: place and coordinates, as text.
    pub location: String,
}

pub const MAX_REMARK: usize = 500;
pub const MAX_ATTACHMENTS: usize = 9;
pub const MAX_TAGS: usize = 10;
pub const MAX_TAG: usize = 20;
pub const MAX_LOCATION: usize = 200;

impl CheckinInput {
    fn validate(&self) -> Result<()> {
        if self.remark.chars().count() > MAX_REMARK {
            return Err(Error::invalid(
                "remark",
                "remark must be at most 500 characters",
            ));
        }
        if self.attachments.len() > MAX_ATTACHMENTS {
            return Err(Error::invalid("attachments", "at most 9 attachments"));
        }
        for url in &self.attachments {
            let web = url.starts_with("https://") || url.starts_with("http://");
            if !web || url.len() > 2048 || url.contains(',') || url.chars().any(char::is_whitespace)
            {
                return Err(Error::invalid(
                    "attachments",
                    "each attachment must be an http(s) URL without commas or spaces",
                ));
            }
        }
        if self.tags.len() > MAX_TAGS {
            return Err(Error::invalid("tags", "at most 10 tags"));
        }
        if self
            .tags
            .iter()
            .any(|t| t.trim().is_empty() || t.chars().count() > MAX_TAG)
        {
            return Err(Error::invalid(
                "tags",
                "each tag must be 1 to 20 characters",
            ));
        }
        if self.location.chars().count() > MAX_LOCATION {
            return Err(Error::invalid(
                "clockingPoint",
                "clockingPoint must be at most 200 characters",
            ));
        }
        let texts = [&self.remark, &self.location];
        if texts
            .iter()
            .any(|t| t.chars().any(|c| c.is_control() && c != '\n'))
        {
            return Err(Error::invalid(
                "remark",
                "texts must not contain control characters",
            ));
        }
        Ok(())
    }
}

impl Engine {
    /// Records the caller's own check-in or check-out.
    pub async fn check_in(&self, admin: &Admin, input: &CheckinInput) -> Result<CheckinView> {
        input.validate()?;
        let json =
            |list: &Vec<String>| serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned());
        let mut record = CheckinView {
            id: 0,
            agent_id: admin.agent.id,
            kind: if input.check_out { 2 } else { 1 },
            remark: input.remark.clone(),
            attachments: json(&input.attachments),
            tags: json(&input.tags),
            location: input.location.clone(),
            created_at: now(),
            name: admin.agent.name.clone(),
            num: admin.agent.num.clone(),
        };
        record.id = self
            .store
            .insert_checkin(&NewCheckin {
                tenant_id: admin.tenant_id(),
                agent_id: record.agent_id,
                kind: record.kind,
                remark: &record.remark,
                attachments: &record.attachments,
                tags: &record.tags,
                location: &record.location,
                now: record.created_at,
            })
            .await?;
        Ok(record)
    }

    /// One page of the tenant's check-ins and the total.
    pub async fn list_checkins(
        &self,
        admin: &Admin,
        mut query: CheckinQuery,
    ) -> Result<(Vec<CheckinView>, i64)> {
        admin.require_admin()?;
        query.tenant_id = admin.tenant_id();
        Ok(self.store.list_checkins(&query).await?)
    }
}
