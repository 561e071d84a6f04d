//! Webhooks: the admin services (being written).
