//! `kefu backup` and `kefu restore` as an operator runs them: a backup taken
//! while customers keep chatting restores every message acknowledged before
//! it started, once, with its media; neither command overwrites anything
//! (an old database is kept aside, never deleted); restore refuses a
//! damaged backup and a database a running server holds; PostgreSQL is
//! pointed to pg_dump and pg_restore.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use common::node::{ask, create_tenant, kefu, session, Node, TempDir};
use serde_json::Value;

const JPEG: &[u8] = include_bytes!("fixtures/tiny.jpg");

/// `kefu ARGS --data-dir DIR`; its output.
fn run(args: &[&str], data_dir: &Path) -> std::process::Output {
    kefu()
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .expect("run kefu")
}

/// As [`run`], which must succeed; its JSON answer.
fn json(args: &[&str], data_dir: &Path) -> Value {
    let output = run(args, data_dir);
    assert!(
        output.status.success(),
        "kefu {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// As [`run`], which must fail; what it said on stderr.
fn refused(args: &[&str], data_dir: &Path) -> String {
    let output = run(args, data_dir);
    assert!(
        !output.status.success(),
        "kefu {args:?} should have been refused: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A message the server acknowledged: its question, id and text.
#[derive(Clone, Debug)]
struct Acked {
    question: String,
    id: String,
    text: String,
}

/// A data folder with a tenant (`DIR/node`) and a backup of it
/// (`DIR/backup`).
fn backed_up(what: &str) -> (TempDir, PathBuf, PathBuf) {
    let dir = TempDir::new(what);
    let (data, backup) = (dir.path.join("node"), dir.path.join("backup"));
    create_tenant(&dir.path, &[]);
    json(&["backup", "--to", path(&backup)], &data);
    (dir, data, backup)
}

/// The rows a single-column query gives on the SQLite file `db`, read-only.
async fn sqlite_strings(db: &Path, sql: &str) -> Vec<String> {
    let url = format!("sqlite://{}?mode=ro", db.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let rows = sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap();
    pool.close().await;
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_live_backup_restores_every_message_acknowledged_before_it() {
    let dir = TempDir::new("backup-live");
    let tenant = create_tenant(&dir.path, &[]);
    let node = Node::start(&dir.path, "node", &[]);
    let mut chats = Vec::new();
    for i in 0..4 {
        let customer = session(&node.http, &tenant, &format!("c{i}")).await;
        let question = ask(&node.http, &customer, "备份").await;
        chats.push((customer, question));
    }
    let (customer, question) = &chats[0];
    let image = base64::engine::general_purpose::STANDARD.encode(JPEG);
    let (status, sent) = node
        .http
        .post(
            &format!("/v1/question/{question}/message/send_image"),
            &[
                ("session", customer.session.as_str()),
                ("sender", customer.user_id.as_str()),
                ("sender_type", "1"),
                ("image", image.as_str()),
            ],
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    let image_url = sent["image_url"].as_str().unwrap().to_owned();

    // Customers chat without pause; each acknowledged message is noted.
    let acked = Arc::new(Mutex::new(Vec::<Acked>::new()));
    let (count_tx, mut count_rx) = tokio::sync::watch::channel(0usize);
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for (customer, question) in chats.clone() {
        let (http, acked, count_tx, stop) = (
            node.http.clone(),
            acked.clone(),
            count_tx.clone(),
            stop.clone(),
        );
        load.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let text = format!("{} #{n}", customer.user_id);
                let (status, body) = http
                    .send_text(&customer.session, &customer.user_id, "1", &question, &text)
                    .await;
                assert_eq!(status, 200, "send: {body}");
                let id = body["message_id"].as_str().unwrap().to_owned();
                let mut acked = acked.lock().unwrap();
                acked.push(Acked {
                    question: question.clone(),
                    id,
                    text,
                });
                count_tx.send_replace(acked.len());
                n += 1;
            }
        }));
    }
    count_rx.wait_for(|n| *n >= 100).await.unwrap();

    let backup = dir.path.join("backup");
    let before = acked.lock().unwrap().clone();
    let (args, data_dir) = (
        ["backup", "--to", path(&backup)].map(str::to_owned),
        dir.path.join("node"),
    );
    let written = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        json(&args, &data_dir)
    })
    .await
    .unwrap();
    let after_backup = acked.lock().unwrap().len();
    // The server kept answering: more messages are acknowledged after it.
    count_rx
        .wait_for(|n| *n >= after_backup + 20)
        .await
        .unwrap();
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }
    let all = acked.lock().unwrap().clone();
    eprintln!(
        "{} acknowledged before the backup, {} while it ran, {} in all",
        before.len(),
        after_backup - before.len(),
        all.len()
    );
    assert!(backup.join("kefu-backup.json").is_file());
    assert_eq!(written["backup"], path(&backup));
    assert_eq!(written["database"], "kefu.db");
    assert_eq!(written["media_files"], 1, "the image");
    assert!(
        written["messages"].as_u64().unwrap() > before.len() as u64,
        "{written}"
    );
    drop(node);

    let restored = json(
        &["restore", "--from", path(&backup)],
        &dir.path.join("restored"),
    );
    assert_eq!(restored["messages"], written["messages"]);
    assert_eq!(restored["kept_aside"], serde_json::json!([]));
    let node = Node::start(&dir.path, "restored", &[]);

    // Every message acknowledged before the backup is there, once; every
    // message there was acknowledged (sooner or later) and is there once.
    let mut found: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (customer, question) in &chats {
        for m in node.http.history(&customer.session, question).await {
            if m["type"] == 3 {
                let id = m["message_id"].as_str().unwrap().to_owned();
                let text = m["text"].as_str().unwrap().to_owned();
                found.entry(id).or_insert((text, 0)).1 += 1;
            }
        }
    }
    for m in &before {
        let (text, times) = found
            .get(&m.id)
            .unwrap_or_else(|| panic!("{m:?} acknowledged before the backup is missing"));
        assert_eq!((text.as_str(), *times), (m.text.as_str(), 1), "{m:?}");
    }
    let sent: BTreeSet<&str> = all.iter().map(|m| m.id.as_str()).collect();
    for (id, (text, times)) in &found {
        assert!(sent.contains(id.as_str()), "{id} {text} was never sent");
        assert_eq!(*times, 1, "{id} {text}");
    }
    assert!(all
        .iter()
        .all(|m| chats.iter().any(|(_, q)| *q == m.question)));

    // The image is served by the restored server, byte for byte.
    let media_path = &image_url[image_url.find("/v1/media/").unwrap()..];
    let image = reqwest::get(format!("{}{media_path}", node.base))
        .await
        .unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(image.bytes().await.unwrap().as_ref(), JPEG);
    drop(node);
    let db = dir.path.join("restored/kefu.db");
    assert_eq!(sqlite_strings(&db, "PRAGMA integrity_check").await, ["ok"]);
}

#[test]
fn a_backup_goes_only_into_a_new_or_empty_folder() {
    let (dir, data, backup) = backed_up("backup-folders");
    let manifest = std::fs::read(backup.join("kefu-backup.json")).unwrap();
    let again = refused(&["backup", "--to", path(&backup)], &data);
    assert!(again.contains("already holds a backup"), "{again}");
    assert_eq!(
        std::fs::read(backup.join("kefu-backup.json")).unwrap(),
        manifest,
        "untouched"
    );

    let notes = dir.path.join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(notes.join("todo.txt"), "mine").unwrap();
    let other = refused(&["backup", "--to", path(&notes)], &data);
    assert!(other.contains("not empty"), "{other}");
    assert_eq!(
        std::fs::read_to_string(notes.join("todo.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(&notes).unwrap().count(), 1);

    let nothing = dir.path.join("nothing");
    let none = refused(&["backup", "--to", path(&dir.path.join("b2"))], &nothing);
    assert!(none.contains("no database"), "{none}");
    assert!(!nothing.join("kefu.db").exists(), "no database made");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_keeps_an_existing_database_aside_and_never_under_a_server() {
    let dir = TempDir::new("backup-force");
    let (a, b) = (dir.path.join("a"), dir.path.join("b"));
    json(&["tenant", "create", "--name", "A"], &a);
    let backup = dir.path.join("backup");
    json(&["backup", "--to", path(&backup)], &a);
    json(&["tenant", "create", "--name", "B"], &b);
    let names = |data: &Path| {
        json(&["tenant", "list"], data)
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };

    let without = refused(&["restore", "--from", path(&backup)], &b);
    assert!(without.contains("--force"), "{without}");
    assert_eq!(names(&b), ["B"]);

    // A server holds the database: even --force is refused.
    let node = Node::start(&dir.path, "b", &[]);
    let busy = refused(&["restore", "--from", path(&backup), "--force"], &b);
    assert!(busy.contains("stop the server"), "{busy}");
    drop(node);
    assert_eq!(names(&b), ["B"], "nothing changed");

    let restored = json(&["restore", "--from", path(&backup), "--force"], &b);
    assert_eq!(names(&b), ["A"]);
    let kept: Vec<&str> = restored["kept_aside"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let old = kept
        .iter()
        .find(|p| p.contains("kefu.db.before-restore-"))
        .unwrap_or_else(|| panic!("the old database kept aside: {kept:?}"));
    assert_eq!(
        sqlite_strings(Path::new(old), "SELECT name FROM tenants").await,
        ["B"],
        "the old database is whole"
    );
}

#[test]
fn a_restore_that_fails_midway_leaves_the_data_as_it_was() {
    let (_dir, data, backup) = backed_up("backup-midway");
    // Where the database copy would go, a folder: copying there fails.
    std::fs::create_dir_all(data.join("kefu.db.restoring/in-the-way")).unwrap();
    let failed = refused(&["restore", "--from", path(&backup), "--force"], &data);
    assert!(failed.contains("cannot copy"), "{failed}");
    let left: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        !left.iter().any(|name| name.contains("before-restore")),
        "the database is back in its place: {left:?}"
    );
    let tenants = json(&["tenant", "list"], &data);
    assert_eq!(tenants[0]["name"], "Acme", "{tenants}");
}

#[test]
fn restore_refuses_a_damaged_or_unfinished_backup() {
    let (dir, _, backup) = backed_up("backup-damaged");
    let target = dir.path.join("target");

    // A page in the middle overwritten.
    let db = backup.join("kefu.db");
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 4 * 4096, "{} bytes", bytes.len());
    bytes[2 * 4096..3 * 4096].fill(0xAB);
    std::fs::write(&db, &bytes).unwrap();
    let damaged = refused(&["restore", "--from", path(&backup)], &target);
    assert!(damaged.contains("damaged"), "{damaged}");
    assert!(!target.join("kefu.db").exists());

    std::fs::remove_file(backup.join("kefu-backup.json")).unwrap();
    let unfinished = refused(&["restore", "--from", path(&backup)], &target);
    assert!(unfinished.contains("kefu-backup.json"), "{unfinished}");
    assert!(!target.join("kefu.db").exists());
}

#[test]
fn postgres_is_pointed_to_pg_dump_and_pg_restore() {
    let dir = TempDir::new("backup-postgres");
    // Refused before connecting: any PostgreSQL URL will do.
    let url = std::env::var(common::POSTGRES_ENV)
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://kefu@127.0.0.1:1/kefu".to_owned());
    let backup = dir.path.join("backup");
    let dump = refused(
        &["backup", "--to", path(&backup), "--database", &url],
        &dir.path,
    );
    assert!(dump.contains("pg_dump"), "{dump}");
    assert!(!backup.exists(), "nothing written");
    let restore = refused(
        &["restore", "--from", path(&backup), "--database", &url],
        &dir.path,
    );
    assert!(restore.contains("pg_restore"), "{restore}");
}
