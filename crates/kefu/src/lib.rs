//! kefu (客服): a customer-service chat server. See ARCHITECTURE.md for the map.

pub mod api;
pub mod backup;
pub mod cli;
pub mod config;
pub mod domain;
pub mod engine;
#[doc(hidden)]
pub mod fuzzing;
pub mod ids;
pub mod media;
pub mod metrics;
pub mod realtime;
pub mod server;
pub mod storage;
pub mod web;
pub mod webhooks;
