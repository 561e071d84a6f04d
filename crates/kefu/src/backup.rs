//! `kefu backup` and `kefu restore`, for SQLite: a consistent copy of a live
//! database (`VACUUM INTO`, while the server keeps writing) and of the media
//! folder, described by a manifest that restore checks before it puts
//! anything back. PostgreSQL has its own tools (`pg_dump`, `pg_restore`):
//! both commands refuse it, before connecting, and say so.
//!
//! A backup folder holds `kefu.db`, `media/` and, written last,
//! `kefu-backup.json`: a folder with a manifest is a whole backup.

use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection};

use crate::config::Config;
use crate::domain::calendar::{LocalDateTime, UtcOffset};

/// The manifest's file name in a backup folder.
pub const MANIFEST: &str = "kefu-backup.json";
/// The database copy's file name in a backup folder.
const DATABASE: &str = "kefu.db";
/// The media copy's folder name in a backup folder.
const MEDIA: &str = "media";
/// The manifest's layout; restore refuses others.
const FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Doing it would overwrite, mix up or misread data.
    #[error("{0}")]
    Refused(String),
    #[error("{what}: {source}")]
    Io { what: String, source: io::Error },
    #[error("{what}: {source}")]
    Database { what: String, source: sqlx::Error },
}

type Result<T> = std::result::Result<T, BackupError>;

fn io_error(what: impl std::fmt::Display) -> impl FnOnce(io::Error) -> BackupError {
    move |source| BackupError::Io {
        what: what.to_string(),
        source,
    }
}

fn db_error(what: impl std::fmt::Display) -> impl FnOnce(sqlx::Error) -> BackupError {
    move |source| BackupError::Database {
        what: what.to_string(),
        source,
    }
}

/// What a backup holds, as `kefu-backup.json` says (and `kefu backup` prints).
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub kefu_version: String,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_at: String,
    /// The database copy's file name in the folder.
    pub database: String,
    /// The newest migration applied to the copy (`kefu_migrations`).
    pub schema_version: i64,
    pub database_bytes: u64,
    pub tenants: i64,
    pub messages: i64,
    pub media_files: u64,
    pub media_bytes: u64,
}

/// `kefu backup`'s answer: where, and the manifest.
#[derive(Debug, Serialize)]
pub struct Written {
    pub backup: PathBuf,
    #[serde(flatten)]
    pub manifest: Manifest,
}

/// `kefu restore`'s answer.
#[derive(Debug, Serialize)]
pub struct Restored {
    pub restored_from: PathBuf,
    pub created_at: String,
    pub database: PathBuf,
    pub media: PathBuf,
    pub messages: i64,
    pub media_files: u64,
    /// What was there before, renamed rather than deleted.
    pub kept_aside: Vec<PathBuf>,
}

/// The figures of a database copy that a manifest records.
struct Facts {
    schema_version: i64,
    tenants: i64,
    messages: i64,
}

/// Writes a backup of the configured database and media into `to`, which
/// must be new or empty.
pub async fn backup(config: &Config, to: &Path) -> Result<Written> {
    let live = sqlite_file(config, "kefu backup", POSTGRES_BACKUP)?;
    if !live.is_file() {
        return Err(BackupError::Refused(format!(
            "there is no database at {}",
            live.display()
        )));
    }
    let media = config.media_dir();
    prepare_folder(to, &media)?;
    let written = write_backup(&live, &media, to).await;
    if written.is_err() {
        // `to` was empty: everything in it is this attempt's.
        for name in [DATABASE, PARTIAL, MEDIA, MANIFEST_PARTIAL] {
            let path = to.join(name);
            let _ = std::fs::remove_file(&path).or_else(|_| std::fs::remove_dir_all(&path));
        }
    }
    Ok(Written {
        backup: to.to_owned(),
        manifest: written?,
    })
}

const POSTGRES_BACKUP: &str = "kefu backup copies SQLite databases; this one is PostgreSQL: \
     back it up with pg_dump (pg_dump -Fc -f kefu.dump DATABASE_URL) and copy the media \
     folder as well (docs/operations.md, Backups)";
const POSTGRES_RESTORE: &str = "kefu restore puts back SQLite backups; this database is \
     PostgreSQL: restore a pg_dump with pg_restore (pg_restore --clean --if-exists -d \
     DATABASE_URL kefu.dump) and copy the media folder back (docs/operations.md, Backups)";
/// The database copy while `VACUUM INTO` writes it.
const PARTIAL: &str = "kefu.db.partial";
/// The manifest while it is written.
const MANIFEST_PARTIAL: &str = "kefu-backup.json.tmp";

/// The SQLite file `config` names; refuses PostgreSQL with `postgres`.
fn sqlite_file(config: &Config, command: &str, postgres: &str) -> Result<PathBuf> {
    if !config.database.starts_with("sqlite:") {
        return Err(BackupError::Refused(postgres.to_owned()));
    }
    let options = SqliteConnectOptions::from_str(&config.database)
        .map_err(db_error(format!("bad --database {:?}", config.database)))?;
    let file = options.get_filename();
    if file.as_os_str() == ":memory:" || file.as_os_str().is_empty() {
        return Err(BackupError::Refused(format!(
            "{command} needs a database file, not {:?}",
            config.database
        )));
    }
    Ok(file.to_owned())
}

/// Creates `to` if needed; refuses one that holds anything (a backup or
/// not: nothing is overwritten) or lies inside the media it would copy.
fn prepare_folder(to: &Path, media: &Path) -> Result<()> {
    let existed = to.exists();
    std::fs::create_dir_all(to).map_err(io_error(format!("cannot create {}", to.display())))?;
    if to.join(MANIFEST).exists() {
        return Err(BackupError::Refused(format!(
            "{} already holds a backup; choose a new folder",
            to.display()
        )));
    }
    let mut entries =
        std::fs::read_dir(to).map_err(io_error(format!("cannot read {}", to.display())))?;
    if entries.next().is_some() {
        return Err(BackupError::Refused(format!(
            "{} is not empty; back up into a new or empty folder",
            to.display()
        )));
    }
    if let (Ok(to), Ok(media)) = (to.canonicalize(), media.canonicalize()) {
        if to.starts_with(&media) {
            if !existed {
                let _ = std::fs::remove_dir(&to);
            }
            return Err(BackupError::Refused(format!(
                "{} is inside the media folder it would copy",
                to.display()
            )));
        }
    }
    Ok(())
}

async fn write_backup(live: &Path, media: &Path, to: &Path) -> Result<Manifest> {
    // The database first. VACUUM INTO writes the snapshot of one read
    // transaction; in WAL mode a reader blocks no writer, so the server keeps
    // answering meanwhile. A connection of our own, not the server's pools.
    let partial = to.join(PARTIAL);
    let target = partial
        .to_str()
        .ok_or_else(|| BackupError::Refused(format!("{} is not UTF-8", to.display())))?;
    let mut conn = SqliteConnectOptions::new()
        .filename(live)
        .busy_timeout(Duration::from_secs(10))
        .connect()
        .await
        .map_err(db_error(format!("cannot open {}", live.display())))?;
    let vacuumed = sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut conn)
        .await
        .map_err(db_error(format!("cannot copy {}", live.display())));
    let _ = conn.close().await;
    vacuumed?;
    sync_file(&partial)?;
    // A backup is worth what it restores: check it now, not on the day.
    check_integrity(&partial).await?;
    let facts = facts(&partial).await?;
    let copy = to.join(DATABASE);
    std::fs::rename(&partial, &copy).map_err(io_error("cannot name the database copy"))?;
    let database_bytes = std::fs::metadata(&copy)
        .map_err(io_error("cannot read the database copy"))?
        .len();

    // Then the media. A message's file is renamed into place before its row
    // is stored (engine::messages stores the upload, then inserts), and files
    // are never changed or deleted, so every file the snapshot names exists
    // now. Files uploaded since the snapshot are copied too: unreferenced
    // and harmless.
    let (from, into) = (media.to_owned(), to.join(MEDIA));
    let (media_files, media_bytes) = tokio::task::spawn_blocking(move || copy_tree(&from, &into))
        .await
        .map_err(|e| io_error("the media copy stopped")(io::Error::other(e)))?
        .map_err(io_error(format!(
            "cannot copy the media of {}",
            media.display()
        )))?;

    // The manifest last: a folder with one holds a whole backup.
    let manifest = Manifest {
        format: FORMAT,
        kefu_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: utc_now().replace(' ', "T") + "Z",
        database: DATABASE.to_owned(),
        schema_version: facts.schema_version,
        database_bytes,
        tenants: facts.tenants,
        messages: facts.messages,
        media_files,
        media_bytes,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| io_error("manifest")(e.into()))?;
    write_synced(&to.join(MANIFEST_PARTIAL), &to.join(MANIFEST), &json)?;
    Ok(manifest)
}

/// Puts the backup in `from` back as the configured database and media.
/// Anything already there is refused unless `force`, and then renamed aside.
pub async fn restore(config: &Config, from: &Path, force: bool) -> Result<Restored> {
    let target = sqlite_file(config, "kefu restore", POSTGRES_RESTORE)?;
    let manifest = read_manifest(from)?;
    let copy = from.join(&manifest.database);
    check_copy(&copy, &manifest).await?;
    let media_from = from.join(MEDIA);
    let (files, _) = count_tree(&media_from)
        .map_err(io_error(format!("cannot read {}", media_from.display())))?;
    if files != manifest.media_files {
        return Err(BackupError::Refused(format!(
            "{} holds {files} files, the manifest says {}: the backup is incomplete",
            media_from.display(),
            manifest.media_files
        )));
    }

    let media = config.media_dir();
    let holds_media = count_tree(&media).is_ok_and(|(files, _)| files > 0);
    if (target.exists() || holds_media) && !force {
        return Err(BackupError::Refused(format!(
            "{} (or its media folder {}) holds data; stop the server and add --force \
             to restore anyway (the data there is kept aside, not deleted)",
            target.display(),
            media.display()
        )));
    }
    if target.exists() {
        ensure_unused(&target).await?;
    }
    let kept_aside = keep_aside(&target, &media)?;
    if let Err(e) = put_in_place(&copy, &media_from, &target, &media).await {
        // Back as it was: the half-made copies go, what was kept aside returns.
        let _ = std::fs::remove_dir_all(with_suffix(&media, RESTORING));
        let _ = std::fs::remove_file(with_suffix(&target, RESTORING));
        let _ = std::fs::remove_dir_all(&media);
        for (was, aside) in kept_aside.iter().rev() {
            let _ = std::fs::rename(aside, was);
        }
        return Err(e);
    }
    Ok(Restored {
        restored_from: from.to_owned(),
        created_at: manifest.created_at,
        database: target,
        media,
        messages: manifest.messages,
        media_files: manifest.media_files,
        kept_aside: kept_aside.into_iter().map(|(_, aside)| aside).collect(),
    })
}

/// A copy's suffix until it is renamed into place.
const RESTORING: &str = ".restoring";

/// Copies the backup's media and database to `media` and `target`, each
/// under a temporary name and then renamed; the database last, so a
/// database in place means its media are too.
async fn put_in_place(copy: &Path, media_from: &Path, target: &Path, media: &Path) -> Result<()> {
    let media_next = with_suffix(media, RESTORING);
    let _ = std::fs::remove_dir_all(&media_next);
    let (into, src) = (media_next.clone(), media_from.to_owned());
    tokio::task::spawn_blocking(move || copy_tree(&src, &into))
        .await
        .map_err(|e| io_error("the media copy stopped")(io::Error::other(e)))?
        .map_err(io_error(format!("cannot copy {}", media_from.display())))?;
    if media_next.exists() {
        std::fs::rename(&media_next, media)
            .map_err(io_error(format!("cannot name {}", media.display())))?;
    }
    let db_next = with_suffix(target, RESTORING);
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(io_error(format!("cannot create {}", dir.display())))?;
    }
    std::fs::copy(copy, &db_next).map_err(io_error(format!("cannot copy {}", copy.display())))?;
    sync_file(&db_next)?;
    std::fs::rename(&db_next, target)
        .map_err(io_error(format!("cannot name {}", target.display())))?;
    if let Some(dir) = target.parent() {
        sync_dir(dir).map_err(io_error(format!("cannot sync {}", dir.display())))?;
    }
    Ok(())
}

fn read_manifest(from: &Path) -> Result<Manifest> {
    let path = from.join(MANIFEST);
    let text = std::fs::read(&path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => BackupError::Refused(format!(
            "{} holds no {MANIFEST}: not a kefu backup, or one that did not finish",
            from.display()
        )),
        _ => io_error(format!("cannot read {}", path.display()))(e),
    })?;
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| {
        BackupError::Refused(format!("{} is not a kefu manifest: {e}", path.display()))
    })?;
    if manifest.format != FORMAT {
        return Err(BackupError::Refused(format!(
            "{} has format {}; this kefu reads format {FORMAT}",
            path.display(),
            manifest.format
        )));
    }
    // A bare file name: the manifest cannot point outside its folder.
    if Path::new(&manifest.database).file_name() != Some(manifest.database.as_ref()) {
        return Err(BackupError::Refused(format!(
            "{} names the database {:?}: not a file in the backup",
            path.display(),
            manifest.database
        )));
    }
    Ok(manifest)
}

/// Refuses a copy that is damaged, is not what the manifest describes, or
/// was made by a newer kefu (whose schema this one would misread).
async fn check_copy(copy: &Path, manifest: &Manifest) -> Result<()> {
    check_integrity(copy).await?;
    let facts = facts(copy).await?;
    if facts.messages != manifest.messages || facts.tenants != manifest.tenants {
        return Err(BackupError::Refused(format!(
            "{} holds {} tenants and {} messages, the manifest says {} and {}: not this backup's database",
            copy.display(),
            facts.tenants,
            facts.messages,
            manifest.tenants,
            manifest.messages
        )));
    }
    if facts.schema_version > crate::storage::schema_version() {
        return Err(BackupError::Refused(format!(
            "the backup's schema ({}) is newer than this kefu's ({}): restore it with kefu {} or later",
            facts.schema_version,
            crate::storage::schema_version(),
            manifest.kefu_version
        )));
    }
    Ok(())
}

/// Refuses a copy whose `PRAGMA integrity_check` finds anything wrong.
async fn check_integrity(copy: &Path) -> Result<()> {
    let mut conn = open_copy(copy).await?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(db_error(format!("{} is damaged", copy.display())))?;
    let _ = conn.close().await;
    if problems != ["ok"] {
        return Err(BackupError::Refused(format!(
            "{} is damaged (integrity_check): {}",
            copy.display(),
            problems.join("; ")
        )));
    }
    Ok(())
}

/// A database copy, opened as a file nobody changes: no locks, no WAL.
async fn open_copy(copy: &Path) -> Result<SqliteConnection> {
    if !copy.is_file() {
        return Err(BackupError::Refused(format!(
            "{} is missing",
            copy.display()
        )));
    }
    SqliteConnectOptions::new()
        .filename(copy)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .map_err(db_error(format!("cannot open {}", copy.display())))
}

async fn facts(copy: &Path) -> Result<Facts> {
    let mut conn = open_copy(copy).await?;
    let counted = async {
        Ok::<_, sqlx::Error>(Facts {
            schema_version: scalar(
                &mut conn,
                "SELECT COALESCE(MAX(version), 0) FROM kefu_migrations",
            )
            .await?,
            tenants: scalar(&mut conn, "SELECT COUNT(*) FROM tenants").await?,
            messages: scalar(&mut conn, "SELECT COUNT(*) FROM messages").await?,
        })
    }
    .await;
    let _ = conn.close().await;
    counted.map_err(db_error(format!(
        "{} is not a kefu database",
        copy.display()
    )))
}

async fn scalar(conn: &mut SqliteConnection, sql: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(sql).fetch_one(conn).await
}

/// Refuses while any connection has `db` open. In WAL mode every open
/// connection keeps a shared lock on the database file, and a connection
/// in exclusive locking mode needs an exclusive one to read: with no busy
/// wait, that fails at once while anyone else is connected. A server, even
/// an idle one, always holds connections (the 250 ms checkpoint, the
/// 1-second check for new messages). Not proof against a server that starts
/// a moment later: stop it first (docs/operations.md). On the way the WAL
/// is copied into the file, so what is kept aside is whole.
async fn ensure_unused(db: &Path) -> Result<()> {
    let in_use = |e: &sqlx::Error| {
        e.as_database_error()
            .and_then(|e| e.code())
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| code & 0xff == 5) // SQLITE_BUSY
    };
    let refused = || {
        BackupError::Refused(format!(
            "{} is in use (a kefu server is running on it?): stop the server, then restore",
            db.display()
        ))
    };
    let what = format!("cannot open {}", db.display());
    let mut conn = match SqliteConnectOptions::new()
        .filename(db)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(Duration::ZERO)
        .connect()
        .await
    {
        Ok(conn) => conn,
        Err(e) if in_use(&e) => return Err(refused()),
        Err(e) => {
            tracing::warn!(error = %e, "{what}; restoring over it");
            return Ok(());
        }
    };
    let probed = lock_and_checkpoint(&mut conn).await;
    let _ = conn.close().await;
    match probed {
        Ok(()) => Ok(()),
        Err(e) if in_use(&e) => Err(refused()),
        // A file SQLite cannot read is in no server's use either; replacing
        // a damaged database is what restores are for.
        Err(e) => {
            tracing::warn!(error = %e, "{what}; restoring over it");
            Ok(())
        }
    }
}

async fn lock_and_checkpoint(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut *conn).await?;
    sqlx::query("COMMIT").execute(&mut *conn).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Renames the database (with a WAL it still has, which SQLite then finds
/// under the new name) and the media folder to `*.before-restore-<UTC time>`;
/// a stale `-shm` (an index SQLite rebuilds) is deleted. What was renamed,
/// and to what.
fn keep_aside(db: &Path, media: &Path) -> Result<Vec<(PathBuf, PathBuf)>> {
    let wal = with_suffix(db, "-wal");
    let shm = with_suffix(db, "-shm");
    let stamp = utc_now().replace(['-', ':'], "").replace(' ', "T") + "Z";
    let names = |n: u32| {
        let suffix = match n {
            0 => format!(".before-restore-{stamp}"),
            n => format!(".before-restore-{stamp}-{n}"),
        };
        let db_aside = with_suffix(db, &suffix);
        let wal_aside = with_suffix(&db_aside, "-wal");
        [db_aside, wal_aside, with_suffix(media, &suffix)]
    };
    let aside = (0..)
        .map(names)
        .find(|names| names.iter().all(|p| !p.exists()))
        .expect("some suffix is free");
    let had_db = db.exists();
    let holds_media = count_tree(media).is_ok_and(|(files, _)| files > 0);
    let mut kept = Vec::new();
    for (from, to) in [db, wal.as_path(), media].into_iter().zip(&aside) {
        if !from.exists() {
            continue;
        }
        if from == wal && !had_db {
            // A WAL without its database belongs to none, and replayed into
            // the restored one it would corrupt it.
            std::fs::remove_file(from)
                .map_err(io_error(format!("cannot remove {}", from.display())))?;
        } else if from == media && !holds_media {
            // Empty folders: nothing to keep.
            std::fs::remove_dir_all(from)
                .map_err(io_error(format!("cannot remove {}", from.display())))?;
        } else {
            std::fs::rename(from, to)
                .map_err(io_error(format!("cannot keep {} aside", from.display())))?;
            kept.push((from.to_owned(), to.clone()));
        }
    }
    let _ = std::fs::remove_file(shm);
    Ok(kept)
}

/// `path` with `suffix` added to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Now in UTC as "YYYY-MM-DD HH:MM:SS".
fn utc_now() -> String {
    let utc = UtcOffset::from_minutes(0).expect("0 is an offset");
    LocalDateTime::from_unix(crate::ids::now(), utc).map_or_else(String::new, |t| t.to_string())
}

/// Whether a media folder's file is an upload still being written (media.rs
/// writes `.<random>.tmp`, then renames it).
fn is_partial_upload(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n.ends_with(".tmp"))
}

/// Calls `visit` with every finished file under `dir` and its path relative
/// to `dir`; a missing `dir` has none.
fn walk(dir: &Path, visit: &mut dyn FnMut(&Path, &Path) -> io::Result<()>) -> io::Result<()> {
    fn inner(
        root: &Path,
        dir: &Path,
        visit: &mut dyn FnMut(&Path, &Path) -> io::Result<()>,
    ) -> io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                inner(root, &path, visit)?;
            } else if kind.is_file() && !is_partial_upload(&entry.file_name()) {
                let relative = path.strip_prefix(root).expect("under the root");
                visit(&path, relative)?;
            }
        }
        Ok(())
    }
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        _ => inner(dir, dir, visit),
    }
}

/// Files and bytes under `dir`.
fn count_tree(dir: &Path) -> io::Result<(u64, u64)> {
    let (mut files, mut bytes) = (0, 0);
    walk(dir, &mut |path, _| {
        files += 1;
        bytes += std::fs::metadata(path)?.len();
        Ok(())
    })?;
    Ok((files, bytes))
}

/// Copies every finished file under `from` to the same place under `to`,
/// each synced to disk; files and bytes copied. Nothing is made for a
/// missing `from`.
fn copy_tree(from: &Path, to: &Path) -> io::Result<(u64, u64)> {
    let (mut files, mut bytes) = (0, 0);
    let mut dirs = std::collections::BTreeSet::new();
    walk(from, &mut |path, relative| {
        let dest = to.join(relative);
        let dir = dest.parent().expect("a file has a folder");
        if dirs.insert(dir.to_owned()) {
            std::fs::create_dir_all(dir)?;
        }
        bytes += std::fs::copy(path, &dest)?;
        sync_file_io(&dest)?;
        files += 1;
        Ok(())
    })?;
    for dir in &dirs {
        sync_dir(dir)?;
    }
    Ok((files, bytes))
}

/// Writes `bytes` to `tmp`, syncs it and renames it to `path`.
fn write_synced(tmp: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    let what = || format!("cannot write {}", path.display());
    std::fs::write(tmp, bytes).map_err(io_error(what()))?;
    sync_file(tmp)?;
    std::fs::rename(tmp, path).map_err(io_error(what()))?;
    if let Some(dir) = path.parent() {
        sync_dir(dir).map_err(io_error(what()))?;
    }
    Ok(())
}

fn sync_file(path: &Path) -> Result<()> {
    sync_file_io(path).map_err(io_error(format!("cannot sync {}", path.display())))
}

fn sync_file_io(path: &Path) -> io::Result<()> {
    std::fs::File::open(path)?.sync_all()
}

/// Makes a folder's new names durable (Unix; elsewhere renames are left to
/// the system).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        std::fs::File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn temp() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kefu-backup-{}", crate::ids::random_token(8)));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn copies_finished_files_only_and_counts_them() {
        let dir = temp();
        let media = dir.join("media");
        std::fs::create_dir_all(media.join("7/ab")).unwrap();
        std::fs::write(media.join("7/ab/abc.jpg"), b"jpeg").unwrap();
        std::fs::write(media.join("7/ab/.x1y2.tmp"), b"half").unwrap();
        std::fs::write(media.join(".per-tenant"), b"mark").unwrap();
        let copied = copy_tree(&media, &dir.join("copy")).unwrap();
        assert_eq!(copied, (2, 8), "the upload in progress is left out");
        assert_eq!(count_tree(&dir.join("copy")).unwrap(), (2, 8));
        assert_eq!(
            std::fs::read(dir.join("copy/7/ab/abc.jpg")).unwrap(),
            b"jpeg"
        );
        assert_eq!(
            copy_tree(&dir.join("none"), &dir.join("c2")).unwrap(),
            (0, 0)
        );
        assert!(!dir.join("c2").exists(), "nothing made for no media");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_folder_that_holds_anything_is_refused() {
        let dir = temp();
        let media = dir.join("media");
        assert!(prepare_folder(&dir.join("new"), &media).is_ok());
        std::fs::write(dir.join("new/notes.txt"), b"mine").unwrap();
        assert!(matches!(
            prepare_folder(&dir.join("new"), &media),
            Err(BackupError::Refused(_))
        ));
        std::fs::create_dir_all(&media).unwrap();
        assert!(matches!(
            prepare_folder(&media.join("backup"), &media),
            Err(BackupError::Refused(_))
        ));
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn the_old_database_its_wal_and_media_are_kept_aside_together() {
        let dir = temp();
        let (db, media) = (dir.join("kefu.db"), dir.join("media"));
        std::fs::write(&db, b"db").unwrap();
        std::fs::write(with_suffix(&db, "-wal"), b"wal").unwrap();
        std::fs::write(with_suffix(&db, "-shm"), b"shm").unwrap();
        std::fs::create_dir_all(media.join("7")).unwrap();
        std::fs::write(media.join("7/a.jpg"), b"jpeg").unwrap();
        let kept: Vec<PathBuf> = keep_aside(&db, &media)
            .unwrap()
            .into_iter()
            .map(|(_, aside)| aside)
            .collect();
        assert_eq!(kept.len(), 3, "{kept:?}");
        let db_aside = kept[0].to_str().unwrap();
        assert!(db_aside.contains("kefu.db.before-restore-"), "{db_aside}");
        assert_eq!(
            kept[1],
            with_suffix(&kept[0], "-wal"),
            "SQLite finds its WAL"
        );
        assert_eq!(std::fs::read(&kept[0]).unwrap(), b"db");
        assert!(!db.exists() && !media.exists());
        assert!(!with_suffix(&db, "-shm").exists());
        assert_eq!(std::fs::read(kept[2].join("7/a.jpg")).unwrap(), b"jpeg");
        // Again within the same second: another name, nothing overwritten;
        // folders without files are not worth keeping.
        std::fs::write(&db, b"db2").unwrap();
        std::fs::create_dir_all(media.join("7")).unwrap();
        let again = keep_aside(&db, &media).unwrap();
        assert_eq!(again.len(), 1, "{again:?}");
        assert!(!media.exists());
        assert_eq!(again[0].0, db);
        assert_ne!(again[0].1, kept[0]);
        assert_eq!(std::fs::read(&kept[0]).unwrap(), b"db");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_manifest_cannot_name_a_file_outside_its_folder() {
        let dir = temp();
        let mut manifest = serde_json::json!({
            "format": 1, "kefu_version": "0.1.0", "created_at": "2025-01-01T00:00:00Z",
            "database": "../kefu.db", "schema_version": 6, "database_bytes": 1,
            "tenants": 1, "messages": 0, "media_files": 0, "media_bytes": 0,
        });
        std::fs::write(dir.join(MANIFEST), manifest.to_string()).unwrap();
        assert!(matches!(read_manifest(&dir), Err(BackupError::Refused(_))));
        manifest["database"] = "kefu.db".into();
        manifest["format"] = 2.into();
        std::fs::write(dir.join(MANIFEST), manifest.to_string()).unwrap();
        assert!(matches!(read_manifest(&dir), Err(BackupError::Refused(_))));
        manifest["format"] = 1.into();
        std::fs::write(dir.join(MANIFEST), manifest.to_string()).unwrap();
        assert_eq!(read_manifest(&dir).unwrap().database, "kefu.db");
        std::fs::remove_dir_all(dir).ok();
    }
}
