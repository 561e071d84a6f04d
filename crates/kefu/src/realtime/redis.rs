//! A minimal Redis client (being written).
