//! WebSocket client helpers for tests (being written).
