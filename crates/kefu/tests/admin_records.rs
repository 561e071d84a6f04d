//! Seed 002's records around agents: duty schedules, check-ins, module status
//! and the call-center permission, departments (groups) and tenant settings,
//! through `/api/v1` on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected shapes")]

mod common;

use common::{ApiResponse, Login, Tenant, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

on_every_backend!(
    duty_schedules_are_created_listed_updated_and_deleted,
    invalid_duty_requests_create_nothing,
    agents_check_in_and_admins_list_the_records,
    invalid_check_ins_record_nothing,
    module_status_follows_the_tenant_status_names,
    call_center_permission_is_opened_and_read_back,
    groups_are_created_renamed_listed_and_deleted,
    settings_change_the_time_zone_and_refuse_invalid_values,
    schedules_decide_when_an_agent_is_on_duty,
);

const SCHEDULES: &str = "/api/v1/schedules.json";
const SIGNIN: &str = "/api/v1/signin.json";
const SETTINGS: &str = "/api/v1/settings.json";
const GROUPS: &str = "/api/v1/supportgroups.json";

async fn duty_schedules_are_created_listed_updated_and_deleted(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = Api::admin(&app, &t);
    let a = app.agent(&t, "duty_a", false).await;
    let b = app.agent(&t, "duty_b", false).await;
    let (sa, sb) = (a.id.to_string(), b.id.to_string());

    // One batch for two agents and two dates, out of order on purpose; sid
    // as a string and as a number.
    let mut lunch = shift("午班", "13:00", "17:00");
    lunch["remark"] = json!("备注");
    lunch["url"] = json!("http://www.baidu.com");
    let mut evening = shift("晚班", "18:00", "22:00");
    evening["remark"] = json!("");
    let early = shift("早班", "09:00", "12:00");
    let body = json!({ "duty": [
        { "sid": sb, "date": "2099-05-02", "schedules": [evening] },
        { "sid": a.id, "date": "2099-05-01", "schedules": [lunch, early] },
        { "sid": a.id, "date": "2099-05-02", "schedules": [shift("全天", "08:00", "20:00")] },
        { "sid": b.id, "date": "2099-05-01", "schedules": [early] },
    ]});
    let r = ok(admin.post(SCHEDULES, body).await);
    envelope(&r, "success");
    let days = r["data"]["duty"].as_array().unwrap().clone();
    let wanted = [
        (&sb, "2099-05-02", vec!["晚班"]),
        (&sa, "2099-05-01", vec!["午班", "早班"]),
        (&sa, "2099-05-02", vec!["全天"]),
        (&sb, "2099-05-01", vec!["早班"]),
    ];
    assert_eq!(days.len(), wanted.len(), "{r}");
    let mut ids = Vec::new();
    for (day, (sid, date, names)) in days.iter().zip(&wanted) {
        assert_eq!(keys(day), ["date", "schedules", "sid"], "{day}");
        assert_eq!(day["sid"], **sid);
        assert_eq!(day["date"], *date);
        let shifts = day["schedules"].as_array().unwrap();
        let got: Vec<String> = shifts.iter().map(|s| text(&s["name"])).collect();
        assert_eq!(&got, names);
        for s in shifts {
            let id = text(&s["dutyId"]);
            let suffix = id.strip_prefix(&format!("{sid}_{date}_"));
            let suffix = suffix.unwrap_or_else(|| panic!("{id} is not sid_date_suffix"));
            assert!(!suffix.is_empty(), "{id}");
            assert!(suffix.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
            ids.push(id);
        }
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "dutyIds are distinct");
    let lunch = days[1]["schedules"][0].clone();
    let lunch_id = text(&lunch["dutyId"]);
    let want = json!({ "dutyId": lunch_id, "name": "午班", "remark": "备注", "start_time": "13:00",
        "end_time": "17:00", "status": "1", "url": "http://www.baidu.com" });
    assert_eq!(lunch, want);
    let evening = days[0]["schedules"][0].clone();
    let evening_id = text(&evening["dutyId"]);
    let want = json!({ "dutyId": evening_id, "name": "晚班", "remark": "", "start_time": "18:00",
        "end_time": "22:00", "status": "1" });
    assert_eq!(evening, want, "no url key when none was given");

    // The list groups them by agent and date, shifts in start order.
    let may = "?startDT=2099-05-01&endDT=2099-05-02";
    assert_eq!(admin.duties(may).await, grouped(&days));
    let only = |key: &str, value: &str| -> Vec<Value> {
        days.iter().filter(|d| d[key] == value).cloned().collect()
    };
    let listed = admin.duties(&format!("{may}&sid={sa}")).await;
    assert_eq!(listed, grouped(&only("sid", &sa)));
    let listed = admin.duties("?startDT=2099-05-02&endDT=2099-05-02").await;
    assert_eq!(listed, grouped(&only("date", "2099-05-02")));
    let listed = admin.duties("?startDT=2099-05-03&endDT=2099-05-31").await;
    assert_eq!(listed, json!([]));

    // Update one: the body cannot move it to another agent or date.
    let body = json!({ "duty": { "sid": b.id, "date": "2099-05-09", "name": "午班改", "remark": "改",
        "start_time": "10:00", "end_time": "11:30", "url": "https://example.com/new" } });
    let r = ok(admin.put(&duty_path(&lunch_id), body).await);
    let moved = json!({ "dutyId": lunch_id, "name": "午班改", "remark": "改", "start_time": "10:00",
        "end_time": "11:30", "status": "1", "url": "https://example.com/new" });
    let day = json!({ "sid": sa, "date": "2099-05-01", "schedules": [moved] });
    assert_eq!(
        r,
        json!({ "code": "0", "message": "ok", "data": { "duty": day } })
    );
    let q = format!("?startDT=2099-05-01&endDT=2099-05-01&sid={sa}");
    let early = &days[1]["schedules"][1];
    let day = json!({ "sid": sa, "date": "2099-05-01", "schedules": [early, moved] });
    assert_eq!(
        admin.duties(&q).await,
        json!([day]),
        "10:00 comes after 09:00"
    );
    let listed = admin.duties("?startDT=2099-05-09&endDT=2099-05-09").await;
    assert_eq!(listed, json!([]));

    // Delete a future one: answered, then gone.
    let r = ok(admin.delete(&duty_path(&evening_id)).await);
    let day = json!({ "sid": sb, "date": "2099-05-02", "schedules": [evening] });
    assert_eq!(
        r,
        json!({ "code": "0", "message": "ok", "data": { "duty": day } })
    );
    let mut left = grouped(&days[1..]);
    left[0]["schedules"][1] = moved;
    assert_eq!(admin.duties(may).await, left);

    // One that has already started cannot be deleted.
    let old = shift("旧班", "09:00", "10:00");
    let body = json!({ "duty": [{ "sid": a.id, "date": "2001-01-01", "schedules": [old] }] });
    let old = ok(admin.post(SCHEDULES, body).await)["data"]["duty"][0]["schedules"][0].clone();
    let r = admin.delete(&duty_path(&text(&old["dutyId"]))).await;
    assert_admin_error(&r, 409, 10050, None);
    let listed = admin.duties("?startDT=2001-01-01&endDT=2001-01-01").await;
    let day = json!({ "sid": sa, "date": "2001-01-01", "schedules": [old] });
    assert_eq!(listed, json!([day]));

    // Agents cannot read schedules.
    let r = Api::of(&app, a.login())
        .get(&format!("{SCHEDULES}{may}"))
        .await;
    assert_admin_error(&r, 403, 10030, None);
}

async fn invalid_duty_requests_create_nothing(app: TestApp) {
    let t = app.tenant("Acme").await;
    let other = app.tenant("Other").await;
    let (admin, theirs) = (Api::admin(&app, &t), Api::admin(&app, &other));
    let a = app.agent(&t, "duty_c", false).await;
    let b = app.agent(&t, "duty_d", false).await;
    let stranger = app.agent(&other, "duty_x", false).await;
    let entry =
        |sid: i64, date: &str, s: Value| json!({ "sid": sid, "date": date, "schedules": [s] });
    let good = entry(a.id, "2099-06-01", shift("班", "09:00", "12:00"));
    let for_b = |s: Value| entry(b.id, "2099-06-02", s);
    let ok_shift = || shift("班", "09:00", "10:00");
    let mut long_name = ok_shift();
    long_name["name"] = json!("班".repeat(31));
    let mut ftp = ok_shift();
    ftp["url"] = json!("ftp://x");
    let unknown = a.id.max(b.id).max(stranger.id) + 1000;
    let cases = [
        (for_b(long_name), 10002, "name"),
        (for_b(shift("班", "25:00", "26:00")), 10002, "start_time"),
        (for_b(shift("班", "10:00", "09:00")), 10002, "end_time"),
        (for_b(shift("班", "10:00", "10:00")), 10002, "end_time"),
        (entry(b.id, "2023-02-30", ok_shift()), 10002, "date"),
        (entry(unknown, "2099-06-02", ok_shift()), 10011, "sId"),
        (entry(stranger.id, "2099-06-02", ok_shift()), 10011, "sId"),
        (for_b(ftp), 10002, "url"),
        (for_b(json!({ "end_time": "10:00" })), 10001, "start_time"),
    ];
    let june = "?startDT=2099-06-01&endDT=2099-06-30";
    for (bad, code, field) in cases {
        let http = if code == 10011 { 404 } else { 400 };
        let body = json!({ "duty": [good, bad] });
        let r = admin.post(SCHEDULES, body.clone()).await;
        assert_admin_error(&r, http, code, Some(field));
        assert_eq!(admin.duties(june).await, json!([]), "after {body}");
    }
    // One bad entry in a batch of three: none of the three is created.
    let second = entry(b.id, "2099-06-02", shift("班", "08:00", "09:00"));
    let third = entry(b.id, "2099-06-03", shift("班", "18:00", "17:00"));
    let body = json!({ "duty": [good, second, third] });
    let r = admin.post(SCHEDULES, body).await;
    assert_admin_error(&r, 400, 10002, Some("end_time"));
    assert_eq!(admin.duties(june).await, json!([]));

    // 30 characters is the limit, not one more; then there is a real schedule.
    let thirty = shift(&"班".repeat(30), "09:00", "10:00");
    let body = json!({ "duty": [entry(a.id, "2099-06-05", thirty)] });
    let created = ok(admin.post(SCHEDULES, body).await);
    let listed = admin.duties(june).await;
    assert_eq!(listed, created["data"]["duty"]);
    let duty_id = text(&listed[0]["schedules"][0]["dutyId"]);

    // List ranges: end before start, more than 366 days, not a date.
    for (q, field) in [
        ("?startDT=2099-05-10&endDT=2099-05-09", "endDT"),
        ("?startDT=2099-01-01&endDT=2100-01-02", "endDT"),
        ("?startDT=2099-13-01&endDT=2099-12-31", "startDT"),
    ] {
        let r = admin.get(&format!("{SCHEDULES}{q}")).await;
        assert_admin_error(&r, 400, 10002, Some(field));
    }
    let whole = admin.duties("?startDT=2099-01-01&endDT=2100-01-01").await;
    assert_eq!(whole, listed, "366 days are allowed");

    // dutyIds: malformed, unknown, another tenant's; missing.
    let body = json!({ "duty": [entry(stranger.id, "2099-06-05", ok_shift())] });
    let foreign = ok(theirs.post(SCHEDULES, body).await)["data"]["duty"].clone();
    let foreign_id = text(&foreign[0]["schedules"][0]["dutyId"]);
    let update = json!({ "duty": { "name": "改", "start_time": "09:00", "end_time": "11:00" } });
    let unknown_id = format!("{}_2099-06-05_abc123", a.id);
    for id in ["nope", &unknown_id, &foreign_id] {
        let r = admin.put(&duty_path(id), update.clone()).await;
        assert_admin_error(&r, 404, 10040, Some("dutyId"));
        let r = admin.delete(&duty_path(id)).await;
        assert_admin_error(&r, 404, 10040, Some("dutyId"));
    }
    assert_eq!(theirs.duties(june).await, foreign, "theirs is untouched");
    let r = admin.put(SCHEDULES, update).await;
    assert_admin_error(&r, 400, 10001, Some("dutyId"));
    let r = admin.delete(SCHEDULES).await;
    assert_admin_error(&r, 400, 10001, Some("dutyId"));
    // PUT needs start_time too.
    let body = json!({ "duty": { "name": "改", "end_time": "11:00" } });
    let r = admin.put(&duty_path(&duty_id), body).await;
    assert_admin_error(&r, 400, 10001, Some("start_time"));
    assert_eq!(admin.duties(june).await, listed, "nothing changed");
}

async fn agents_check_in_and_admins_list_the_records(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = Api::admin(&app, &t);
    let (zhao, zhao_id) = agent_with_name(&app, &t, "ck_zhao", "Z001", "赵六").await;
    let (qian, qian_id) = agent_with_name(&app, &t, "ck_qian", "Q002", "钱七").await;
    let u = |n: u32| format!("https://oss.example.com/874731/{n}.jpeg");
    let point = "北京市东城区,经度:116.40231、纬度:39.923807";
    let as_text = format!("{}, {}", u(3), u(4));
    let posts = [
        (
            &zhao,
            json!({ "type": "签到", "remark": "r1", "attachments": [u(1), u(2)],
            "tags": ["早班", "外勤"], "clockingPoint": point }),
        ),
        (
            &qian,
            json!({ "type": "签到", "remark": "r2", "attachments": as_text,
            "tags": ["a"], "clockingPoint": "上海" }),
        ),
        (
            &zhao,
            json!({ "type": "签退", "remark": "r3", "tags": ["ll"] }),
        ),
        (&qian, json!({ "type": "签退", "remark": "r4" })),
        (
            &zhao,
            json!({ "type": "签到", "remark": "r5", "attachments": [u(5)] }),
        ),
    ];
    let mut records = Vec::new();
    for (who, sign_in) in posts {
        let r = ok(who.post(SIGNIN, json!({ "signIn": sign_in })).await);
        envelope(&r, "success");
        let record = r["data"]["signIn"].clone();
        let fields = [
            "attachments",
            "checkinTime",
            "clockingPoint",
            "name",
            "remark",
            "sId",
            "sNum",
            "tags",
        ];
        assert_eq!(keys(&record), fields);
        assert!(is_datetime(&text(&record["checkinTime"])), "{record}");
        records.push(record);
    }
    let time = |i: usize| text(&records[i]["checkinTime"]);
    let want = json!({ "sId": zhao_id, "name": "赵六", "sNum": "Z001", "remark": "r1",
        "attachments": format!("{},{}", u(1), u(2)), "tags": ["签到", "早班", "外勤"],
        "checkinTime": time(0), "clockingPoint": point });
    assert_eq!(records[0], want);
    let want = json!({ "sId": qian_id, "name": "钱七", "sNum": "Q002", "remark": "r2",
        "attachments": format!("{},{}", u(3), u(4)), "tags": ["签到", "a"],
        "checkinTime": time(1), "clockingPoint": "上海" });
    assert_eq!(records[1], want);
    assert_eq!(records[2]["tags"], json!(["签退", "ll"]));
    assert_eq!(records[2]["attachments"], "");
    assert_eq!(records[3]["tags"], json!(["签退"]));
    assert_eq!(records[3]["clockingPoint"], "");

    // The admin's list: oldest first, each record as it was answered.
    let all = admin.ok(SIGNIN).await;
    envelope(&all, "success");
    let data = json!({ "signIn": records, "count": 5, "next_page": "", "previous_page": "" });
    assert_eq!(all["data"], data);
    let desc = admin.ok(&format!("{SIGNIN}?created_order=desc")).await;
    let reversed: Vec<Value> = records.iter().rev().cloned().collect();
    assert_eq!(desc["data"]["signIn"], json!(reversed));
    let asc = admin.ok(&format!("{SIGNIN}?created_order=asc")).await;
    assert_eq!(asc["data"]["signIn"], json!(records));

    // Filter by agent.
    let mine = admin.ok(&format!("{SIGNIN}?sId={zhao_id}")).await;
    assert_eq!(remarks(&mine), ["r1", "r3", "r5"]);
    assert_eq!(mine["data"]["count"], 3);

    // Pages of two, following next_page; the other parameters stay.
    let mut path = format!("{SIGNIN}?created_order=desc&per_page=2");
    let (mut seen, mut pages) = (Vec::new(), 0);
    loop {
        let page = admin.ok(&path).await;
        pages += 1;
        assert_eq!(page["data"]["count"], 5);
        assert_eq!(page["data"]["previous_page"] == "", pages == 1, "{page}");
        seen.extend(remarks(&page));
        let next = text(&page["data"]["next_page"]);
        if next.is_empty() {
            break;
        }
        path = relative(&app, &next);
        assert!(pages < 5, "paging does not end");
    }
    assert_eq!(seen, ["r5", "r4", "r3", "r2", "r1"]);
    assert_eq!(pages, 3);

    // Agents cannot read the list.
    assert_admin_error(&zhao.get(SIGNIN).await, 403, 10030, None);

    // Filter by time, with the times the records show: both ends inclusive.
    let q = format!("{SIGNIN}?created_end=2000-01-01%2000:00:00");
    assert_eq!(admin.ok(&q).await["data"]["count"], 0);
    let mut times: Vec<String> = (0..5).map(time).collect();
    times.dedup();
    for at in &times {
        let pick = |keep: &dyn Fn(&str) -> bool| -> Vec<String> {
            let shown = records.iter().filter(|r| keep(&text(&r["checkinTime"])));
            shown.map(|r| text(&r["remark"])).collect()
        };
        let at = at.as_str();
        let enc = at.replace(' ', "%20");
        for (q, want) in [
            (format!("created_start={enc}"), pick(&|t| t >= at)),
            (format!("created_end={enc}"), pick(&|t| t <= at)),
            (
                format!("created_start={enc}&created_end={enc}"),
                pick(&|t| t == at),
            ),
        ] {
            let got = admin.ok(&format!("{SIGNIN}?{q}")).await;
            assert_eq!(remarks(&got), want, "{q}");
            assert_eq!(got["data"]["count"], want.len(), "{q}");
        }
    }
}

async fn invalid_check_ins_record_nothing(app: TestApp) {
    let t = app.tenant("Acme").await;
    let agent = Api::of(&app, app.agent(&t, "ck_sun", false).await.login());
    let admin = Api::admin(&app, &t);
    let urls: Vec<String> = (0..10).map(|n| format!("https://x.cn/{n}.png")).collect();
    let tags: Vec<String> = (0..11).map(|n| format!("t{n}")).collect();
    let ftp = ["https://x.cn/1.png", "ftp://x.cn/2.png"];
    let script = "https://x.cn/1.png,javascript:alert(1)";
    for (sign_in, field) in [
        (
            json!({ "type": "签到", "attachments": urls }),
            "attachments",
        ),
        (json!({ "attachments": ftp }), "attachments"),
        (json!({ "attachments": script }), "attachments"),
        (json!({ "type": "签退", "tags": tags }), "tags"),
        (json!({ "type": "打卡", "remark": "?" }), "type"),
    ] {
        let r = agent.post(SIGNIN, json!({ "signIn": sign_in })).await;
        assert_admin_error(&r, 400, 10002, Some(field));
    }
    let list = admin.ok(SIGNIN).await;
    assert_eq!(list["data"]["count"], 0);
    assert_eq!(list["data"]["signIn"], json!([]));
    // Nine attachments and ten tags are fine.
    let sign_in = json!({ "signIn": { "attachments": urls[..9], "tags": tags[..10] } });
    let r = ok(agent.post(SIGNIN, sign_in).await);
    assert_eq!(r["data"]["signIn"]["tags"].as_array().unwrap().len(), 11);
    assert_eq!(admin.ok(SIGNIN).await["data"]["count"], 1);
}

async fn module_status_follows_the_tenant_status_names(app: TestApp) {
    let t = app.tenant("Acme").await;
    let other = app.tenant("Other").await;
    let admin = Api::admin(&app, &t);
    let a = app.agent(&t, "st_a", false).await;
    let stranger = app.agent(&other, "st_x", false).await;
    for plate in ["1", "2", "3"] {
        assert_eq!(admin.state_of(a.id, plate).await, "离线", "plate {plate}");
    }
    let r = ok(admin.set_state(a.id, json!("2"), "在线").await);
    let want = json!({ "sId": a.id, "plate": "2", "state": "在线" });
    assert_eq!(r, json!({ "plate_service_state": want }));
    assert_eq!(admin.ok(&state_path(a.id, "?plate=2")).await, r);
    assert_eq!(admin.state_of(a.id, "1").await, "离线");

    // Bad modules, unknown names, unknown agents.
    for plate in [json!("4"), Value::Null, json!("x")] {
        let r = admin.set_state(a.id, plate, "离开").await;
        assert_admin_error(&r, 400, 10012, Some("plate"));
    }
    for q in ["?plate=4", "", "?plate=x"] {
        let r = admin.get(&state_path(a.id, q)).await;
        assert_admin_error(&r, 400, 10012, Some("plate"));
    }
    let r = admin.set_state(a.id, json!("2"), "摸鱼").await;
    assert_admin_error(&r, 400, 10013, Some("state"));
    assert_eq!(admin.state_of(a.id, "2").await, "在线");
    let r = admin.set_state(stranger.id, json!("2"), "离开").await;
    assert_admin_error(&r, 404, 10011, Some("sId"));
    let r = admin.get(&state_path(stranger.id, "?plate=2")).await;
    assert_admin_error(&r, 404, 10011, Some("sId"));
    let theirs = Api::admin(&app, &other);
    assert_eq!(theirs.state_of(stranger.id, "2").await, "离线");

    // New status names for module 2.
    let plate_2 = json!({ "states": ["接待中", "小休"], "accepting": "接待中", "initial": "小休" });
    let body = json!({ "settings": { "plate_states": { "2": plate_2 } } });
    ok(admin.put(SETTINGS, body).await);
    let r = admin.set_state(a.id, json!(2), "在线").await;
    assert_admin_error(&r, 400, 10013, Some("state"));
    ok(admin.set_state(a.id, json!(2), "接待中").await);
    assert_eq!(admin.state_of(a.id, "2").await, "接待中");
    ok(admin.set_state(a.id, json!(1), "忙碌").await);
    let b = app.agent(&t, "st_b", false).await;
    assert_eq!(admin.state_of(b.id, "2").await, "小休", "the new initial");
    assert_eq!(admin.state_of(b.id, "3").await, "离线");
}

async fn call_center_permission_is_opened_and_read_back(app: TestApp) {
    let t = app.tenant("Acme").await;
    let other = app.tenant("Other").await;
    let admin = Api::admin(&app, &t);
    let a = app.agent(&t, "pm_a", false).await;
    let stranger = app.agent(&other, "pm_x", false).await;
    let path = format!("/api/v1/permissions/{}.json", a.id);
    let answer = |state: &str| json!({ "permission": { "sId": a.id.to_string(), "mType": "4", "state": state } });
    let permission =
        |m_type: Value, state: &str| json!({ "permission": { "mType": m_type, "state": state } });
    assert_eq!(admin.ok(&path).await, answer("1"), "closed by default");

    let open = permission(json!("4"), "0");
    assert_eq!(ok(admin.put(&path, open.clone()).await), answer("0"));
    assert_eq!(admin.ok(&path).await, answer("0"));

    let r = admin.put(&path, permission(json!("3"), "1")).await;
    assert_admin_error(&r, 400, 10012, Some("mType"));
    let r = admin.put(&path, permission(json!("4"), "2")).await;
    assert_admin_error(&r, 400, 10002, Some("state"));
    assert_eq!(
        admin.ok(&path).await,
        answer("0"),
        "refusals change nothing"
    );

    let close = permission(json!(4), "1");
    assert_eq!(ok(admin.put(&path, close).await), answer("1"));
    assert_eq!(admin.ok(&path).await, answer("1"));

    // Unknown agents get the seed's exact answer.
    let unknown = stranger.id.max(a.id) + 1000;
    let exact = json!({ "status": 403, "message": "The sId does not exist" });
    for id in [stranger.id, unknown] {
        let path = format!("/api/v1/permissions/{id}.json");
        for r in [admin.put(&path, open.clone()).await, admin.get(&path).await] {
            assert_eq!(r.status, 403, "{}", r.body);
            assert_eq!(r.body, exact);
        }
    }
    let path = format!("/api/v1/permissions/{}.json", stranger.id);
    let theirs = Api::admin(&app, &other).ok(&path).await;
    assert_eq!(theirs["permission"]["state"], "1");
}

async fn groups_are_created_renamed_listed_and_deleted(app: TestApp) {
    let t = app.tenant("Acme").await;
    let other = app.tenant("Other").await;
    let (admin, theirs) = (Api::admin(&app, &t), Api::admin(&app, &other));
    let r = admin.create_group("售后").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let g1 = r.body["supportgroup"].clone();
    let g1_id = g1["groupId"].as_i64().unwrap();
    let url = format!("{}/api/v1/supportgroups/{g1_id}.json", app.base);
    assert_eq!(r.headers["location"], url.as_str());
    let fields = ["createDT", "groupId", "members", "name", "updateDT", "url"];
    assert_eq!(keys(&g1), fields);
    assert_eq!(g1["url"], url);
    assert_eq!(g1["name"], "售后");
    assert_eq!(g1["members"], 0);
    assert!(is_datetime(&text(&g1["createDT"])), "{g1}");
    assert!(is_datetime(&text(&g1["updateDT"])), "{g1}");
    let g1_path = format!("/api/v1/supportgroups/{g1_id}.json");
    assert_eq!(admin.ok(&g1_path).await["supportgroup"], g1);

    let r = admin.create_group("售后").await;
    assert_admin_error(&r, 409, 10050, Some("name"));
    let r = admin.create_group(&"组".repeat(31)).await;
    assert_admin_error(&r, 400, 10002, Some("name"));
    assert_eq!(admin.ok(GROUPS).await["count"], 1);
    let id_of = |r: ApiResponse| ok(r)["supportgroup"]["groupId"].as_i64().unwrap();
    let g2_id = id_of(admin.create_group("售前").await);
    let g3_id = id_of(admin.create_group(&"组".repeat(30)).await);
    let foreign_id = id_of(theirs.create_group("售后").await);

    // Rename; a taken name is refused.
    let rename = |name: &str| json!({ "supportgroup": { "name": name } });
    let r = ok(admin.put(&g1_path, rename("售后服务")).await);
    assert_eq!(r["supportgroup"]["name"], "售后服务");
    assert_eq!(r["supportgroup"]["groupId"], g1_id);
    let r = admin.put(&g1_path, rename("售前")).await;
    assert_admin_error(&r, 409, 10050, Some("name"));
    assert_eq!(admin.ok(&g1_path).await["supportgroup"]["name"], "售后服务");

    // Pages of two.
    let first = admin.ok(&format!("{GROUPS}?per_page=2")).await;
    assert_eq!(first["count"], 3);
    assert_eq!(ids_of(&first["supportgroups"], "groupId"), [g1_id, g2_id]);
    assert_eq!(first["previous_page"], Value::Null);
    let second = admin.ok(&relative(&app, &text(&first["next_page"]))).await;
    assert_eq!(ids_of(&second["supportgroups"], "groupId"), [g3_id]);
    assert_eq!(second["next_page"], Value::Null);
    assert!(second["previous_page"].is_string(), "{second}");

    // Members, assigned through the agent's groupId.
    let a = app.agent(&t, "gr_a", false).await;
    let b = app.agent(&t, "gr_b", false).await;
    let both = admin.assign(a.id, &format!("{g2_id},{g1_id}")).await;
    assert_eq!(both, format!("{g1_id},{g2_id}"));
    assert_eq!(
        admin.assign(b.id, &g1_id.to_string()).await,
        g1_id.to_string()
    );
    assert_eq!(admin.ok(&g1_path).await["supportgroup"]["members"], 2);
    let members_path = |id: i64| format!("/api/v1/supportgroups/{id}/supports.json");
    let members = admin.ok(&members_path(g1_id)).await;
    assert_eq!(ids_of(&members["supports"], "sId"), [a.id, b.id]);
    assert_eq!(members["count"], 2);
    assert_eq!(members["supports"][0]["sPassportName"], "gr_a");
    let page = admin
        .ok(&format!("{}?per_page=1&page=2", members_path(g1_id)))
        .await;
    assert_eq!(ids_of(&page["supports"], "sId"), [b.id]);
    assert_eq!(page["next_page"], Value::Null);
    let members = admin.ok(&members_path(g2_id)).await;
    assert_eq!(ids_of(&members["supports"], "sId"), [a.id]);

    // Delete: the agents stay, without the group.
    let r = ok(admin.delete(&g1_path).await);
    assert_eq!(r["supportgroup"]["groupId"], g1_id);
    let shown = admin.ok(&format!("/api/v1/supports/{}.json", a.id)).await;
    assert_eq!(shown["support"]["groupId"], g2_id.to_string());
    let shown = admin.ok(&format!("/api/v1/supports/{}.json", b.id)).await;
    assert_eq!(shown["support"]["groupId"], "");
    assert_eq!(admin.ok(GROUPS).await["count"], 2);

    // Unknown groups: deleted, another tenant's, not a number.
    for id in [g1_id.to_string(), foreign_id.to_string(), "x".to_owned()] {
        let path = format!("/api/v1/supportgroups/{id}.json");
        let members = format!("/api/v1/supportgroups/{id}/supports.json");
        for r in [
            admin.get(&path).await,
            admin.put(&path, rename("新名")).await,
            admin.delete(&path).await,
            admin.get(&members).await,
        ] {
            assert_admin_error(&r, 404, 10040, None);
        }
    }
    let path = format!("/api/v1/supportgroups/{foreign_id}.json");
    assert_eq!(theirs.ok(&path).await["supportgroup"]["name"], "售后");
}

async fn settings_change_the_time_zone_and_refuse_invalid_values(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = Api::admin(&app, &t);
    let defaults = admin.ok(SETTINGS).await;
    let s = &defaults["settings"];
    let fields = [
        "access_token_ttl",
        "allowed_origins",
        "base",
        "config",
        "custom_fields",
        "default_password_set",
        "frame_ancestors",
        "keep_transcripts",
        "max_chats",
        "plate_states",
        "routing_strategy",
        "session_idle_timeout",
        "session_lifetime",
        "template",
        "timeout",
        "utc_offset",
    ];
    assert_eq!(keys(s), fields);
    assert_eq!(s["utc_offset"].as_f64(), Some(8.0), "{s}");
    assert_eq!(s["default_password_set"], false);
    assert_eq!(s["custom_fields"], json!([]));
    let names = ["在线", "忙碌", "离开", "离线"];
    let plate = json!({ "states": names, "accepting": "在线", "initial": "离线" });
    assert_eq!(
        s["plate_states"],
        json!({ "1": plate, "2": plate, "3": plate })
    );

    // Times are rendered in the tenant's zone.
    let a = app.agent(&t, "set_a", false).await;
    let path = format!("/api/v1/supports/{}.json", a.id);
    let at8 = text(&admin.ok(&path).await["support"]["createDT"]);
    let r = ok(admin
        .put(SETTINGS, json!({ "settings": { "utc_offset": 0 } }))
        .await);
    assert_eq!(r["settings"]["utc_offset"].as_f64(), Some(0.0), "{r}");
    let at0 = text(&admin.ok(&path).await["support"]["createDT"]);
    assert_eq!(seconds(&at8) - seconds(&at0), 8 * 3600, "{at8} vs {at0}");

    // Invalid settings change nothing, not even the valid keys beside them.
    let before = admin.ok(SETTINGS).await;
    let plate_2 = |names: Value, accepting: &str| {
        let states = json!({ "states": names, "accepting": accepting, "initial": "小休" });
        json!({ "plate_states": { "2": states } })
    };
    let field = |kind: &str| json!({ "key": "field_1", "name": "级别", "type": kind });
    for (bad, key) in [
        (plate_2(json!(["接待中", "小休"]), "在线"), "accepting"),
        (plate_2(json!([]), "小休"), "states"),
        (
            json!({ "custom_fields": [field("color")] }),
            "custom_fields",
        ),
        (
            json!({ "custom_fields": [field("dropdown")] }),
            "custom_fields",
        ),
        (json!({ "utc_offset": 15 }), "utc_offset"),
    ] {
        let mut body = bad.clone();
        body["default_password"] = json!("changed-pw");
        if body.get("utc_offset").is_none() {
            body["utc_offset"] = json!(5.5);
        }
        let r = admin.put(SETTINGS, json!({ "settings": body })).await;
        assert_admin_error(&r, 400, 10002, Some(key));
        assert_eq!(admin.ok(SETTINGS).await, before, "after {bad}");
    }
    assert_eq!(admin.ok(&path).await["support"]["createDT"], at0);
}

// ---------------------------------------------------------------- helpers

/// One caller of the administration API (HTTP Basic).
struct Api<'a> {
    app: &'a TestApp,
    login: Login,
}

impl<'a> Api<'a> {
    fn of(app: &'a TestApp, login: Login) -> Self {
        Self { app, login }
    }

    fn admin(app: &'a TestApp, t: &Tenant) -> Self {
        Self::of(app, t.admin())
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> ApiResponse {
        self.app.api(method, path, &self.login, body).await
    }

    async fn get(&self, path: &str) -> ApiResponse {
        self.call(Method::GET, path, None).await
    }

    /// A GET that must answer 200; its body.
    async fn ok(&self, path: &str) -> Value {
        ok(self.get(path).await)
    }

    async fn post(&self, path: &str, body: Value) -> ApiResponse {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) -> ApiResponse {
        self.call(Method::PUT, path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> ApiResponse {
        self.call(Method::DELETE, path, None).await
    }

    /// `data.duty` of `GET /api/v1/schedules.json{query}`.
    async fn duties(&self, query: &str) -> Value {
        let body = self.ok(&format!("{SCHEDULES}{query}")).await;
        envelope(&body, "ok");
        body["data"]["duty"].clone()
    }

    async fn state_of(&self, id: i64, plate: &str) -> Value {
        let body = self.ok(&state_path(id, &format!("?plate={plate}"))).await;
        let s = &body["plate_service_state"];
        assert_eq!(s["sId"], id, "{body}");
        assert_eq!(s["plate"], plate, "{body}");
        s["state"].clone()
    }

    async fn set_state(&self, id: i64, plate: Value, state: &str) -> ApiResponse {
        let body = json!({ "plate_service_state": { "plate": plate, "state": state } });
        self.put(&state_path(id, ""), body).await
    }

    async fn create_group(&self, name: &str) -> ApiResponse {
        self.post(GROUPS, json!({ "supportgroup": { "name": name } }))
            .await
    }

    /// Sets an agent's groups through `PUT /api/v1/supports/{id}.json`; its groupId.
    async fn assign(&self, id: i64, groups: &str) -> Value {
        let body = json!({ "support": { "groupId": groups } });
        let r = ok(self.put(&format!("/api/v1/supports/{id}.json"), body).await);
        r["support"]["groupId"].clone()
    }
}

/// An agent made through the API with its own name and number: its caller and id.
/// What routing reads: an agent with shifts on a day takes chats only inside
/// one of them; on a day without shifts, any time.
async fn schedules_decide_when_an_agent_is_on_duty(app: TestApp) {
    use kefu::domain::calendar::{LocalDateTime, TimeOfDay};

    let t = app.tenant("Acme").await;
    let a = app.agent(&t, "shifty", false).await;
    let b = app.agent(&t, "free", false).await;
    let body = json!({"duty": [{"sid": a.id, "date": "2099-05-01",
        "schedules": [shift("早班", "09:00", "12:00"), shift("午班", "14:00", "18:00")]}]});
    let created = ok(app
        .api(Method::POST, SCHEDULES, &t.admin(), Some(body))
        .await);
    let afternoon = created["data"]["duty"][0]["schedules"][1]["dutyId"]
        .as_str()
        .unwrap()
        .to_owned();

    let at = |date: &str, time: &str| {
        let (date, time) = (
            kefu::domain::calendar::Date::parse(date).unwrap(),
            TimeOfDay::parse(time).unwrap(),
        );
        LocalDateTime {
            date,
            seconds: time.minutes() * 60,
        }
    };
    let on = |agent: i64, date: &'static str, time: &'static str| {
        let engine = app.engine.clone();
        let when = at(date, time);
        async move { engine.on_duty_at(t.id, agent, when).await.unwrap() }
    };
    for (time, expected) in [
        ("08:59", false),
        ("09:00", true),
        ("11:59", true),
        ("12:00", false),
        ("13:30", false),
        ("14:00", true),
        ("17:59", true),
        ("18:00", false),
    ] {
        assert_eq!(on(a.id, "2099-05-01", time).await, expected, "at {time}");
    }
    // No shifts that day, or none at all: not restricted.
    assert!(on(a.id, "2099-05-02", "03:00").await);
    assert!(on(b.id, "2099-05-01", "03:00").await);

    // Without the afternoon shift, the afternoon is off duty too.
    ok(app
        .api(Method::DELETE, &duty_path(&afternoon), &t.admin(), None)
        .await);
    assert!(!on(a.id, "2099-05-01", "15:00").await);
    assert!(on(a.id, "2099-05-01", "10:00").await);
}

async fn agent_with_name<'a>(
    app: &'a TestApp,
    t: &Tenant,
    account: &str,
    num: &str,
    name: &str,
) -> (Api<'a>, i64) {
    let password = format!("pw-{account}");
    let fields =
        json!({ "sPassportName": account, "sNum": num, "name": name, "password": password });
    let id = app.api_create_agent(t, fields).await["sId"]
        .as_i64()
        .unwrap();
    (Api::of(app, Login::new(account, &password)), id)
}

/// The body of a 200 answer.
fn ok(r: ApiResponse) -> Value {
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

/// Asserts a seed-002 error: HTTP status, `status`, `code` as a string, a
/// message, and the field when one is named.
fn assert_admin_error(r: &ApiResponse, http: u16, code: u32, field: Option<&str>) {
    let body = &r.body;
    assert_eq!(r.status, http, "HTTP status of {body}");
    assert_eq!(body["status"], http, "{body}");
    assert_eq!(body["code"], code.to_string(), "{body}");
    assert!(!text(&body["message"]).is_empty(), "{body}");
    if let Some(field) = field {
        assert_eq!(body["field"], field, "{body}");
    }
}

/// The `{"code": "0", "message": ...}` envelope of schedules and check-ins.
fn envelope(body: &Value, message: &str) {
    assert_eq!(body["code"], "0", "{body}");
    assert_eq!(body["message"], message, "{body}");
}

fn shift(name: &str, start: &str, end: &str) -> Value {
    json!({ "name": name, "start_time": start, "end_time": end })
}

fn duty_path(duty_id: &str) -> String {
    format!("{SCHEDULES}?dutyId={duty_id}")
}

fn state_path(id: i64, query: &str) -> String {
    format!("/api/v1/plate_service_state/{id}.json{query}")
}

/// Agent-days as the list orders them: by agent id, date, then start time.
fn grouped(days: &[Value]) -> Value {
    let mut shifts: Vec<(i64, String, String, Value)> = Vec::new();
    for d in days {
        let sid: i64 = text(&d["sid"]).parse().unwrap();
        for s in d["schedules"].as_array().unwrap() {
            let start = text(&s["start_time"]);
            shifts.push((sid, text(&d["date"]), start, s.clone()));
        }
    }
    shifts.sort_by(|x, y| (x.0, &x.1, &x.2).cmp(&(y.0, &y.1, &y.2)));
    let mut out: Vec<Value> = Vec::new();
    for (sid, date, _, shift) in shifts {
        let sid = sid.to_string();
        match out.last_mut() {
            Some(day) if day["sid"] == sid && day["date"] == date => {
                day["schedules"].as_array_mut().unwrap().push(shift);
            }
            _ => out.push(json!({ "sid": sid, "date": date, "schedules": [shift] })),
        }
    }
    Value::Array(out)
}

/// The path and query of one of the app's absolute links.
fn relative(app: &TestApp, link: &str) -> String {
    let path = link.strip_prefix(&app.base);
    path.unwrap_or_else(|| panic!("not an absolute link: {link}"))
        .to_owned()
}

fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

fn remarks(list: &Value) -> Vec<String> {
    let records = list["data"]["signIn"].as_array().unwrap();
    records.iter().map(|r| text(&r["remark"])).collect()
}

fn ids_of(list: &Value, key: &str) -> Vec<i64> {
    let items = list.as_array().unwrap();
    items.iter().map(|g| g[key].as_i64().unwrap()).collect()
}

/// The keys of an object, sorted.
fn keys(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

/// "YYYY-MM-DD HH:MM:SS".
fn is_datetime(s: &str) -> bool {
    s.len() == 19
        && s.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == ' ',
            13 | 16 => c == ':',
            _ => c.is_ascii_digit(),
        })
}

/// Seconds since 1970 of a "YYYY-MM-DD HH:MM:SS" read as UTC.
fn seconds(s: &str) -> i64 {
    assert!(is_datetime(s), "{s}");
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    // Days from civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)
}
