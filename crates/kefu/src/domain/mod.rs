//! Domain rules: the conversation state machine, message kinds and paging.
//! Nothing in here performs I/O, so every rule is unit-tested on its own.

pub mod conversation;
pub mod message;
pub mod paging;
pub mod question;

/// An agent's integer id (seed 002 `sId`).
pub type AgentId = i64;
