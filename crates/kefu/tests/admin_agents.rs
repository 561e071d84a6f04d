//! The agent endpoints of the administration API (seed 002): create, show,
//! show_many, list, update, delete / restore / purge and search; on SQLite
//! and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected shapes")]

mod common;

use common::{assert_admin_error, assert_v1_error, Agent, ApiResponse, Login, Tenant, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

on_every_backend!(
    create_round_trips_every_field,
    create_refuses_bad_input_and_creates_nothing,
    create_without_password_uses_the_tenant_default,
    show_and_show_many_stay_inside_the_tenant,
    list_pages_filters_and_orders,
    update_follows_roles_and_changes_passwords,
    delete_recycles_restores_and_purges,
    search_matches_each_prefix_fuzzily,
    mobile_search_pages_by_ten,
);

async fn create_round_trips_every_field(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let settings = json!({ "settings": { "custom_fields": field_defs() } });
    let put = put(&app, &admin, "/api/v1/settings.json", settings).await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["settings"]["custom_fields"], field_defs());
    let g1 = create_group(&app, &admin, "售前").await;
    let g2 = create_group(&app, &admin, "售后").await;

    // Values sent in reverse order come back in definition order.
    let mut reversed = field_values().as_array().unwrap().clone();
    reversed.reverse();
    let sent = json!({
        "sPassportName": "13039209552", "password": "secret-1", "groupId": format!("{g2},{g1}"),
        "sNum": "001", "name": "管理员二", "gnder": "2", "email": "601100987@gnway.com",
        "fixnumber": "010-63701717-8280", "mobile": "13240139489", "QQ": "601100987",
        "isAdmin": "1", "custom_fields": reversed,
    });
    let r = create(&app, &admin, sent.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let created = r.body["support"].clone();
    let id = created["sId"].as_i64().unwrap();
    let url = format!("{}/api/v1/supports/{id}.json", app.base);
    assert_eq!(created["url"], url);
    assert_eq!(r.headers["location"].to_str().unwrap(), url);

    let shown = read(&app, &admin, id).await;
    assert_eq!(shown, created);
    let keys = "sPassportName sNum name gnder email fixnumber mobile QQ isAdmin";
    assert_eq!(pick(&shown, keys), pick(&sent, keys));
    assert_eq!(shown["groupId"], format!("{g1},{g2}"));
    assert_eq!(shown["custom_fields"], field_values());
    assert_eq!(shown["isStat"], "1");
    let created_dt = shown["createDT"].as_str().unwrap();
    assert_eq!(created_dt.len(), 19, "{created_dt}");
    assert_eq!(shown["updateDT"], created_dt);
    let object = shown.as_object().unwrap();
    let mut names: Vec<&str> = object.keys().map(String::as_str).collect();
    names.sort_unstable();
    // The seed's fields, plus kefu's maxChats (null: the tenant's default).
    let expected =
        "QQ createDT custom_fields email fixnumber gnder groupId isAdmin isStat maxChats \
        mobile name sId sNum sPassportName updateDT url";
    assert_eq!(shown["maxChats"], Value::Null);
    assert_eq!(names, expected.split_whitespace().collect::<Vec<_>>());
    // The new admin logs in with its password and may list agents.
    list(&app, &Login::new("13039209552", "secret-1"), "").await;

    // Numbers as numbers; unset fields take their defaults.
    let plain = json!({"sPassportName": "plain", "password": "pw-plain", "sNum": 7, "groupId": g1});
    let plain = app.api_create_agent(&t, plain).await;
    let keys = "sNum groupId gnder isAdmin name email custom_fields";
    let got = pick(&plain, keys);
    assert_eq!(got, json!(["7", g1.to_string(), "1", "0", "", "", []]));

    // A value of the wrong type for its field, or an undefined key: 10002, nothing created.
    let before = agent_count(&app, &admin).await;
    let mismatches = json!([
        {"key": "field_1", "value": "不存在的选项"}, {"key": "field_2", "value": "两\n行"},
        {"key": "field_4", "value": "五"}, {"key": "field_5", "value": "1e5"},
        {"key": "field_6", "value": "yes"}, {"key": "field_7", "value": "2023-02-30"},
        {"key": "field_8", "value": "bad"},
        {"key": "field_9", "value": [{"fileName": "file1", "fileUrl": "https://huixing.org"}]},
        {"key": "field_10", "value": "苹果,梨子"}, {"key": "field_11", "value": ["北京市", "丰台区"]},
        {"key": "field_12", "value": "no such field"},
    ]);
    for mismatch in mismatches.as_array().unwrap() {
        let support = json!({"sPassportName": "typo", "sNum": "1", "password": "pw-typo",
            "custom_fields": [mismatch]});
        let r = create(&app, &admin, support).await;
        assert_admin_error(&r, 400, "10002", Some("custom_fields"));
    }
    assert_eq!(agent_count(&app, &admin).await, before);
    let typo = Login::new("typo", "pw-typo");
    let r = show(&app, &typo, t.admin_id).await;
    assert_admin_error(&r, 401, "10020", None);
}

async fn create_refuses_bad_input_and_creates_nothing(app: TestApp) {
    let t = app.tenant("Acme").await;
    let other = app.tenant("Other").await;
    let admin = t.admin();
    let clerk = app.agent(&t, "clerk", false).await;
    let group = create_group(&app, &admin, "售前").await;
    let foreign = create_group(&app, &other.admin(), "外部").await;
    let gone = create_group(&app, &admin, "临时").await;
    let path = format!("/api/v1/supportgroups/{gone}.json");
    let r = app.api(Method::DELETE, &path, &admin, None).await;
    assert_eq!(r.status, 200, "{}", r.body);

    let before = agent_count(&app, &admin).await;
    let cases = [
        (json!({"sPassportName": null}), "10001", "sPassportName"),
        (json!({"sNum": null}), "10001", "sNum"),
        (json!({"sPassportName": "a:b"}), "10002", "sPassportName"),
        (json!({"name": "名".repeat(51)}), "10002", "name"),
        (json!({"email": "not-an-address"}), "10002", "email"),
        (json!({"gnder": "3"}), "10002", "gnder"),
        (json!({"groupId": gone.to_string()}), "10002", "groupId"),
        (json!({"groupId": foreign.to_string()}), "10002", "groupId"),
        (json!({ "groupId": [group, foreign] }), "10002", "groupId"),
    ];
    for (extra, code, field) in cases {
        let r = create(&app, &admin, newbie(&extra)).await;
        assert_admin_error(&r, 400, code, Some(field));
        assert_eq!(agent_count(&app, &admin).await, before, "after {extra}");
    }
    // A non-admin may not create agents.
    let r = create(&app, &clerk.login(), newbie(&json!({}))).await;
    assert_admin_error(&r, 403, "10030", None);
    assert_eq!(agent_count(&app, &admin).await, before);

    // The same request without the mistakes works.
    let fixed = newbie(&json!({"groupId": group.to_string()}));
    let made = app.api_create_agent(&t, fixed).await;
    assert_eq!(made["groupId"], group.to_string());
    assert_eq!(agent_count(&app, &admin).await, before + 1);

    // Accounts are unique on the whole server.
    let r = create(&app, &admin, newbie(&json!({"sNum": "other"}))).await;
    assert_admin_error(&r, 409, "10050", Some("sPassportName"));
    let other_before = agent_count(&app, &other.admin()).await;
    for account in ["newbie", "clerk", t.admin_account.as_str()] {
        let support = newbie(&json!({ "sPassportName": account }));
        let r = create(&app, &other.admin(), support).await;
        assert_admin_error(&r, 409, "10050", Some("sPassportName"));
    }
    assert_eq!(agent_count(&app, &other.admin()).await, other_before);
    assert_eq!(agent_count(&app, &admin).await, before + 1);
}

async fn create_without_password_uses_the_tenant_default(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let settings = app.api_get("/api/v1/settings.json", &admin).await;
    assert_eq!(settings["settings"]["default_password_set"], false);
    let before = agent_count(&app, &admin).await;
    let r = create(&app, &admin, json!({"sPassportName": "wang", "sNum": "w1"})).await;
    assert_admin_error(&r, 400, "10002", Some("password"));
    assert_eq!(agent_count(&app, &admin).await, before);

    let body = json!({"settings": {"default_password": "Start-123"}});
    let r = put(&app, &admin, "/api/v1/settings.json", body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["settings"]["default_password_set"], true);

    let wang = json!({"sPassportName": "wang", "sNum": "w1"});
    let id = agent_id(&app, &t, wang).await;
    let own = read(&app, &Login::new("wang", "Start-123"), id).await;
    assert_eq!(own["sPassportName"], "wang");

    // A password given on create is the agent's, not the default.
    let li = json!({"sPassportName": "li", "sNum": "l1", "password": "li-own-pw"});
    let li_id = agent_id(&app, &t, li).await;
    read(&app, &Login::new("li", "li-own-pw"), li_id).await;
    let r = show(&app, &Login::new("li", "Start-123"), li_id).await;
    assert_admin_error(&r, 401, "10020", None);
}

async fn show_and_show_many_stay_inside_the_tenant(app: TestApp) {
    let t = app.tenant("Acme").await;
    let other = app.tenant("Other").await;
    let admin = t.admin();
    let zhao = app.agent(&t, "zhao", false).await;
    let qian = app.agent(&t, "qian", false).await;
    let stranger = app.agent(&other, "stranger", false).await;

    // Any agent of the tenant sees any other.
    let by_admin = read(&app, &admin, qian.id).await;
    let by_zhao = read(&app, &zhao.login(), qian.id).await;
    assert_eq!(by_zhao, by_admin);
    assert_eq!(by_zhao["sPassportName"], "qian");
    assert_eq!(by_zhao["sId"], qian.id);
    let boss = read(&app, &zhao.login(), t.admin_id).await;
    assert_eq!(boss["isAdmin"], "1");

    // Another tenant's agent, or an id that is not a number, does not exist.
    for login in [&admin, &zhao.login()] {
        let r = show(&app, login, stranger.id).await;
        assert_admin_error(&r, 404, "10011", Some("sId"));
    }
    for path in ["/api/v1/supports/abc.json", "/api/v1/supports/1x.json"] {
        let r = get(&app, &admin, path).await;
        assert_admin_error(&r, 404, "10011", Some("sId"));
    }

    // show_many: the tenant's existing agents among the ids, in id order.
    let ids = format!("{},{},{},{}", qian.id, stranger.id, zhao.id, t.admin_id);
    let path = format!("/api/v1/supports/show_many.json?ids={ids}");
    let many = app.api_get(&path, &admin).await;
    assert_eq!(sids(&many), [t.admin_id, zhao.id, qian.id]);
    assert_eq!(many["supports"][2], by_admin);
    let r = get(&app, &zhao.login(), &path).await;
    assert_admin_error(&r, 403, "10030", None);
    let r = get(&app, &admin, "/api/v1/supports/show_many.json").await;
    assert_admin_error(&r, 400, "10001", Some("ids"));
    let r = get(&app, &admin, "/api/v1/supports/show_many.json?ids=a,b").await;
    assert_admin_error(&r, 400, "10002", Some("ids"));
}

async fn list_pages_filters_and_orders(app: TestApp) {
    let t = app.tenant("Acme").await;
    let other = app.tenant("Other").await;
    app.agent(&other, "outsider", false).await;
    let admin = t.admin();
    let mut created = vec![t.admin_id];
    for i in 1..=4 {
        let support = json!({"sPassportName": format!("list{i}"), "sNum": format!("L{i}"),
            "password": "pw-list"});
        created.push(agent_id(&app, &t, support).await);
    }

    // per_page=2: three pages, every agent exactly once, absolute links.
    let pages = follow(&app, &admin, "/api/v1/supports.json?per_page=2").await;
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0]["previous_page"], Value::Null);
    assert_eq!(pages[2]["next_page"], Value::Null);
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page["count"], 5, "{page}");
        assert_eq!(sids(page).len(), if i < 2 { 2 } else { 1 }, "{page}");
        if i > 0 {
            let previous = page["previous_page"].as_str().unwrap();
            assert!(previous.starts_with(&app.base), "{previous}");
        }
    }
    assert_eq!(pages.iter().flat_map(sids).collect::<Vec<_>>(), created);

    // Orders by creation; the links keep created_order.
    let path = "/api/v1/supports.json?per_page=2&created_order=desc";
    let desc = follow(&app, &admin, path).await;
    let newest_first: Vec<i64> = created.iter().rev().copied().collect();
    assert_eq!(desc.iter().flat_map(sids).collect::<Vec<_>>(), newest_first);
    let asc = list(&app, &admin, "created_order=asc").await;
    assert_eq!(sids(&asc), created);

    // Bad parameters.
    let bad = [
        ("created_start=2012-13-01", "created_start"),
        ("created_start=yesterday", "created_start"),
        ("created_end=2012/01/01", "created_end"),
        ("created_order=up", "created_order"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
    ];
    for (query, field) in bad {
        let path = format!("/api/v1/supports.json?{query}");
        let r = get(&app, &admin, &path).await;
        assert_admin_error(&r, 400, "10002", Some(field));
    }
    let clerk = Login::new("list1", "pw-list");
    let r = get(&app, &clerk, "/api/v1/supports.json").await;
    assert_admin_error(&r, 403, "10030", None);

    let future = list(&app, &admin, "created_start=2999-01-01").await;
    assert_eq!((future["count"].clone(), sids(&future)), (json!(0), vec![]));

    // Creation-time filters, from the createDT values the server shows.
    // Bounds are inclusive to the second; a bare date starts at its 00:00:00
    // and ends with its 23:59:59.
    let all = list(&app, &admin, "").await;
    let all = all["supports"].as_array().unwrap();
    let dt = |s: &Value| s["createDT"].as_str().unwrap().to_owned();
    let dts: Vec<(i64, String)> = all.iter().map(|s| (sid(s), dt(s))).collect();
    let third = dts[3].1.as_str();
    let day = &third[..10];
    let full = |b: &str| format!("{b} 00:00:00")[..19].to_owned(); // a day's 00:00:00
    let cases = [
        (Some(third), None),
        (None, Some(third)),
        (Some(third), Some(third)),
        (Some(day), None),
        (None, Some(day)),
    ];
    for (start, end) in cases {
        let expected: Vec<i64> = dts
            .iter()
            .filter(|(_, dt)| start.is_none_or(|s| *dt >= full(s)))
            .filter(|(_, dt)| {
                end.is_none_or(|e| match e.len() {
                    10 => dt[..10] <= *e,
                    _ => *dt <= full(e),
                })
            })
            .map(|(id, _)| *id)
            .collect();
        let (start, end) = (start.unwrap_or(""), end.unwrap_or(""));
        let query = format!("created_start={start}&created_end={end}").replace(' ', "%20");
        let page = list(&app, &admin, &query).await;
        assert_eq!(sids(&page), expected, "{query}: {dts:?}");
        assert_eq!(page["count"], expected.len(), "{query}");
    }
}

async fn update_follows_roles_and_changes_passwords(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let g1 = create_group(&app, &admin, "售前").await;
    let zhao = app.agent(&t, "zhao", false).await;
    let qian = app.agent(&t, "qian", false).await;

    // An admin updates another agent.
    let change = json!({"name": "赵六", "email": "zhao@example.com", "mobile": "13800000000",
        "gnder": "2", "groupId": g1.to_string(), "QQ": "12345"});
    let r = update(&app, &admin, zhao.id, change.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let keys = "name email mobile gnder groupId QQ";
    assert_eq!(pick(&r.body["support"], keys), pick(&change, keys));
    let shown = read(&app, &admin, zhao.id).await;
    assert_eq!(shown, r.body["support"]);
    assert!(shown["updateDT"].as_str().unwrap() >= shown["createDT"].as_str().unwrap());

    // A non-admin changes its own name and password.
    let change = json!({"name": "钱七", "password": "qian-new-1"});
    let r = update(&app, &qian.login(), qian.id, change).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["support"]["name"], "钱七");
    let r = show(&app, &qian.login(), qian.id).await;
    assert_admin_error(&r, 401, "10020", None);
    let www = r.headers["www-authenticate"].to_str().unwrap();
    assert!(www.starts_with("Basic"), "{www}");
    let qian_login = Login::new("qian", "qian-new-1");
    let own = read(&app, &qian_login, qian.id).await;
    assert_eq!(own["name"], "钱七");

    // It may not change its isAdmin, groupId or isStat (see below for sending them unchanged).
    let before = read(&app, &admin, qian.id).await;
    let refused = [
        json!({"name": "钱九", "isAdmin": "1"}),
        json!({"name": "钱九", "groupId": g1.to_string()}),
        json!({"name": "钱九", "isStat": "0"}),
    ];
    for change in refused {
        let r = update(&app, &qian_login, qian.id, change).await;
        assert_admin_error(&r, 403, "10030", None);
    }
    // Nor may it touch another agent.
    let r = update(&app, &qian_login, zhao.id, json!({"name": "x"})).await;
    assert_admin_error(&r, 403, "10030", None);
    assert_eq!(read(&app, &admin, qian.id).await, before);
    assert_eq!(read(&app, &admin, zhao.id).await, shown);

    // sPassportName never changes; an admin cannot demote itself.
    let r = update(&app, &admin, zhao.id, json!({"sPassportName": "zhao2"})).await;
    assert_admin_error(&r, 400, "10002", Some("sPassportName"));
    assert_eq!(read(&app, &admin, zhao.id).await, shown);
    let r = update(&app, &admin, t.admin_id, json!({"isAdmin": "0"})).await;
    assert_admin_error(&r, 409, "10050", None);
    let boss = read(&app, &admin, t.admin_id).await;
    assert_eq!(boss["isAdmin"], "1");

    // Sending its unchanged isAdmin and groupId is fine for a non-admin.
    let same = json!({"name": "钱八", "isAdmin": "0", "groupId": "", "sPassportName": "qian"});
    let r = update(&app, &qian_login, qian.id, same).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(read(&app, &admin, qian.id).await["name"], "钱八");
}

async fn delete_recycles_restores_and_purges(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let zhao = app.agent(&t, "zhao", false).await;
    let qian = app.agent(&t, "qian", false).await;
    let bob = app.customer(&t, "bob").await;
    let qid = app.ask(&bob, "退款").await;

    let r = delete(&app, &qian.login(), qian.id).await;
    assert_admin_error(&r, 403, "10030", None);
    let r = delete(&app, &admin, t.admin_id).await;
    assert_admin_error(&r, 409, "10050", None);

    // To the recycle bin: still listed, but it can neither log in nor work.
    let r = delete(&app, &admin, zhao.id).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["support"]["sId"], zhao.id);
    assert_eq!(r.body["support"]["isStat"], "0");
    let shown = read(&app, &admin, zhao.id).await;
    assert_eq!(shown["isStat"], "0");
    let listed = list(&app, &admin, "").await;
    assert!(sids(&listed).contains(&zhao.id));
    let r = show(&app, &zhao.login(), zhao.id).await;
    assert_admin_error(&r, 403, "10021", None);
    assert_v1_error(&bind(&app, &t, &zhao).await.1, 403, 2004, Some("serv_id"));
    let serve = app.act(&zhao, &qid, "serve").await;
    assert_v1_error(&serve, 403, 2004, Some("serv_id"));

    // Restored: the answer has the seed's exact shape, and everything works again.
    let restore = json!({"support": {"isStat": "1"}});
    let servicers = format!("/api/v1/servicers/{}.json", zhao.id);
    let answer = |stat: &str| json!({"support": {"sId": zhao.id.to_string(), "isStat": stat}});
    let r = put(&app, &admin, &servicers, restore.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, answer("1"));
    let own = read(&app, &zhao.login(), zhao.id).await;
    assert_eq!(own["isStat"], "1");
    let (session, (status, body)) = bind(&app, &t, &zhao).await;
    assert_eq!(status, 200, "{body}");
    let rebound = Agent {
        session,
        ..zhao.clone()
    };
    app.serve(&rebound, &qid).await;

    // servicers 0 moves it back to the bin; a delete there purges it.
    let r = put(&app, &admin, &servicers, json!({"support": {"isStat": 0}})).await;
    assert_eq!(r.body, answer("0"));
    let shown = read(&app, &admin, zhao.id).await;
    assert_eq!(shown["isStat"], "0");
    let r = delete(&app, &admin, zhao.id).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["support"]["isStat"], "2");

    // Purged: gone from show, show_many, the list, restore and delete.
    let r = show(&app, &admin, zhao.id).await;
    assert_admin_error(&r, 404, "10011", Some("sId"));
    let r = put(&app, &admin, &servicers, restore).await;
    assert_admin_error(&r, 404, "10011", Some("sId"));
    let r = delete(&app, &admin, zhao.id).await;
    assert_admin_error(&r, 404, "10011", Some("sId"));
    let listed = list(&app, &admin, "").await;
    assert_eq!(sids(&listed), [t.admin_id, qian.id]);
    assert_eq!(listed["count"], 2);
    let ids = format!("{},{}", zhao.id, qian.id);
    let many = format!("/api/v1/supports/show_many.json?ids={ids}");
    assert_eq!(sids(&app.api_get(&many, &admin).await), [qian.id]);
    let r = show(&app, &zhao.login(), qian.id).await;
    assert!(matches!(r.status, 401 | 403), "{}", r.body);
}

async fn search_matches_each_prefix_fuzzily(app: TestApp) {
    let t = app.tenant("Acme").await;
    let other = app.tenant("Other").await;
    let admin = t.admin();
    let people = [
        ("AlphaOne", "陆华", "A-001", "13800001111"),
        ("alphatwo", "Lu Hua", "a-002", "13900002222"),
        ("beta", "张三", "B-100", "15586943723"),
    ];
    let mut ids = Vec::new();
    for (account, name, num, mobile) in people {
        let support = json!({"sPassportName": account, "name": name, "sNum": num,
            "mobile": mobile, "password": "pw-search"});
        ids.push(agent_id(&app, &t, support).await);
    }
    let outsider = json!({"sPassportName": "alphathree", "name": "陆华", "sNum": "A-003",
        "mobile": "13800001111", "password": "pw-search"});
    app.api_create_agent(&other, outsider).await;
    let [one, two, three] = [ids[0], ids[1], ids[2]];

    let cases = [
        ("sPassportName:ALPHA", vec![one, two]),
        ("sPassportName:phat", vec![two]),
        ("name:陆", vec![one]),
        ("name:HUA", vec![two]),
        ("name:u%20h", vec![two]),
        ("sNum:-00", vec![one, two]),
        ("sNum:b-1", vec![three]),
        ("mobile:0000", vec![one, two]),
        ("mobile:6943723", vec![three]),
        ("name:_", vec![]),
        ("name:%25", vec![]),
        ("sNum:陆", vec![]),
    ];
    for (query, expected) in cases {
        let body = search(&app, &admin, query).await;
        assert_eq!(sids(&body), expected, "{query}");
        assert_eq!(body["count"], expected.len().to_string(), "{query}");
        assert_eq!(body["previous_page"], "", "{query}");
        assert_eq!(body["next_page"], "", "{query}");
    }

    // Orders: by sId, or by createDT / updateDT (descending unless asked).
    let r = update(&app, &admin, one, json!({"name": "陆华华"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let orders = [
        ("", vec![one, two, three]),
        ("&sort_by=createDT", vec![three, two, one]),
        ("&sort_by=createDT&sort_order=desc", vec![three, two, one]),
        ("&sort_by=createDT&sort_order=asc", vec![one, two, three]),
        ("&sort_by=updateDT", vec![one, three, two]),
        ("&sort_by=updateDT&sort_order=asc", vec![two, three, one]),
    ];
    for (order, expected) in orders {
        let body = search(&app, &admin, &format!("sNum:-{order}")).await;
        assert_eq!(sids(&body), expected, "{order}");
    }

    // Bad or missing parameters.
    let path = "/api/v1/supportgroups/supports/search.json";
    let bad = [
        ("query=email:a", "10002", "query"),
        ("query=alpha", "10002", "query"),
        ("query=name:", "10002", "query"),
        ("query=name:a&sort_by=name", "10002", "sort_by"),
        ("query=name:a&sort_order=up", "10002", "sort_order"),
        ("sort_by=createDT", "10001", "query"),
    ];
    for (query, code, field) in bad {
        let r = get(&app, &admin, &format!("{path}?{query}")).await;
        assert_admin_error(&r, 400, code, Some(field));
    }
    let r = get(&app, &admin, path).await;
    assert_admin_error(&r, 400, "10001", Some("query"));
    let clerk = Login::new("beta", "pw-search");
    let r = get(&app, &clerk, &format!("{path}?query=name:a")).await;
    assert_admin_error(&r, 403, "10030", None);
}

async fn mobile_search_pages_by_ten(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let mut ids = Vec::new();
    for i in 0..12 {
        let support = json!({"sPassportName": format!("m{i:02}"), "sNum": format!("M{i:02}"),
            "mobile": format!("1390000{i:04}"), "password": "pw-mobile"});
        ids.push(agent_id(&app, &t, support).await);
    }
    let elsewhere = json!({"sPassportName": "m-other", "sNum": "M99", "mobile": "13800000000",
        "password": "pw-mobile"});
    app.api_create_agent(&t, elsewhere).await;

    let path = "/api/v1/supportgroups/supports/search.json?query=mobile:1390000";
    let pages = follow(&app, &admin, path).await;
    assert_eq!(pages.len(), 2);
    assert_eq!(sids(&pages[0]).len(), 10);
    assert_eq!(sids(&pages[1]).len(), 2);
    assert_eq!(pages[0]["previous_page"], "");
    assert_eq!(pages[1]["next_page"], "");
    let previous = pages[1]["previous_page"].as_str().unwrap();
    assert!(previous.starts_with(&app.base), "{previous}");
    for page in &pages {
        assert_eq!(page["count"], "12");
    }
    assert_eq!(pages.iter().flat_map(sids).collect::<Vec<_>>(), ids);

    // per_page overrides the page size; other searches page by 100.
    let small = follow(&app, &admin, &format!("{path}&per_page=5")).await;
    let sizes: Vec<usize> = small.iter().map(|p| sids(p).len()).collect();
    assert_eq!(sizes, [5, 5, 2]);
    assert_eq!(small.iter().flat_map(sids).collect::<Vec<_>>(), ids);
    let by_account = search(&app, &admin, "sPassportName:m").await;
    assert_eq!(by_account["count"], "14");
    assert_eq!(sids(&by_account).len(), 14);
    assert_eq!(by_account["next_page"], "");
}

// ---- helpers ----

fn agent_path(id: i64) -> String {
    format!("/api/v1/supports/{id}.json")
}

async fn create(app: &TestApp, login: &Login, support: Value) -> ApiResponse {
    let body = json!({ "support": support });
    app.api(Method::POST, "/api/v1/supports.json", login, Some(body))
        .await
}

async fn show(app: &TestApp, login: &Login, id: i64) -> ApiResponse {
    app.api(Method::GET, &agent_path(id), login, None).await
}

async fn update(app: &TestApp, login: &Login, id: i64, support: Value) -> ApiResponse {
    let body = json!({ "support": support });
    app.api(Method::PUT, &agent_path(id), login, Some(body))
        .await
}

async fn get(app: &TestApp, login: &Login, path: &str) -> ApiResponse {
    app.api(Method::GET, path, login, None).await
}

async fn put(app: &TestApp, login: &Login, path: &str, body: Value) -> ApiResponse {
    app.api(Method::PUT, path, login, Some(body)).await
}

async fn delete(app: &TestApp, login: &Login, id: i64) -> ApiResponse {
    app.api(Method::DELETE, &agent_path(id), login, None).await
}

async fn agent_id(app: &TestApp, t: &Tenant, support: Value) -> i64 {
    sid(&app.api_create_agent(t, support).await)
}

/// The `support` object of one agent.
async fn read(app: &TestApp, login: &Login, id: i64) -> Value {
    app.api_get(&agent_path(id), login).await["support"].clone()
}

/// `GET /api/v1/supports.json?{query}`.
async fn list(app: &TestApp, login: &Login, query: &str) -> Value {
    app.api_get(&format!("/api/v1/supports.json?{query}"), login)
        .await
}

async fn agent_count(app: &TestApp, admin: &Login) -> i64 {
    list(app, admin, "").await["count"].as_i64().unwrap()
}

async fn search(app: &TestApp, admin: &Login, query: &str) -> Value {
    let path = format!("/api/v1/supportgroups/supports/search.json?query={query}");
    app.api_get(&path, admin).await
}

async fn create_group(app: &TestApp, admin: &Login, name: &str) -> i64 {
    let body = json!({"supportgroup": {"name": name}});
    let path = "/api/v1/supportgroups.json";
    let r = app.api(Method::POST, path, admin, Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["supportgroup"]["groupId"].as_i64().unwrap()
}

/// Binds the agent (seed 003 `serv/bind`) to a fresh device session; returns
/// the session and the answer.
async fn bind(app: &TestApp, t: &Tenant, a: &Agent) -> (String, (u16, Value)) {
    let device = app.customer(t, &format!("phone-of-{}", a.serv_id)).await;
    let form = [
        ("session", device.session.as_str()),
        ("serv_id", a.serv_id.as_str()),
        ("password", a.password.as_str()),
    ];
    let answer = app.post("/v1/serv/bind", &form).await;
    (device.session, answer)
}

/// A valid create of `newbie`, with the members of `extra` put over it (a
/// null removes one).
fn newbie(extra: &Value) -> Value {
    let mut support = json!({"sPassportName": "newbie", "sNum": "100", "password": "pw-newbie"});
    for (key, value) in extra.as_object().unwrap() {
        if value.is_null() {
            support.as_object_mut().unwrap().remove(key);
        } else {
            support[key] = value.clone();
        }
    }
    support
}

fn sid(support: &Value) -> i64 {
    support["sId"].as_i64().unwrap()
}

fn sids(body: &Value) -> Vec<i64> {
    let list = body["supports"].as_array();
    let list = list.unwrap_or_else(|| panic!("supports in {body}"));
    list.iter().map(sid).collect()
}

/// The members named in `keys` (separated by spaces), as an array.
fn pick(v: &Value, keys: &str) -> Value {
    keys.split(' ').map(|k| v[k].clone()).collect()
}

/// Every page from `path` on, following the absolute `next_page` links.
async fn follow(app: &TestApp, login: &Login, path: &str) -> Vec<Value> {
    let mut pages = vec![app.api_get(path, login).await];
    while let Some(url) = pages.last().unwrap()["next_page"]
        .as_str()
        .filter(|u| !u.is_empty())
    {
        let next = url.strip_prefix(app.base.as_str());
        let next = next.unwrap_or_else(|| panic!("{url} does not start with {}", app.base));
        assert!(pages.len() < 20, "the pages never end");
        let page = app.api_get(next, login).await;
        pages.push(page);
    }
    pages
}

/// One definition of each of the eleven custom field types.
fn field_defs() -> Value {
    let kinds = "dropdown text textarea integer decimal checkbox date regex attachments \
        multi_checkbox cascade";
    let tree = json!([
        {"name": "北京市", "children": [{"name": "丰台区", "children": [{"name": "丰科万达"}]}]},
        {"name": "上海市"}
    ]);
    let def = |(n, kind): (usize, &str)| {
        let (key, name) = (format!("field_{}", n + 1), format!("字段{}", n + 1));
        let mut def = json!({"key": key, "name": name, "type": kind, "required": false});
        match kind {
            "dropdown" => def["options"] = json!(["下拉选项内容", "其他"]),
            "multi_checkbox" => def["options"] = json!(["苹果", "香蕉", "梨"]),
            "regex" => def["pattern"] = json!("go.*d"),
            "cascade" => def["tree"] = tree.clone(),
            _ => {}
        }
        def
    };
    kinds.split_whitespace().enumerate().map(def).collect()
}

/// A valid value for each field of [`field_defs`], in definition order.
fn field_values() -> Value {
    let file = |name: &str| json!({"fileName": name, "fileUrl": "https://huixing.org"});
    let values = json!([
        "下拉选项内容",
        "文本内容",
        "多行\n文本内容",
        "5",
        "12.00",
        "是",
        "2023-02-12",
        "good",
        [file("file1.org"), file("file2.org")],
        "苹果,香蕉",
        ["北京市", "丰台区", "丰科万达"],
    ]);
    let value = |(n, v): (usize, &Value)| json!({"key": format!("field_{}", n + 1), "value": v});
    values
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(value)
        .collect()
}
