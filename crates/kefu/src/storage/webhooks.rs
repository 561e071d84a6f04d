//! Webhooks: storage (being written).
