//! kefu (客服): a customer-service chat server. See ARCHITECTURE.md for the map.

pub mod api;
pub mod cli;
pub mod config;
pub mod domain;
pub mod engine;
pub mod ids;
pub mod media;
pub mod realtime;
pub mod server;
pub mod storage;
pub mod webhooks;

/// The allocator of kefu's binaries (`#[global_allocator]` in `main.rs` and in
/// kefu-bench, which runs the server too): mimalloc. Under load glibc's
/// malloc took a tenth of the server's CPU, and it kept argon2's 19 MiB
/// blocks in every thread's arena.
pub use mimalloc::MiMalloc as Allocator;
