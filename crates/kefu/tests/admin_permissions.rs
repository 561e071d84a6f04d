//! Seed 002 authentication and permissions: every route of the
//! administration API against every kind of caller (the tenant's admin, a
//! non-admin on itself and on another agent, a wrong password, no
//! credentials, an agent in the recycle bin, another tenant's admin), the
//! login throttle shared with seed 003's `serv/bind`, malformed Basic
//! headers, and the answers for unknown routes, methods and bodies.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected shapes")]

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{assert_v1_error, Agent, ApiResponse, Login, Tenant, TestApp};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::Method;
use serde_json::{json, Value};

on_every_backend!(
    admin_may_use_every_route,
    non_admin_may_only_read_and_edit_itself_and_check_in,
    non_admin_may_read_but_not_change_another_agent,
    wrong_password_is_refused_on_every_route,
    missing_credentials_are_refused_on_every_route,
    agent_in_the_recycle_bin_is_refused_on_every_route,
    another_tenants_admin_cannot_see_or_touch_the_tenant,
    ten_failed_logins_lock_the_account_even_for_the_right_password,
    serv_bind_and_basic_auth_share_the_failure_count,
    malformed_authorization_headers_are_unauthorized,
    an_account_logs_in_to_its_own_tenant_only,
    unknown_routes_wrong_methods_and_non_json_bodies,
);

/// Who may call a route (seed 002's 调用者权限).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Access {
    /// 管理员.
    Admin,
    /// 所有客服: any agent of the tenant.
    AnyAgent,
    /// 所有客服, but a non-admin only on its own profile.
    OwnProfile,
}

/// What another tenant's admin gets on the route.
#[derive(Clone, Copy, Debug)]
enum OtherTenant {
    /// 404 code 10011 (the agent in the path or body is not its own).
    NoAgent,
    /// The seed's exact `{"status":403,"message":"The sId does not exist"}`.
    NoSid,
    /// 404 code 10040.
    NotFound,
    /// Allowed: the route acts on (or lists) its own tenant only.
    Own,
}

use Access::{Admin, AnyAgent, OwnProfile};
use OtherTenant::{NoAgent, NoSid, NotFound, Own};

struct Route {
    method: &'static str,
    /// Placeholders: {agent} (the subject agent), {victim} (the agent that
    /// destructive routes act on), {group}, {spare_group}, {duty},
    /// {spare_duty}, {webhook}, {spare_webhook}, {t2_admin}.
    path: &'static str,
    body: Option<&'static str>,
    access: Access,
    other_tenant: OtherTenant,
    /// The answer lists rows of the caller's tenant.
    list: bool,
    /// For writes: what the first tenant's admin reads back to see whether
    /// the write changed anything.
    read_back: Option<&'static str>,
}

const LIST: bool = true;
const ONE: bool = false;
const SCHEDULES: &str = "/api/v1/schedules.json?startDT=2099-06-01&endDT=2099-06-30";
const WEBHOOKS: &str = "/api/v1/webhooks.json";

#[rustfmt::skip]
const fn route(method: &'static str, path: &'static str, body: Option<&'static str>, access: Access, other_tenant: OtherTenant, list: bool, read_back: Option<&'static str>) -> Route {
    Route { method, path, body, access, other_tenant, list, read_back }
}

/// Every route of crates/kefu/src/api/admin/mod.rs, with a body it accepts.
/// Destructive rows (servicers, DELETE) act on {victim} and spare ids so
/// that the admin's run leaves the later rows their data.
#[rustfmt::skip]
const ROUTES: &[Route] = &[
    route("GET",    "/api/v1/supports.json", None, Admin, Own, LIST, None),
    route("POST",   "/api/v1/supports.json", Some(r#"{"support": {"sPassportName": "xinren", "sNum": "007", "password": "pw-xinren"}}"#), Admin, Own, ONE, Some("/api/v1/supports.json")),
    route("GET",    "/api/v1/supports/show_many.json?ids={agent},{t2_admin}", None, Admin, Own, LIST, None),
    route("GET",    "/api/v1/supports/{agent}.json", None, AnyAgent, NoAgent, ONE, None),
    route("PUT",    "/api/v1/supports/{agent}.json", Some(r#"{"support": {"name": "赵六"}}"#), OwnProfile, NoAgent, ONE, Some("/api/v1/supports/{agent}.json")),
    route("PUT",    "/api/v1/servicers/{victim}.json", Some(r#"{"support": {"isStat": "0"}}"#), Admin, NoAgent, ONE, Some("/api/v1/supports/{victim}.json")),
    route("DELETE", "/api/v1/supports/{victim}.json", None, Admin, NoAgent, ONE, Some("/api/v1/supports/{victim}.json")),
    route("GET",    "/api/v1/supportgroups/supports/search.json?query=sPassportName:admin", None, Admin, Own, LIST, None),
    route("GET",    "/api/v1/permissions/{agent}.json", None, Admin, NoSid, ONE, None),
    route("PUT",    "/api/v1/permissions/{agent}.json", Some(r#"{"permission": {"mType": "4", "state": "0"}}"#), Admin, NoSid, ONE, Some("/api/v1/permissions/{agent}.json")),
    route("GET",    "/api/v1/plate_service_state/{agent}.json?plate=2", None, Admin, NoAgent, ONE, None),
    route("PUT",    "/api/v1/plate_service_state/{agent}.json", Some(r#"{"plate_service_state": {"plate": "2", "state": "在线"}}"#), Admin, NoAgent, ONE, Some("/api/v1/plate_service_state/{agent}.json?plate=2")),
    route("GET",    "/api/v1/signin.json", None, Admin, Own, LIST, None),
    route("POST",   "/api/v1/signin.json", Some(r#"{"signIn": {"type": "签到", "remark": "到岗"}}"#), AnyAgent, Own, ONE, Some("/api/v1/signin.json")),
    route("GET",    SCHEDULES, None, Admin, Own, LIST, None),
    route("POST",   "/api/v1/schedules.json", Some(r#"{"duty": [{"sid": "{agent}", "date": "2099-06-02", "schedules": [{"name": "加班", "start_time": "09:00", "end_time": "12:00"}]}]}"#), Admin, NoAgent, ONE, Some(SCHEDULES)),
    route("PUT",    "/api/v1/schedules.json?dutyId={duty}", Some(r#"{"duty": {"name": "改班", "start_time": "10:00", "end_time": "11:00"}}"#), Admin, NotFound, ONE, Some(SCHEDULES)),
    route("DELETE", "/api/v1/schedules.json?dutyId={spare_duty}", None, Admin, NotFound, ONE, Some(SCHEDULES)),
    route("GET",    "/api/v1/supportgroups.json", None, Admin, Own, LIST, None),
    route("POST",   "/api/v1/supportgroups.json", Some(r#"{"supportgroup": {"name": "售后"}}"#), Admin, Own, ONE, Some("/api/v1/supportgroups.json")),
    route("GET",    "/api/v1/supportgroups/{group}.json", None, Admin, NotFound, ONE, None),
    route("PUT",    "/api/v1/supportgroups/{group}.json", Some(r#"{"supportgroup": {"name": "大客户"}}"#), Admin, NotFound, ONE, Some("/api/v1/supportgroups/{group}.json")),
    route("DELETE", "/api/v1/supportgroups/{spare_group}.json", None, Admin, NotFound, ONE, Some("/api/v1/supportgroups/{spare_group}.json")),
    route("GET",    "/api/v1/supportgroups/{group}/supports.json", None, Admin, NotFound, LIST, None),
    route("GET",    "/api/v1/settings.json", None, Admin, Own, ONE, None),
    route("PUT",    "/api/v1/settings.json", Some(r#"{"settings": {"utc_offset": 5.5}}"#), Admin, Own, ONE, Some("/api/v1/settings.json")),
    // Webhook URLs and delivery logs are for admins only, reads included.
    route("GET",    WEBHOOKS, None, Admin, Own, LIST, None),
    route("POST",   WEBHOOKS, Some(r#"{"webhook": {"url": "https://hooks.example.com/new", "events": ["*"]}}"#), Admin, Own, ONE, Some(WEBHOOKS)),
    route("GET",    "/api/v1/webhooks/{webhook}.json", None, Admin, NotFound, ONE, None),
    route("PUT",    "/api/v1/webhooks/{webhook}.json", Some(r#"{"webhook": {"url": "https://hooks.example.com/changed", "events": ["message"]}}"#), Admin, NotFound, ONE, Some("/api/v1/webhooks/{webhook}.json")),
    route("DELETE", "/api/v1/webhooks/{spare_webhook}.json", None, Admin, NotFound, ONE, Some("/api/v1/webhooks/{spare_webhook}.json")),
    // The fixture's log is empty: the row checks access, not contents.
    route("GET",    "/api/v1/webhooks/{webhook}/deliveries.json", None, Admin, NotFound, ONE, None),
    // The api_key is public, yet only admins read it; rotating changes it.
    route("GET",    "/api/v1/keys.json", None, Admin, Own, ONE, None),
    route("POST",   "/api/v1/keys.json", Some(r#"{"keys": {"api_key": true}}"#), Admin, Own, ONE, Some("/api/v1/keys.json")),
    route("GET",    "/api/v1/reports.json?from=2099-06-01&to=2099-06-02", None, Admin, Own, ONE, None),
    route("GET",    "/api/v1/reports.csv?from=2099-06-01&to=2099-06-02&by=agent", None, Admin, Own, ONE, None),
    route("GET",    "/api/v1/transcripts.json?from=2099-06-01&to=2099-06-02", None, Admin, Own, ONE, None),
    route("GET",    "/api/v1/transcripts.csv?from=2099-06-01&to=2099-06-02", None, Admin, Own, ONE, None),
];

/// The callers of the matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    /// (a) the tenant's admin.
    Admin,
    /// (b) a non-admin, whose ids in paths are its own.
    Myself,
    /// (c) a non-admin acting on another agent.
    OtherAgent,
    /// (d) a real account with a wrong password.
    WrongPassword,
    /// (e) no Authorization header.
    NoCredentials,
    /// (f) an admin deleted to the recycle bin, with its right password.
    Recycled,
    /// (g) another tenant's admin.
    OtherTenantAdmin,
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Allowed,
    Refused(u16, &'static str),
    SidDoesNotExist,
}

fn expected(route: &Route, who: Who) -> Outcome {
    const FORBIDDEN: Outcome = Outcome::Refused(403, "10030");
    match who {
        Who::Admin => Outcome::Allowed,
        Who::Myself if route.access == Admin => FORBIDDEN,
        Who::Myself => Outcome::Allowed,
        Who::OtherAgent if route.access == AnyAgent => Outcome::Allowed,
        Who::OtherAgent => FORBIDDEN,
        Who::WrongPassword | Who::NoCredentials => Outcome::Refused(401, "10020"),
        Who::Recycled => Outcome::Refused(403, "10021"),
        Who::OtherTenantAdmin => match route.other_tenant {
            NoAgent => Outcome::Refused(404, "10011"),
            NoSid => Outcome::SidDoesNotExist,
            NotFound => Outcome::Refused(404, "10040"),
            Own => Outcome::Allowed,
        },
    }
}

async fn admin_may_use_every_route(app: TestApp) {
    run_matrix(&app, Who::Admin).await;
}

async fn non_admin_may_only_read_and_edit_itself_and_check_in(app: TestApp) {
    run_matrix(&app, Who::Myself).await;
}

async fn non_admin_may_read_but_not_change_another_agent(app: TestApp) {
    run_matrix(&app, Who::OtherAgent).await;
}

async fn wrong_password_is_refused_on_every_route(app: TestApp) {
    run_matrix(&app, Who::WrongPassword).await;
}

async fn missing_credentials_are_refused_on_every_route(app: TestApp) {
    run_matrix(&app, Who::NoCredentials).await;
}

async fn agent_in_the_recycle_bin_is_refused_on_every_route(app: TestApp) {
    run_matrix(&app, Who::Recycled).await;
}

async fn another_tenants_admin_cannot_see_or_touch_the_tenant(app: TestApp) {
    let fx = run_matrix(&app, Who::OtherTenantAdmin).await;
    // Its allowed writes landed in its own tenant.
    let t2 = fx.t2.admin();
    let settings = app.api_get("/api/v1/settings.json", &t2).await;
    assert_eq!(settings["settings"]["utc_offset"], 5.5, "{settings}");
    let first = app.api_get("/api/v1/settings.json", &fx.t1.admin()).await;
    assert_eq!(first["settings"]["utc_offset"], 9.0, "{first}");
    let found = app
        .api_get(
            "/api/v1/supportgroups/supports/search.json?query=sPassportName:xinren",
            &t2,
        )
        .await;
    assert_eq!(found["count"], "1", "{found}");
    let groups = app.api_get("/api/v1/supportgroups.json", &t2).await;
    let groups = groups["supportgroups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["售前", "售后"]);
    let hooks = app.api_get(WEBHOOKS, &t2).await;
    let hooks = hooks["webhooks"].as_array().unwrap();
    let urls: Vec<&str> = hooks.iter().map(|w| w["url"].as_str().unwrap()).collect();
    assert_eq!(
        urls,
        [
            "https://hooks.example.com/globex",
            "https://hooks.example.com/new"
        ]
    );
}

/// The table must name every route the server mounts under /api/v1.
#[test]
fn the_matrix_covers_every_route() {
    let mut mounted: Vec<(String, String)> = kefu::api::route_table()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/v1/"))
        .map(|(method, path)| (method.to_uppercase(), path.to_owned()))
        .collect();
    let mut tested: Vec<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), route_pattern(r.path)))
        .collect();
    mounted.sort();
    tested.sort();
    assert_eq!(tested, mounted);
    assert_eq!(tested.len(), 38);
}

async fn ten_failed_logins_lock_the_account_even_for_the_right_password(app: TestApp) {
    let t = app.tenant("Acme").await;
    let zhao = app.agent(&t, "zhao", false).await;
    let qian = app.agent(&t, "qian", false).await;
    let own = format!("/api/v1/supports/{}.json", zhao.id);
    let wrong = Login::new("zhao", "pw-guess");
    for attempt in 1..=10 {
        let r = get(&app, &own, &wrong).await;
        assert_unauthorized(&r, &format!("wrong password #{attempt}"));
    }
    for login in [zhao.login(), wrong] {
        let r = get(&app, &own, &login).await;
        assert_error(&r, 429, "10022", "11th attempt");
        let wait: u64 = header(&r, RETRY_AFTER).parse().unwrap();
        assert!((1..=600).contains(&wait), "Retry-After {wait}");
    }
    // The lock is zhao's only.
    let r = get(&app, &own, &qian.login()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.api_get("/api/v1/settings.json", &t.admin()).await;
    // ... and it holds for seed 003's serv/bind too.
    let bind = bind(&app, &zhao, &zhao.password).await;
    assert_v1_error(&bind, 429, 2005, Some("serv_id"));
}

async fn serv_bind_and_basic_auth_share_the_failure_count(app: TestApp) {
    let t = app.tenant("Acme").await;
    let zhao = app.agent(&t, "zhao", false).await;
    let qian = app.agent(&t, "qian", false).await;
    let sun = app.agent(&t, "sun", false).await;

    // Ten wrong binds lock the account for binding and for Basic auth.
    for _ in 0..10 {
        assert_v1_error(&bind(&app, &zhao, "pw-guess").await, 401, 2002, None);
    }
    let locked = bind(&app, &zhao, &zhao.password).await;
    assert_v1_error(&locked, 429, 2005, Some("serv_id"));
    let me = format!("/api/v1/supports/{}.json", zhao.id);
    let r = get(&app, &me, &zhao.login()).await;
    assert_error(&r, 429, "10022", "Basic auth after ten wrong binds");
    assert!(r.headers.contains_key(RETRY_AFTER));

    // Five failures on each API add up to the same limit.
    let me = format!("/api/v1/supports/{}.json", qian.id);
    for _ in 0..5 {
        assert_v1_error(&bind(&app, &qian, "pw-guess").await, 401, 2002, None);
        let r = get(&app, &me, &Login::new("qian", "pw-guess")).await;
        assert_unauthorized(&r, "wrong Basic password");
    }
    let r = get(&app, &me, &qian.login()).await;
    assert_error(&r, 429, "10022", "Basic auth after 5 + 5 failures");
    let locked = bind(&app, &qian, &qian.password).await;
    assert_v1_error(&locked, 429, 2005, Some("serv_id"));

    // Other accounts still log in on both.
    let (status, body) = bind(&app, &sun, &sun.password).await;
    assert_eq!(status, 200, "{body}");
    let r = get(
        &app,
        &format!("/api/v1/supports/{}.json", sun.id),
        &sun.login(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

async fn malformed_authorization_headers_are_unauthorized(app: TestApp) {
    let t = app.tenant("Acme").await;
    let zhao = app.agent(&t, "zhao", false).await;
    let path = format!("/api/v1/supports/{}.json", zhao.id);
    let b64 = |text: &str| STANDARD.encode(text);
    let malformed = [
        "Basic !!!not-base64!!!".to_owned(),
        format!("Basic {}", b64("zhao-pw-zhao")),
        "Bearer x".to_owned(),
        format!("Bearer {}", b64("zhao:pw-zhao")),
        "Basic".to_owned(),
    ];
    for header in &malformed {
        let r = send(&app, "GET", &path, Some(header), None).await;
        assert_unauthorized(&r, header);
    }
    // The same credentials, well formed, work.
    let r = send(&app, "GET", &path, Some(&basic(&zhao.login())), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["support"]["sPassportName"], "zhao");
}

async fn an_account_logs_in_to_its_own_tenant_only(app: TestApp) {
    let t1 = app.tenant("Acme").await;
    let t2 = app.tenant("Globex").await;
    assert_eq!(t1.admin_account, "admin");
    assert_eq!(t2.admin_account, format!("admin{}", t2.id));
    let zhao = app.agent(&t1, "zhao", false).await;
    let wang = app.agent(&t2, "wang", false).await;

    // wang (of the second tenant) sees itself, not the first tenant's agents.
    let me = app
        .api_get(&format!("/api/v1/supports/{}.json", wang.id), &wang.login())
        .await;
    assert_eq!(me["support"]["sId"], wang.id, "{me}");
    for id in [zhao.id, t1.admin_id] {
        let r = get(&app, &format!("/api/v1/supports/{id}.json"), &wang.login()).await;
        assert_error(&r, 404, "10011", "wang reading the first tenant");
    }
    // The second tenant's admin lists its own agents only.
    let list = app.api_get("/api/v1/supports.json", &t2.admin()).await;
    assert_eq!(
        sorted_ids(&list["supports"]),
        [t2.admin_id, wang.id],
        "{list}"
    );
    assert_eq!(list["count"], 2, "{list}");
    let list = app.api_get("/api/v1/supports.json", &t1.admin()).await;
    assert_eq!(
        sorted_ids(&list["supports"]),
        [t1.admin_id, zhao.id],
        "{list}"
    );

    // An account with another tenant's admin password is just wrong.
    let crossed = Login::new(&t2.admin_account, &t1.admin_password);
    let r = get(&app, "/api/v1/supports.json", &crossed).await;
    assert_unauthorized(&r, "second admin's account, first admin's password");
}

async fn unknown_routes_wrong_methods_and_non_json_bodies(app: TestApp) {
    let t = app.tenant("Acme").await;
    let zhao = app.agent(&t, "zhao", false).await;
    let admin = t.admin();
    for path in ["/api/v1/nothing.json", "/api/v1/supports/1/extra.json"] {
        let r = get(&app, path, &admin).await;
        assert_error(&r, 404, "10040", path);
    }
    let agent = format!("/api/v1/supports/{}.json", zhao.id);
    for (method, path) in [
        (Method::DELETE, "/api/v1/supports.json"),
        (Method::POST, agent.as_str()),
        (Method::PATCH, "/api/v1/settings.json"),
        (Method::DELETE, "/api/v1/signin.json"),
    ] {
        let r = app.api(method.clone(), path, &admin, None).await;
        assert_error(&r, 405, "10041", &format!("{method} {path}"));
    }

    let before = app.api_get("/api/v1/supports.json", &admin).await;
    for body in ["sPassportName=li&sNum=1", "{\"support\": ", "[1, 2]"] {
        let auth = basic(&admin);
        let r = send(
            &app,
            "POST",
            "/api/v1/supports.json",
            Some(&auth),
            Some(body.into()),
        )
        .await;
        assert_error(&r, 400, "10003", body);
    }
    assert_eq!(app.api_get("/api/v1/supports.json", &admin).await, before);
}

// ---- helpers ----

/// Ids one tenant's rows carry in answers: ("agent" | "group" | "duty" |
/// "webhook", id).
type Ids = Vec<(&'static str, String)>;

struct Fixture {
    t1: Tenant,
    t2: Tenant,
    /// Non-admins of the first tenant: the subject, the other caller, the victim.
    zhao: Agent,
    qian: Agent,
    sun: Agent,
    /// An admin of the first tenant, in the recycle bin.
    li: Agent,
    group: i64,
    spare_group: i64,
    duty: String,
    spare_duty: String,
    webhook: i64,
    spare_webhook: i64,
    t1_ids: Ids,
    t2_ids: Ids,
}

/// Two tenants with agents, groups, schedules, check-ins and webhooks; the
/// first one's clock is UTC+9.
async fn setup(app: &TestApp) -> Fixture {
    let t1 = app.tenant("Acme").await;
    let t2 = app.tenant("Globex").await;
    let zhao = app.agent(&t1, "zhao", false).await;
    let qian = app.agent(&t1, "qian", false).await;
    let sun = app.agent(&t1, "sun", false).await;
    let li = app.agent(&t1, "li", true).await;
    let admin = t1.admin();
    let group = create_group(app, &admin, "售前").await;
    let spare_group = create_group(app, &admin, "待删").await;
    let join = json!({ "support": { "groupId": group.to_string() } });
    let zhao_path = format!("/api/v1/supports/{}.json", zhao.id);
    ok(app, Method::PUT, &zhao_path, &admin, Some(join)).await;
    let duties = create_duties(app, &admin, zhao.id, 2).await;
    let webhook = create_webhook(app, &admin, "acme").await;
    let spare_webhook = create_webhook(app, &admin, "acme-spare").await;
    check_in(app, &zhao.login()).await;
    let li_path = format!("/api/v1/supports/{}.json", li.id);
    let deleted = ok(app, Method::DELETE, &li_path, &admin, None).await;
    assert_eq!(deleted["support"]["isStat"], "0", "{deleted}");
    let nine = json!({ "settings": { "utc_offset": 9 } });
    ok(
        app,
        Method::PUT,
        "/api/v1/settings.json",
        &admin,
        Some(nine),
    )
    .await;

    let t2_admin = t2.admin();
    let t2_group = create_group(app, &t2_admin, "售前").await;
    let t2_duties = create_duties(app, &t2_admin, t2.admin_id, 1).await;
    let t2_webhook = create_webhook(app, &t2_admin, "globex").await;
    check_in(app, &t2_admin).await;

    let ids = |agents: &[i64], groups: &[i64], duties: &[String], hooks: &[i64]| -> Ids {
        let agents = agents.iter().map(|id| ("agent", id.to_string()));
        let groups = groups.iter().map(|id| ("group", id.to_string()));
        let duties = duties.iter().map(|id| ("duty", id.clone()));
        let hooks = hooks.iter().map(|id| ("webhook", id.to_string()));
        agents.chain(groups).chain(duties).chain(hooks).collect()
    };
    let t1_agents = [t1.admin_id, zhao.id, qian.id, sun.id, li.id];
    let t1_hooks = [webhook, spare_webhook];
    Fixture {
        t1_ids: ids(&t1_agents, &[group, spare_group], &duties, &t1_hooks),
        t2_ids: ids(&[t2.admin_id], &[t2_group], &t2_duties, &[t2_webhook]),
        duty: duties[0].clone(),
        spare_duty: duties[1].clone(),
        webhook,
        spare_webhook,
        t1,
        t2,
        zhao,
        qian,
        sun,
        li,
        group,
        spare_group,
    }
}

impl Fixture {
    /// The path or body of a row, for one caller: a non-admin acting on
    /// itself has its own id wherever the row names an agent.
    fn fill(&self, text: &str, who: Who) -> String {
        let victim = match who {
            Who::Myself => self.zhao.id,
            _ => self.sun.id,
        };
        text.replace("{agent}", &self.zhao.id.to_string())
            .replace("{victim}", &victim.to_string())
            .replace("{spare_group}", &self.spare_group.to_string())
            .replace("{group}", &self.group.to_string())
            .replace("{spare_duty}", &self.spare_duty)
            .replace("{duty}", &self.duty)
            .replace("{spare_webhook}", &self.spare_webhook.to_string())
            .replace("{webhook}", &self.webhook.to_string())
            .replace("{t2_admin}", &self.t2.admin_id.to_string())
    }

    /// The caller's Authorization header; `row` spreads wrong passwords over
    /// four accounts so that no account reaches the throttle's 10 failures.
    fn authorization(&self, who: Who, row: usize) -> Option<String> {
        let login = match who {
            Who::Admin => self.t1.admin(),
            Who::Myself => self.zhao.login(),
            Who::OtherAgent => self.qian.login(),
            Who::WrongPassword => {
                let accounts = [&self.t1.admin_account, "zhao", "qian", "sun"];
                Login::new(accounts[row % accounts.len()], "pw-wrong-guess")
            }
            Who::NoCredentials => return None,
            Who::Recycled => self.li.login(),
            Who::OtherTenantAdmin => self.t2.admin(),
        };
        Some(basic(&login))
    }

    fn caller_id(&self, who: Who) -> i64 {
        match who {
            Who::Myself => self.zhao.id,
            Who::OtherAgent => self.qian.id,
            Who::OtherTenantAdmin => self.t2.admin_id,
            _ => self.t1.admin_id,
        }
    }
}

/// Runs every route as `who` and checks the answers; returns the fixture.
async fn run_matrix(app: &TestApp, who: Who) -> Fixture {
    let fx = setup(app).await;
    let (own, foreign) = match who {
        Who::OtherTenantAdmin => (&fx.t2_ids, &fx.t1_ids),
        _ => (&fx.t1_ids, &fx.t2_ids),
    };
    for (row, route) in ROUTES.iter().enumerate() {
        let path = fx.fill(route.path, who);
        let what = format!("{who:?}: {} {path}", route.method);
        let read_back = route.read_back.map(|p| fx.fill(p, who));
        let before = match &read_back {
            Some(p) => Some(read_as_admin(app, &fx, p).await),
            None => None,
        };
        let auth = fx.authorization(who, row);
        let body = route.body.map(|b| fx.fill(b, who));
        let r = send(app, route.method, &path, auth.as_deref(), body).await;
        let outcome = expected(route, who);
        match &outcome {
            Outcome::Allowed => {
                assert_2xx(&r, &what);
                let named = named_ids(&r.body);
                let leaked: Vec<_> = named.iter().filter(|id| foreign.contains(id)).collect();
                assert!(leaked.is_empty(), "{what}: shows {leaked:?}: {}", r.body);
                let mine = named.iter().any(|id| own.contains(id));
                assert!(
                    mine || !route.list,
                    "{what}: lists none of its rows: {}",
                    r.body
                );
                if route.method == "POST" && route.path == "/api/v1/signin.json" {
                    let sid = &r.body["data"]["signIn"]["sId"];
                    assert_eq!(*sid, fx.caller_id(who), "{what}: checks in itself");
                }
            }
            Outcome::Refused(401, _) => assert_unauthorized(&r, &what),
            Outcome::Refused(http, code) => assert_error(&r, *http, code, &what),
            Outcome::SidDoesNotExist => {
                let bare = json!({ "status": 403, "message": "The sId does not exist" });
                assert_eq!((r.status, &r.body), (403, &bare), "{what}");
            }
        }
        if let (Some(p), Some(before)) = (read_back, before) {
            let after = read_as_admin(app, &fx, &p).await;
            if outcome == Outcome::Allowed && who != Who::OtherTenantAdmin {
                assert_ne!(before, after, "{what}: the write does not show in {p}");
            } else {
                assert_eq!(before, after, "{what}: a refused write changed {p}");
            }
        }
    }
    fx
}

/// What the first tenant's admin reads at `path`: status and body.
async fn read_as_admin(app: &TestApp, fx: &Fixture, path: &str) -> (u16, Value) {
    let r = get(app, path, &fx.t1.admin()).await;
    (r.status, r.body)
}

async fn get(app: &TestApp, path: &str, login: &Login) -> ApiResponse {
    app.api(Method::GET, path, login, None).await
}

/// A request with a raw Authorization header (or none) and a raw body.
async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    authorization: Option<&str>,
    body: Option<String>,
) -> ApiResponse {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app.client.request(method, format!("{}{path}", app.base));
    if let Some(authorization) = authorization {
        request = request.header(AUTHORIZATION, authorization);
    }
    if let Some(body) = body {
        request = request.header(CONTENT_TYPE, "application/json").body(body);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    ApiResponse {
        status,
        headers,
        body,
    }
}

fn basic(login: &Login) -> String {
    let pair = format!("{}:{}", login.account, login.password);
    format!("Basic {}", STANDARD.encode(pair))
}

/// A call that must succeed; returns its body.
async fn ok(
    app: &TestApp,
    method: Method,
    path: &str,
    login: &Login,
    body: Option<Value>,
) -> Value {
    let r = app.api(method.clone(), path, login, body).await;
    assert_2xx(&r, &format!("{method} {path}"));
    r.body
}

async fn create_group(app: &TestApp, admin: &Login, name: &str) -> i64 {
    let body = json!({ "supportgroup": { "name": name } });
    let path = "/api/v1/supportgroups.json";
    let created = ok(app, Method::POST, path, admin, Some(body)).await;
    created["supportgroup"]["groupId"].as_i64().unwrap()
}

/// `count` schedules for the agent on 2099-06-01; returns their dutyIds.
async fn create_duties(app: &TestApp, admin: &Login, sid: i64, count: usize) -> Vec<String> {
    let shifts: Vec<Value> = [("08:00", "12:00"), ("13:00", "17:00")][..count]
        .iter()
        .map(|(start, end)| json!({ "name": "班", "start_time": start, "end_time": end }))
        .collect();
    let day = json!({ "sid": sid.to_string(), "date": "2099-06-01", "schedules": shifts });
    let body = json!({ "duty": [day] });
    let created = ok(
        app,
        Method::POST,
        "/api/v1/schedules.json",
        admin,
        Some(body),
    )
    .await;
    let schedules = created["data"]["duty"][0]["schedules"].as_array().unwrap();
    schedules
        .iter()
        .map(|s| s["dutyId"].as_str().unwrap().to_owned())
        .collect()
}

/// A webhook for every event at `https://hooks.example.com/{name}`; returns its id.
async fn create_webhook(app: &TestApp, admin: &Login, name: &str) -> i64 {
    let url = format!("https://hooks.example.com/{name}");
    let body = json!({ "webhook": { "url": url, "events": ["*"] } });
    let created = ok(app, Method::POST, WEBHOOKS, admin, Some(body)).await;
    created["webhook"]["id"].as_i64().unwrap()
}

async fn check_in(app: &TestApp, login: &Login) {
    let body = json!({ "signIn": { "type": "签到", "remark": "早" } });
    ok(app, Method::POST, "/api/v1/signin.json", login, Some(body)).await;
}

/// Seed 003's `serv/bind` of the agent's own device session.
async fn bind(app: &TestApp, agent: &Agent, password: &str) -> (u16, Value) {
    let form = [
        ("session", agent.session.as_str()),
        ("serv_id", agent.serv_id.as_str()),
        ("password", password),
    ];
    app.post("/v1/serv/bind", &form).await
}

fn assert_2xx(r: &ApiResponse, what: &str) {
    assert!(
        (200..300).contains(&r.status),
        "{what}: {} {}",
        r.status,
        r.body
    );
}

fn assert_error(r: &ApiResponse, http: u16, code: &str, what: &str) {
    assert_eq!(r.status, http, "{what}: {}", r.body);
    assert_eq!(r.body["status"], http, "{what}: {}", r.body);
    assert_eq!(r.body["code"], code, "{what}: {}", r.body);
    let message = r.body["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "{what}: {}", r.body);
}

fn assert_unauthorized(r: &ApiResponse, what: &str) {
    assert_error(r, 401, "10020", what);
    let challenge = r#"Basic realm="kefu", charset="UTF-8""#;
    assert_eq!(header(r, WWW_AUTHENTICATE), challenge, "{what}");
}

fn header(r: &ApiResponse, name: reqwest::header::HeaderName) -> String {
    let value = r.headers.get(&name);
    value
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
        .to_owned()
}

/// The agent, group, schedule and webhook ids an answer names.
fn named_ids(v: &Value) -> Ids {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = Ids::new();
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                match key.as_str() {
                    "sId" | "sid" => out.push(("agent", text(value))),
                    "groupId" => {
                        let ids = text(value);
                        let ids = ids.split(',').filter(|s| !s.is_empty());
                        out.extend(ids.map(|id| ("group", id.to_owned())));
                    }
                    "dutyId" => out.push(("duty", text(value))),
                    "webhook" | "webhooks" => {
                        let hooks = match value {
                            Value::Array(items) => items.iter().collect(),
                            one => vec![one],
                        };
                        let ids = hooks.into_iter().filter_map(|w| w.get("id"));
                        out.extend(ids.map(|id| ("webhook", text(id))));
                        out.extend(named_ids(value));
                    }
                    _ => out.extend(named_ids(value)),
                }
            }
        }
        Value::Array(items) => out.extend(items.iter().flat_map(named_ids)),
        _ => {}
    }
    out
}

fn sorted_ids(list: &Value) -> Vec<i64> {
    let list = list.as_array().unwrap();
    let mut ids: Vec<i64> = list.iter().map(|s| s["sId"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids
}

/// A table path as the router writes it: no query, `{id}` for ids.
/// The route a test path hits, as the route table names it
/// (`/api/v1/supports/{agent}.json` is `/api/v1/supports/{id}.json`).
fn route_pattern(path: &str) -> String {
    let path = path.split('?').next().unwrap();
    let segments = path.split('/').map(|s| match s.split_once('}') {
        Some((_, rest)) if s.starts_with('{') => format!("{{id}}{rest}"),
        _ => s.to_owned(),
    });
    segments.collect::<Vec<_>>().join("/")
}
