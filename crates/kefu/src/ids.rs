//! Identifiers, credentials and their hashes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

/// The instant kefu's clock stands still at (`f64` bits), 0 when it runs:
/// always 0 in a server; tests that script a history with known times set
/// it ([`freeze_clock`]).
static FROZEN_AT: AtomicU64 = AtomicU64::new(0);

/// Current Unix time in seconds, as the seeds' float timestamps. Every
/// stored time (messages, notices, sessions, shifts, reports) reads this.
pub fn now() -> f64 {
    match FROZEN_AT.load(Ordering::Relaxed) {
        0 => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0),
        bits => f64::from_bits(bits),
    }
}

/// Stops this process's clock ([`now`]) at `at` (Unix seconds), or lets it
/// run again with None: for tests that need conversations started, answered
/// and finished at known times. Ids stay increasing whatever the clock does.
pub fn freeze_clock(at: Option<f64>) {
    let bits = at.filter(|t| *t > 0.0).map_or(0, f64::to_bits);
    FROZEN_AT.store(bits, Ordering::Relaxed);
}

/// A new 24-character time-ordered id: 48 bits of milliseconds and a 16-bit
/// sequence (strictly increasing within this process), then 32 random bits,
/// fresh for every id, that keep ids of different nodes apart and make an id
/// hard to guess from another one. Sorting ids sorts by creation time, which
/// is why they double as the seeds' paging cursors.
pub fn new_id() -> String {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let millis = (now() * 1000.0).max(0.0) as u64;
    let mut last = LAST.load(Ordering::Relaxed);
    let next = loop {
        let candidate = (millis << 16).max(last + 1);
        match LAST.compare_exchange_weak(last, candidate, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => break candidate,
            Err(seen) => last = seen,
        }
    };
    let random = u32::from_le_bytes(random_bytes::<4>());
    format!("{next:016x}{random:08x}")
}

/// A random token of `len` characters from `[A-Za-z0-9]` (about 5.95 bits each).
pub fn random_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for byte in random_bytes::<32>() {
            // 248 = 4 × 62: rejecting above it keeps every character equally likely.
            if byte < 248 && out.len() < len {
                out.push(ALPHABET[(byte % 62) as usize] as char);
            }
        }
    }
    out
}

/// A random number (routing's tie-breaks and random strategy).
pub fn random_u64() -> u64 {
    u64::from_le_bytes(random_bytes::<8>())
}

/// A random UUID (version 4), as seed 001 shows for user ids.
pub fn uuid_v4() -> String {
    let mut b = random_bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    buf
}

/// Hex SHA-256, used for credentials that are already high-entropy random
/// (sessions, secret keys) and for content-addressed media.
pub fn sha256_hex(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_24_hex_and_strictly_increasing() {
        let ids: Vec<String> = (0..10_000).map(|_| new_id()).collect();
        assert!(ids.iter().all(|id| id.len() == 24));
        assert!(ids
            .iter()
            .all(|id| id.bytes().all(|b| b.is_ascii_hexdigit())));
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn tokens_have_the_asked_length_and_alphabet() {
        let t = random_token(12);
        assert_eq!(t.len(), 12);
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(random_token(12), random_token(12));
    }

    #[test]
    fn sha256_is_hex_of_the_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
