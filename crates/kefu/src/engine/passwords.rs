//! Agents' passwords: argon2id hashes, made and checked on one thread, and
//! the logins proven recently, so that repeated HTTP Basic calls do not pay
//! for argon2 each time.
//!
//! **One thread.** Argon2id with the crate's default parameters (19 MiB, 2
//! passes, 1 lane) fills 19 MiB of memory per hash. Run on tokio's
//! blocking pool, every concurrent check took a thread and 19 MiB of its
//! own, and glibc's per-thread arenas kept those blocks afterwards (past the
//! first free, glibc raises its mmap threshold, so later blocks come from the
//! arenas): a few dozen concurrent admin calls left the server at a gigabyte.
//! Here every hash and check runs on one OS thread, started on first use and
//! fed by a bounded channel; it hashes into one block of memory it allocates
//! on its first job and keeps for its life (argon2's
//! `hash_password_into_with_memory`). New hashes use OWASP's equally strong
//! 7 MiB, 5 passes (see [`params`]). So the server holds one 7 MiB block
//! whatever the load and whatever the allocator; callers wait their turn
//! instead of using more memory. (Giving the block back between bursts was
//! tried: with mimalloc as allocator the freed block stayed resident in an
//! idle server anyway, and bursts briefly held two or three.)
//!
//! **Remembered logins.** After a successful check, the agent's id, its
//! stored hash and the password given are remembered for a few minutes as
//! one HMAC-SHA256 tag under a key drawn at random when the process starts
//! (the password itself is not kept). A later check of the same agent skips
//! argon2 when the tag of (agent, stored hash, password given) is the one
//! remembered: the stored hash is the one the database holds now (the caller
//! has just read it), so a password change, which changes the stored hash,
//! retires what was remembered at once. Wrong passwords are never
//! remembered; they always run argon2 (as do unknown accounts, against a
//! dummy hash, so that timing does not tell which accounts exist).

use std::panic::AssertUnwindSafe;
use std::sync::{LazyLock, OnceLock};
use std::time::{Duration, Instant};

use argon2::password_hash::{
    self, rand_core::OsRng, Output, ParamsString, PasswordHash, Salt, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::{mpsc, oneshot};

use super::recent::Recent;
use super::{Error, Result};

/// How long a proven login is remembered.
const REMEMBER_FOR: Duration = Duration::from_secs(5 * 60);
/// How many agents' logins are remembered at most (about 100 bytes each).
const REMEMBERED: usize = 4096;
/// Hashes and checks waiting for the thread; past this, callers wait to
/// queue (each waiting caller holds only its request).
const QUEUE: usize = 1024;

/// Argon2id with OWASP's 7 MiB, 5 passes, 1 lane: the same strength as the
/// crate's default (19 MiB, 2 passes) for a third of the memory the server
/// holds for it. Hashes made with other parameters still verify (a PHC
/// string carries its own).
fn params() -> Params {
    Params::new(7 * 1024, 5, 1, None).expect("OWASP's argon2id parameters are valid")
}

/// What every new hash is made with.
fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

/// Hashes a password with a fresh salt, as a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`).
pub(super) async fn hash(password: String) -> Result<String> {
    let (reply, answer) = oneshot::channel();
    submit(Job::Hash { password, reply }).await?;
    answer
        .await
        .map_err(|_| Error::Internal("the password thread dropped a hash".into()))?
        .map_err(|e| Error::Internal(format!("hashing failed: {e}")))
}

/// The agent a password is checked for: its id and the hash stored for it,
/// as just read from the database.
#[derive(Clone, Debug)]
pub(super) struct Stored {
    pub agent_id: i64,
    pub hash: String,
}

/// Checks a password against an agent's stored hash; with no agent (an
/// unknown account) it does the same work against a dummy hash and answers
/// `false`.
pub(super) async fn verify(password: &str, stored: Option<Stored>) -> Result<bool> {
    Ok(check(password, stored).await? != Outcome::Refused)
}

/// How a check ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Right, as proven recently: argon2 did not run.
    Remembered,
    /// Right, proven by argon2 (and now remembered).
    Proven,
    /// Wrong, or no such agent.
    Refused,
}

async fn check(password: &str, stored: Option<Stored>) -> Result<Outcome> {
    let tag = stored.as_ref().map(|s| tag(s, password));
    if let (Some(s), Some(tag)) = (&stored, &tag) {
        if remembered(s.agent_id, tag, Instant::now()) {
            return Ok(Outcome::Remembered);
        }
    }
    let (reply, answer) = oneshot::channel();
    let job = Job::Verify {
        password: password.to_owned(),
        stored: stored.zip(tag),
        reply,
    };
    submit(job).await?;
    answer
        .await
        .map_err(|_| Error::Internal("the password thread dropped a check".into()))
}

// ---------------------------------------------------------------------------
// Remembered logins.

type Tag = [u8; 32];

/// The process's key and the logins proven recently: agent id → (tag, when).
struct Memory {
    key: Hmac<Sha256>,
    proven: Recent<i64, (Tag, Instant)>,
}

static MEMORY: LazyLock<Memory> = LazyLock::new(|| {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).expect("the operating system's random source failed");
    Memory {
        key: Hmac::new_from_slice(&key).expect("HMAC takes keys of any length"),
        proven: Recent::new(REMEMBERED),
    }
});

/// HMAC-SHA256 of (agent id, stored hash, password), each length-prefixed.
fn tag(stored: &Stored, password: &str) -> Tag {
    let mut mac = MEMORY.key.clone();
    mac.update(&stored.agent_id.to_le_bytes());
    mac.update(&(stored.hash.len() as u64).to_le_bytes());
    mac.update(stored.hash.as_bytes());
    mac.update(&(password.len() as u64).to_le_bytes());
    mac.update(password.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Whether this tag was proven for this agent less than [`REMEMBER_FOR`] before `now`.
fn remembered(agent_id: i64, tag: &Tag, now: Instant) -> bool {
    match MEMORY.proven.get(&agent_id) {
        Some((known, at)) => {
            now.saturating_duration_since(at) < REMEMBER_FOR && constant_time_eq(&known, tag)
        }
        None => false,
    }
}

fn remember(agent_id: i64, tag: Tag, now: Instant) {
    MEMORY.proven.put(agent_id, (tag, now));
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------------------
// The thread.

enum Job {
    Hash {
        password: String,
        reply: oneshot::Sender<password_hash::Result<String>>,
    },
    Verify {
        password: String,
        stored: Option<(Stored, Tag)>,
        reply: oneshot::Sender<Outcome>,
    },
}

/// Hands a job to the thread, starting it on first use.
async fn submit(job: Job) -> Result<()> {
    static JOBS: OnceLock<std::result::Result<mpsc::Sender<Job>, String>> = OnceLock::new();
    let jobs = JOBS.get_or_init(|| {
        let (jobs, queue) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("kefu-passwords".into())
            .spawn(move || {
                let mut queue = queue;
                Worker::default().run(&mut queue);
            })
            .map(|_| jobs)
            .map_err(|e| e.to_string())
    });
    let jobs = jobs
        .as_ref()
        .map_err(|e| Error::Internal(format!("the password thread did not start: {e}")))?;
    jobs.send(job)
        .await
        .map_err(|_| Error::Internal("the password thread has stopped".into()))
}

/// The thread's state: its argon2 memory, and the dummy hash unknown
/// accounts are checked against.
#[derive(Default)]
struct Worker {
    memory: Vec<Block>,
    dummy: Option<String>,
    /// How many times the memory was allocated (for tests).
    allocations: u64,
}

impl Worker {
    /// Serves jobs until every sender is gone.
    fn run(&mut self, queue: &mut mpsc::Receiver<Job>) {
        while let Some(job) = queue.blocking_recv() {
            // A panic in one job drops its reply (the caller gets an error)
            // and leaves the thread serving the others.
            let _ = std::panic::catch_unwind(AssertUnwindSafe(|| self.serve(job)));
        }
    }

    /// Does a job, unless its caller has stopped waiting (a client that
    /// hung up while queued costs no argon2).
    fn serve(&mut self, job: Job) {
        match job {
            Job::Hash { password, reply } => {
                if !reply.is_closed() {
                    let _ = reply.send(self.hash(password.as_bytes()));
                }
            }
            Job::Verify {
                password,
                stored,
                reply,
            } => {
                if !reply.is_closed() {
                    let _ = reply.send(self.verify(&password, stored));
                }
            }
        }
    }

    fn hash(&mut self, password: &[u8]) -> password_hash::Result<String> {
        let salt = SaltString::generate(&mut OsRng);
        let argon2 = hasher();
        let params = argon2.params();
        let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        let output = self.compute(&argon2, password, salt.as_salt(), len)?;
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(params)?,
            salt: Some(salt.as_salt()),
            hash: Some(output),
        };
        Ok(hash.to_string())
    }

    fn verify(&mut self, password: &str, stored: Option<(Stored, Tag)>) -> Outcome {
        let Some((stored, tag)) = stored else {
            // An unknown account: the same work, and a refusal.
            let dummy = match &self.dummy {
                Some(dummy) => dummy.clone(),
                None => {
                    let dummy = self.hash(b"not a password").unwrap_or_default();
                    self.dummy.insert(dummy).clone()
                }
            };
            let _ = self.matches(password.as_bytes(), &dummy);
            return Outcome::Refused;
        };
        // A check queued behind one that just proved the same login (many
        // concurrent calls of one agent) need not run argon2 again.
        if remembered(stored.agent_id, &tag, Instant::now()) {
            return Outcome::Remembered;
        }
        if !self.matches(password.as_bytes(), &stored.hash) {
            return Outcome::Refused;
        }
        remember(stored.agent_id, tag, Instant::now());
        Outcome::Proven
    }

    /// Whether `password` hashes to the PHC string `hash` (with the
    /// algorithm, version and parameters written in it).
    fn matches(&mut self, password: &[u8], hash: &str) -> bool {
        let Ok(hash) = PasswordHash::new(hash) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (hash.salt, &hash.hash) else {
            return false;
        };
        let argon2 = (|| -> password_hash::Result<Argon2<'static>> {
            let algorithm = Algorithm::try_from(hash.algorithm)?;
            let version = hash
                .version
                .map(Version::try_from)
                .transpose()?
                .unwrap_or_default();
            Ok(Argon2::new(algorithm, version, Params::try_from(&hash)?))
        })();
        let Ok(argon2) = argon2 else {
            return false;
        };
        match self.compute(&argon2, password, salt, expected.len()) {
            // `Output`'s comparison takes constant time.
            Ok(computed) => &computed == expected,
            Err(_) => false,
        }
    }

    /// Argon2's output of `len` bytes, in the thread's memory when the
    /// parameters are [`params`] (or smaller); a hash with larger ones (made
    /// before, with the crate's 19 MiB default) gets memory of its own for
    /// that one check.
    fn compute(
        &mut self,
        argon2: &Argon2<'_>,
        password: &[u8],
        salt: Salt<'_>,
        len: usize,
    ) -> password_hash::Result<Output> {
        let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
        let salt = salt.decode_b64(&mut salt_bytes)?;
        let needed = argon2.params().block_count();
        let kept = params().block_count();
        if needed > kept {
            return Output::init_with(len, |out| {
                Ok(argon2.hash_password_into(password, salt, out)?)
            });
        }
        if self.memory.len() < kept {
            self.memory = vec![Block::new(); kept];
            self.allocations += 1;
        }
        let memory = &mut self.memory[..needed];
        Output::init_with(len, |out| {
            Ok(argon2.hash_password_into_with_memory(password, salt, out, &mut *memory)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    /// An agent id no other test uses (the memory is the process's).
    fn agent_id() -> i64 {
        (crate::ids::random_u64() >> 2) as i64
    }

    async fn stored(password: &str) -> Stored {
        Stored {
            agent_id: agent_id(),
            hash: hash(password.to_owned()).await.expect("hash"),
        }
    }

    #[tokio::test]
    async fn a_proven_login_is_remembered_and_a_wrong_one_never() {
        let agent = stored("s3cret").await;
        let ok = |outcome| assert_eq!(outcome, Outcome::Refused);
        ok(check("s3cre", Some(agent.clone())).await.expect("check"));
        ok(check("S3cret", Some(agent.clone())).await.expect("check"));
        let first = check("s3cret", Some(agent.clone())).await.expect("check");
        assert_eq!(first, Outcome::Proven);
        let again = check("s3cret", Some(agent.clone())).await.expect("check");
        assert_eq!(again, Outcome::Remembered);
        // Remembered or not, a wrong password is refused (by argon2).
        for wrong in ["s3cret ", "", "s3cre", "another"] {
            ok(check(wrong, Some(agent.clone())).await.expect("check"));
        }
        assert!(verify("s3cret", Some(agent.clone())).await.expect("verify"));
        assert!(!verify("nope", Some(agent)).await.expect("verify"));
    }

    #[tokio::test]
    async fn a_new_stored_hash_retires_what_was_remembered() {
        let old = stored("first-1").await;
        assert_eq!(
            check("first-1", Some(old.clone())).await.expect("check"),
            Outcome::Proven
        );
        // The same agent, its password changed (a new hash, another salt).
        let new = Stored {
            agent_id: old.agent_id,
            hash: hash("second-2".to_owned()).await.expect("hash"),
        };
        let refused = check("first-1", Some(new.clone())).await.expect("check");
        assert_eq!(refused, Outcome::Refused, "the old password");
        assert_eq!(
            check("second-2", Some(new.clone())).await.expect("check"),
            Outcome::Proven
        );
        assert_eq!(
            check("second-2", Some(new)).await.expect("check"),
            Outcome::Remembered
        );
        // Even set back to the same password, a new hash is proven afresh.
        let back = Stored {
            agent_id: old.agent_id,
            hash: hash("first-1".to_owned()).await.expect("hash"),
        };
        assert_eq!(
            check("first-1", Some(back)).await.expect("check"),
            Outcome::Proven
        );
        // Another agent with the same stored hash shares nothing.
        let other = Stored {
            agent_id: old.agent_id + 1,
            hash: old.hash.clone(),
        };
        assert_eq!(
            check("first-1", Some(other)).await.expect("check"),
            Outcome::Proven
        );
    }

    #[tokio::test]
    async fn a_remembered_login_expires() {
        let agent = stored("pw").await;
        assert_eq!(
            check("pw", Some(agent.clone())).await.expect("check"),
            Outcome::Proven
        );
        let tag = tag(&agent, "pw");
        let now = Instant::now();
        assert!(remembered(agent.agent_id, &tag, now));
        assert!(!remembered(agent.agent_id, &tag, now + REMEMBER_FOR));
    }

    #[tokio::test]
    async fn unknown_accounts_and_broken_hashes_are_refused() {
        assert_eq!(
            check("anything", None).await.expect("check"),
            Outcome::Refused
        );
        assert_eq!(check("", None).await.expect("check"), Outcome::Refused);
        let good = stored("pw").await;
        let broken = [
            String::new(),
            "not a hash".to_owned(),
            good.hash.replace("argon2id", "argon2x"),
            good.hash.replace("m=7168", "m=1"),
            good.hash.rsplit_once('$').expect("a $").0.to_owned(),
        ];
        for hash in broken {
            let agent = Stored {
                agent_id: agent_id(),
                hash: hash.clone(),
            };
            let outcome = check("pw", Some(agent)).await.expect("check");
            assert_eq!(outcome, Outcome::Refused, "{hash}");
        }
    }

    #[tokio::test]
    async fn hashes_are_the_argon2_crates_own() {
        // Ours verify with the crate's verifier.
        let ours = hash("pw-1".to_owned()).await.expect("hash");
        assert!(ours.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{ours}");
        let parsed = PasswordHash::new(&ours).expect("a PHC string");
        assert!(Argon2::default().verify_password(b"pw-1", &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"pw-2", &parsed).is_err());
        // The crate's verify with ours, whatever their parameters: the
        // defaults (in the kept memory), smaller ones (a part of it), larger
        // ones (memory of their own) and other algorithms.
        let salt = SaltString::generate(&mut OsRng);
        let made = [
            (Algorithm::Argon2id, Params::DEFAULT),
            (
                Algorithm::Argon2id,
                Params::new(64, 1, 1, None).expect("params"),
            ),
            (
                Algorithm::Argon2i,
                Params::new(256, 3, 2, Some(16)).expect("params"),
            ),
            (
                Algorithm::Argon2d,
                Params::new(32 * 1024, 1, 1, None).expect("params"),
            ),
        ];
        for (algorithm, params) in made {
            let theirs = Argon2::new(algorithm, Version::V0x13, params)
                .hash_password(b"pw-1", &salt)
                .expect("hash")
                .to_string();
            let right = check(
                "pw-1",
                Some(Stored {
                    agent_id: agent_id(),
                    hash: theirs.clone(),
                }),
            );
            assert_eq!(right.await.expect("check"), Outcome::Proven, "{theirs}");
            let wrong = check(
                "pw-2",
                Some(Stored {
                    agent_id: agent_id(),
                    hash: theirs.clone(),
                }),
            );
            assert_eq!(wrong.await.expect("check"), Outcome::Refused, "{theirs}");
        }
    }

    #[test]
    fn the_memory_is_allocated_once_for_every_job() {
        let mut worker = Worker::default();
        let (jobs, mut queue) = mpsc::channel(QUEUE);
        let mut answers = Vec::new();
        for n in 0..3 {
            let (reply, answer) = oneshot::channel();
            let password = format!("pw-{n}");
            jobs.try_send(Job::Hash { password, reply })
                .expect("room in the queue");
            answers.push(answer);
        }
        drop(jobs);
        worker.run(&mut queue);
        assert_eq!(worker.allocations, 1, "three hashes share one block");
        assert_eq!(worker.memory.len(), params().block_count());
        for answer in answers {
            let hash = answer.blocking_recv().expect("an answer").expect("a hash");
            assert!(hash.starts_with("$argon2id$"), "{hash}");
        }

        // Later jobs, after the queue was empty, use it again.
        let (jobs, mut queue) = mpsc::channel(QUEUE);
        let (reply, answer) = oneshot::channel();
        let stored = Stored {
            agent_id: agent_id(),
            hash: Argon2::default()
                .hash_password(b"pw", &SaltString::generate(&mut OsRng))
                .expect("hash")
                .to_string(),
        };
        let tag = tag(&stored, "pw");
        let password = "pw".to_owned();
        let job = Job::Verify {
            password,
            stored: Some((stored, tag)),
            reply,
        };
        jobs.try_send(job).expect("room in the queue");
        drop(jobs);
        worker.run(&mut queue);
        assert_eq!(answer.blocking_recv().expect("an answer"), Outcome::Proven);
        assert_eq!(worker.allocations, 1);
    }

    #[test]
    fn a_job_nobody_waits_for_is_skipped() {
        let mut worker = Worker::default();
        let (jobs, mut queue) = mpsc::channel(QUEUE);
        let (reply, answer) = oneshot::channel();
        let password = "pw".to_owned();
        let job = Job::Verify {
            password,
            stored: None,
            reply,
        };
        jobs.try_send(job).expect("room in the queue");
        drop(answer);
        drop(jobs);
        worker.run(&mut queue);
        assert_eq!(worker.allocations, 0, "argon2 did not run");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_checks_of_one_login_run_argon2_once() {
        let agent = stored("pw").await;
        let mut checks = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let agent = agent.clone();
            checks.spawn(async move { check("pw", Some(agent)).await.expect("check") });
        }
        let mut proven = 0;
        while let Some(outcome) = checks.join_next().await {
            match outcome.expect("a check") {
                Outcome::Proven => proven += 1,
                Outcome::Remembered => {}
                Outcome::Refused => panic!("the right password was refused"),
            }
        }
        // The first proves it; the ones queued behind it find it remembered.
        assert_eq!(proven, 1);
    }
}
