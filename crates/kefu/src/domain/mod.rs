//! Domain rules: the conversation state machine, message kinds, paging,
//! agents' custom fields, calendars and duty schedules. Nothing in here
//! performs I/O, so every rule is unit-tested on its own.

pub mod agent;
pub mod calendar;
pub mod conversation;
pub mod custom_fields;
pub mod egress;
pub mod link;
pub mod message;
pub mod origin;
pub mod paging;
pub mod question;
pub mod rating;
pub mod report;
pub mod routing;
pub mod schedule;

/// An agent's integer id (seed 002 `sId`).
pub type AgentId = i64;
