//! A small bounded map of recently used values that the database owns:
//! customer sessions and the conversations being chatted in. The hot path
//! (a chat message) reads them from here instead of the database; every
//! answer that matters is still settled by the database (see `messages.rs`:
//! the message write checks the conversation's version, and a refusal made
//! on a remembered row is checked again on a fresh one).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// Remembers at most `capacity` values; when full, it forgets everything
/// and starts again (cheap, and the working set refills in one round).
pub(super) struct Recent<K, V> {
    capacity: usize,
    map: Mutex<HashMap<K, V>>,
}

impl<K: Eq + Hash, V: Clone> Recent<K, V> {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            map: Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn get(&self, key: &K) -> Option<V> {
        self.lock().get(key).cloned()
    }

    pub(super) fn put(&self, key: K, value: V) {
        let mut map = self.lock();
        if map.len() >= self.capacity && !map.contains_key(&key) {
            map.clear();
            map.shrink_to(self.capacity / 8);
        }
        map.insert(key, value);
    }

    /// Forgets everything.
    pub(super) fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, V>> {
        // A panic while holding the lock cannot leave the map half-written
        // in a way that matters: it only remembers.
        self.map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_up_to_its_capacity_then_starts_again() {
        let recent = Recent::new(2);
        recent.put(1, "a");
        recent.put(2, "b");
        assert_eq!(recent.get(&1), Some("a"));
        recent.put(2, "B");
        assert_eq!(recent.get(&1), Some("a"), "replacing a key is not growth");
        recent.put(3, "c");
        assert_eq!(recent.get(&1), None);
        assert_eq!(recent.get(&3), Some("c"));
    }
}
