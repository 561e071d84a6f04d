//! Real-time delivery: what reaches WebSockets, on one node or several.
//!
//! The engine raises [`Signal`]s through [`Signals`]: "messages were stored
//! for tenant T" (the messages themselves stay in the database, numbered in
//! commit order) and live events that are never stored (typing, queue
//! places, ...). The [`bus`] carries signals to every node (in process, or
//! over Redis pub/sub), and each node's [`Hub`] reads new messages from the
//! database by number and hands every socket its events, in stored order,
//! through a bounded queue per socket.

pub mod bus;
mod event;
mod hub;
mod limits;
pub mod redis;
mod signal;

pub use event::{durable_body, live_body, with_cursor};
pub use hub::{Hub, Kick, Outbound, Refused, Registration, Who};
pub use limits::{Limits, TokenBucket};
pub use signal::{Audience, Revoked, Signal, Signals};
