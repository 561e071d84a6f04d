//! The agent administration dialect (seed 002, `/api/v1`, HTTP Basic) in the
//! OpenAPI document: its operations, and the tags and components they use,
//! which [`super::document`] merges into the whole. docs/api/admin.md is the
//! reference for people; the two say the same things.

use serde_json::{json, Value};

use super::{object, op, param_ref, schema_ref, string, text, url, Op};

pub const INTRO: &str = "Agent administration dialect (seed 002) under `/api/v1`: HTTP Basic \
`{sPassportName}:{password}` of an agent (accounts are unique on the whole server, so the \
credentials find the tenant). Bodies are one JSON object wrapping the fields in one key \
(`{\"support\": {...}}`), read as JSON whatever the Content-Type says (curl's `-d` sends a form \
type, as the seed's examples do); numbers may be sent as strings or as numbers. Ids in paths \
carry `.json` (`/api/v1/supports/12.json`). Times are `YYYY-MM-DD HH:MM:SS` in the tenant's \
time zone (setting `utc_offset`, default UTC+8). Errors are `{status, code, message, field}` \
(schema `AdminError`); docs/api/admin.md is the full reference.";

/// Who may call, as said first in each description, and what 403 then means.
struct Who {
    says: &'static str,
    refused: &'static str,
}

const ADMIN: Who = Who {
    says: "调用者权限 / caller: 管理员 (an administrator of the tenant).",
    refused: "10021 the caller is in the recycle bin; 10030 the caller is not an administrator",
};
const ANY: Who = Who {
    says: "调用者权限 / caller: 所有客服 (any active agent of the tenant).",
    refused: "10021 the caller is in the recycle bin",
};

/// The query parameters of an agent list.
#[rustfmt::skip]
const LIST: &[&str] = &["created_start", "created_end", "created_order", "admin_page",
    "admin_per_page"];

const BAD: &str = "10001 missing parameter, 10002 invalid parameter, 10003 the body is not a \
JSON object; `field` names the parameter";
const UNKNOWN_SID: &str = "10021 the caller is in the recycle bin; 10030 not an administrator; \
an unknown sId answers exactly {\"status\":403,\"message\":\"The sId does not exist\"}";
const NO_AGENT: &str = "10011 该客服不存在 / no such agent (unknown, purged, or another tenant's)";
const NO_GROUP: &str = "10040 the group does not exist (`field` groupId)";
const NO_WEBHOOK: &str = "10040 the webhook does not exist (unknown, or another tenant's; \
`field` id)";
const NO_DUTY: &str = "10040 the schedule does not exist or the dutyId is malformed \
(`field` dutyId)";

/// An operation of the dialect: Basic credentials, the caller permission
/// first in the description, and the answers every call can give.
fn call(
    method: &'static str,
    path: &'static str,
    tag: &str,
    summary: &str,
    who: &Who,
    about: &str,
) -> Op {
    let mut o = op(method, path, tag, summary, &format!("{} {about}", who.says));
    o.v["security"] = json!([{ "basicAuth": [] }]);
    o.shared("401", "AdminUnauthorized")
        .shared("429", "AdminThrottled")
        .shared("5XX", "AdminUnavailable")
        .error("403", who.refused)
}

impl Op {
    /// A response kept under `components/responses`.
    fn shared(mut self, status: &str, name: &str) -> Self {
        self.v["responses"][status] = json!({ "$ref": format!("#/components/responses/{name}") });
        self
    }

    /// An error response with the `AdminError` body.
    fn error(self, status: &str, codes: &str) -> Self {
        let content = json!({ "application/json": { "schema": schema_ref("AdminError") } });
        self.respond(status, codes, content)
    }

    /// 403 for permissions: the usual body, or the seed's own for an unknown sId.
    fn unknown_sid(self) -> Self {
        let either = json!({ "oneOf": [schema_ref("AdminError"), schema_ref("AdminBareError")] });
        let bare = json!({ "status": 403, "message": "The sId does not exist" });
        let content = json!({ "application/json": { "schema": either, "example": bare } });
        self.respond("403", UNKNOWN_SID, content)
    }

    /// The path parameter `{id}` described by `component` instead of `path_id`.
    fn id(mut self, component: &str) -> Self {
        self.v["parameters"][0] = param_ref(component);
        self
    }

    /// A JSON body (as JSON and as the form type curl's `-d` sends) with an example.
    fn json(mut self, schema: &str, example: Value) -> Self {
        let media = json!({ "schema": schema_ref(schema), "example": example });
        self.v["requestBody"] = json!({ "required": true, "content": {
            "application/json": media, "application/x-www-form-urlencoded": media } });
        self.error("400", BAD)
            .error("413", "10004 the body is too large (over 2 MiB)")
    }

    /// No body: a DELETE reads none.
    fn no_body(mut self) -> Self {
        let media = json!({ "schema": schema_ref("AdminNoBody") });
        self.v["requestBody"] = json!({ "required": false, "content": {
            "application/json": media, "application/x-www-form-urlencoded": media } });
        self
    }

    fn answer(self, schema: Value, example: Value) -> Self {
        let content = json!({ "application/json": { "schema": schema, "example": example } });
        self.respond("200", "成功 / success", content)
    }
}

/// The tags of this dialect's operations.
#[rustfmt::skip]
pub const TAGS: [(&str, &str); 8] = [
    ("supports", "客服接口 / agents, search and the recycle bin"),
    ("permissions", "权限与客服状态 / call-center permission, per-module status"),
    ("signin", "客服签到 / check-ins"),
    ("schedules", "客服排班 / duty schedules"),
    ("supportgroups", "分组 / departments (kefu's addition)"),
    ("settings", "设置 / tenant settings for this API (kefu's addition)"),
    ("webhooks", "Webhooks: the tenant's events POSTed, signed, to its systems (kefu's addition)"),
    ("reports", "报表与会话导出 / reports and transcript exports (kefu's addition)"),
];

#[rustfmt::skip]
pub fn operations() -> Vec<Op> {
    let support = || json!({ "support": support_example(12) });
    let supports = || json!([support_example(12), support_example(13)]);
    let link = |page: u32| format!("https://kefu.example.com/api/v1/supports.json?\
        per_page=2&page={page}");
    let group = json!({ "supportgroup": group_example() });
    let duty = || json!({ "sid": "12", "date": "2030-01-02", "schedules": [{
        "dutyId": "12_2030-01-02_k3J9sQ0aZx7Lm", "name": "早班", "remark": "备注",
        "start_time": "09:00", "end_time": "18:00", "status": "1",
        "url": "https://intranet.example.com/duty" }] });
    let one_duty = || json!({ "code": "0", "message": "ok", "data": { "duty": duty() } });
    let shift = json!({ "duty": { "name": "早班", "remark": "备注", "start_time": "09:00",
        "end_time": "18:00", "url": "https://intranet.example.com/duty" } });
    let state = json!({ "plate_service_state": { "sId": 12, "plate": "2", "state": "在线" } });
    let permission = json!({ "permission": { "sId": "12", "mType": "4", "state": "0" } });
    vec![
        call("get", "/api/v1/supports.json", "supports", "获取客服列表 / List agents", &ADMIN,
            "Active and recycle-bin agents (never purged ones), by sId ascending unless \
            `created_order` is given. Links keep the other query parameters.")
            .query(LIST)
            .error("400", BAD)
            .answer(schema_ref("SupportList"), json!({ "supports": supports(), "count": 42,
                "next_page": link(2), "previous_page": null })),
        call("post", "/api/v1/supports.json", "supports", "创建客服 / Create an agent", &ADMIN,
            "`sPassportName` (unique on the server) and `sNum` are required. Without \
            `password` the agent gets the tenant's default password (settings); with no \
            default set that is 10002 `field` password. Answers with a `Location` header.")
            .json("SupportRequest", create_example())
            .error("409", "10050 the sPassportName is already taken (on this server)")
            .answer(schema_ref("SupportEnvelope"), support()),
        call("get", "/api/v1/supports/show_many.json", "supports",
            "获取多个客服信息 / Show several agents", &ADMIN,
            "The listed agents that exist (purged ones and unknown ids are left out), in sId \
            order; at most 100 ids.")
            .query(&["ids"]).error("400", BAD)
            .answer(object(&["supports"], json!({ "supports": supports_array() })),
                json!({ "supports": supports() })),
        call("get", "/api/v1/supports/{id}.json", "supports",
            "查看指定客服信息 / Show an agent", &ANY,
            "Any agent of the tenant, in the recycle bin or not.")
            .error("404", NO_AGENT)
            .answer(schema_ref("SupportEnvelope"), support()),
        call("put", "/api/v1/supports/{id}.json", "supports", "修改客服信息 / Update an agent",
            &Who { says: "调用者权限 / caller: 所有客服 (any active agent of the tenant): \
                administrators change anyone, other agents only themselves.",
                refused: "10021 the caller is in the recycle bin; 10030 another agent's \
                profile, or a non-administrator changing its own isAdmin, groupId, isStat or \
                maxChats (sending the current values is fine)" },
            "Changes the fields given; the others stay. `sPassportName` cannot change (10002 \
            unless it repeats the current one). `isStat` 1 restores from the recycle bin, 0 \
            moves there.")
            .json("SupportRequest", json!({ "support": { "name": "张三" } }))
            .error("404", NO_AGENT)
            .error("409", "10050 an administrator demoting itself (isAdmin 0) or moving itself \
                to the recycle bin (isStat 0)")
            .answer(schema_ref("SupportEnvelope"), support()),
        call("delete", "/api/v1/supports/{id}.json", "supports",
            "删除客服信息 / Delete an agent (recycle bin, then purge)", &ADMIN,
            "An active agent goes to the recycle bin (`isStat` \"0\"); deleting one already \
            there purges it (`isStat` \"2\"): it is gone from every list and cannot come back, \
            and its sPassportName stays taken. Answers the agent with its new isStat.")
            .no_body().error("404", NO_AGENT)
            .error("409", "10050 an administrator deleting itself")
            .answer(schema_ref("SupportEnvelope"), json!({ "support": support_deleted() })),
        call("get", "/api/v1/supportgroups/supports/search.json", "supports",
            "搜索客服信息 / Search agents", &ADMIN,
            "`query` is `sPassportName:`, `name:`, `sNum:` or `mobile:` followed by 1–50 \
            characters, found anywhere in the field, ignoring case. Purged agents never match. \
            As the seed's example, `count` is a string and missing links are \"\".")
            .query(&["query", "sort_by", "sort_order", "admin_page", "search_per_page"])
            .error("400", BAD)
            .answer(schema_ref("SupportSearch"), json!({ "supports": [support_example(12)],
                "count": "1", "previous_page": "", "next_page": "" })),
        call("put", "/api/v1/servicers/{id}.json", "supports",
            "恢复删除的客服 / Restore an agent from the recycle bin", &ADMIN,
            "`isStat` 1 restores an agent from the recycle bin, 0 moves one there. A purged \
            agent cannot be restored (10011).")
            .json("ServicerRequest", json!({ "support": { "isStat": "1" } }))
            .error("404", NO_AGENT)
            .error("409", "10050 an administrator moving itself to the recycle bin")
            .answer(schema_ref("ServicerEnvelope"),
                json!({ "support": { "sId": "12", "isStat": "1" } })),
        call("get", "/api/v1/permissions/{id}.json", "permissions",
            "Read the call-center permission (kefu's addition)", &ADMIN,
            "What `PUT` sets: `state` \"0\" open, \"1\" closed (the default).")
            .unknown_sid()
            .answer(schema_ref("PermissionEnvelope"), permission.clone()),
        call("put", "/api/v1/permissions/{id}.json", "permissions",
            "开通呼叫中心权限 / Open or close the call-center module", &ADMIN,
            "`mType` must be 4 (呼叫中心, the only module the seed names); `state` \"0\" opens \
            it, \"1\" closes it.")
            .json("PermissionRequest", json!({ "permission": { "mType": "4", "state": "0" } }))
            .error("400", "10001 missing mType or state; 10002 state not \"0\" or \"1\"; \
                10003 the body is not a JSON object; 10012 功能模块输入不正确 / mType is not 4")
            .unknown_sid()
            .answer(schema_ref("PermissionEnvelope"), permission),
        call("get", "/api/v1/plate_service_state/{id}.json", "permissions",
            "查看客服状态 / Show an agent's status in a module", &ADMIN,
            "The status name the agent has in module `plate`, or the module's initial status \
            (默认 离线) when none was set.")
            .query(&["plate"])
            .error("400", "10012 功能模块输入不正确 / plate missing or not 1, 2 or 3")
            .error("404", NO_AGENT)
            .answer(schema_ref("PlateServiceStateEnvelope"), state.clone()),
        call("put", "/api/v1/plate_service_state/{id}.json", "permissions",
            "修改客服状态 / Set an agent's status in a module", &ADMIN,
            "`state` must be one of the module's status names (settings `plate_states`; by \
            default 在线, 忙碌, 离开, 离线).")
            .json("PlateServiceStateRequest", json!({ "plate_service_state": {
                "plate": "1", "state": "在线" } }))
            .error("400", "10001 missing state; 10003 the body is not a JSON object; 10012 \
                功能模块输入不正确 / plate missing or not 1, 2 or 3; 10013 输入的客服状态在后台\
                无匹配值 / state is not a configured status name")
            .error("404", NO_AGENT)
            .answer(schema_ref("PlateServiceStateEnvelope"),
                json!({ "plate_service_state": { "sId": 12, "plate": "1", "state": "在线" } })),
        call("get", "/api/v1/signin.json", "signin", "获取客服签到列表 / List check-ins", &ADMIN,
            "The tenant's check-in and check-out records, oldest first unless `created_order` \
            is desc. The first tag says 签到 (in) or 签退 (out). Missing links are \"\".")
            .query(&["created_start", "created_end", "signin_order", "signin_sId", "admin_page",
                "admin_per_page"])
            .error("400", BAD)
            .answer(schema_ref("SignInList"), json!({ "code": "0", "message": "success",
                "data": { "signIn": [signin_example()], "count": 1, "next_page": "",
                    "previous_page": "" } })),
        call("post", "/api/v1/signin.json", "signin", "Check in or out (kefu's addition)", &ANY,
            "The caller records its own check-in (签到) or check-out (签退); the seed lists \
            records but names no way to make them.")
            .json("SignInRequest", json!({ "signIn": { "type": "签到", "remark": "到岗",
                "attachments": ["https://files.example.com/a.jpg"], "tags": ["外勤"],
                "clockingPoint": "北京市东城区,经度:116.40231、纬度:39.923807" } }))
            .answer(schema_ref("SignInEnvelope"), json!({ "code": "0", "message": "success",
                "data": { "signIn": signin_example() } })),
        call("get", "/api/v1/schedules.json", "schedules",
            "获取客服排班列表 / List duty schedules", &ADMIN,
            "Shifts dated `startDT` to `endDT` (both included; default today and the next 30 \
            days in the tenant's time zone; at most 366 days), as one entry per agent and date, \
            ordered by agent, date and start. (The seed's heading names /api/v1/supports.json; \
            its example calls this path.)")
            .query(&["startDT", "endDT", "sid"])
            .error("400", "10002 a malformed date, endDT before startDT, or more than 366 days")
            .answer(schema_ref("DutyList"), json!({ "code": "0", "message": "ok",
                "data": { "duty": [duty()] } })),
        call("post", "/api/v1/schedules.json", "schedules", "新增客服排班 / Create duty schedules",
            &ADMIN,
            "Shifts for several agents and dates, all or none (at most 1000 shifts). Each gets \
            a dutyId `{sid}_{date}_{13 letters or digits}`.")
            .json("DutyCreateRequest", json!({ "duty": [{ "sid": "12", "date": "2030-01-02",
                "schedules": [{ "name": "早班", "remark": "备注", "start_time": "09:00",
                    "end_time": "18:00", "url": "https://intranet.example.com/duty" }] }] }))
            .error("404", "10011 该客服不存在 / an sid is not an agent of the tenant")
            .answer(schema_ref("DutyCreated"), json!({ "code": "0", "message": "success",
                "data": { "duty": [duty()] } })),
        call("put", "/api/v1/schedules.json", "schedules", "更新客服排班 / Update a schedule",
            &ADMIN,
            "Replaces one shift's hours and texts: `name`, `remark` and `url` not sent become \
            empty. Its agent and date never change (delete it and create another).")
            .query(&["dutyId"]).json("DutyUpdateRequest", shift)
            .error("404", NO_DUTY)
            .answer(schema_ref("DutyOne"), one_duty()),
        call("delete", "/api/v1/schedules.json", "schedules", "删除客服排班 / Delete a schedule",
            &ADMIN,
            "Deletes one shift that has not started yet (its date and start_time, in the \
            tenant's time zone, are still ahead).")
            .query(&["dutyId"]).no_body()
            .error("400", "10001 missing dutyId").error("404", NO_DUTY)
            .error("409", "10050 the shift has already started")
            .answer(schema_ref("DutyOne"), one_duty()),
        call("get", "/api/v1/supportgroups.json", "supportgroups",
            "List departments (kefu's addition)", &ADMIN,
            "The tenant's departments (分组), by groupId; `members` counts agents that are not \
            purged.")
            .query(&["admin_page", "admin_per_page"]).error("400", BAD)
            .answer(schema_ref("SupportgroupList"), json!({ "supportgroups": [group_example()],
                "count": 1, "next_page": null, "previous_page": null })),
        call("post", "/api/v1/supportgroups.json", "supportgroups",
            "Create a department (kefu's addition)", &ADMIN,
            "`name` is 1–30 characters, unique in the tenant. Answers with a `Location` \
            header. The groupId is what agents' `groupId` lists.")
            .json("SupportgroupRequest", json!({ "supportgroup": { "name": "售后" } }))
            .error("409", "10050 the tenant already has a group with this name")
            .answer(schema_ref("SupportgroupEnvelope"), group.clone()),
        call("get", "/api/v1/supportgroups/{id}.json", "supportgroups",
            "Show a department (kefu's addition)", &ADMIN, "One department.")
            .id("path_group_id").error("404", NO_GROUP)
            .answer(schema_ref("SupportgroupEnvelope"), group.clone()),
        call("put", "/api/v1/supportgroups/{id}.json", "supportgroups",
            "Rename a department (kefu's addition)", &ADMIN, "Renames it.")
            .id("path_group_id")
            .json("SupportgroupRequest", json!({ "supportgroup": { "name": "售后" } }))
            .error("404", NO_GROUP)
            .error("409", "10050 the tenant already has a group with this name")
            .answer(schema_ref("SupportgroupEnvelope"), group.clone()),
        call("delete", "/api/v1/supportgroups/{id}.json", "supportgroups",
            "Delete a department (kefu's addition)", &ADMIN,
            "Its agents stay, without it in their `groupId`. Answers the group as it was.")
            .id("path_group_id").no_body().error("404", NO_GROUP)
            .answer(schema_ref("SupportgroupEnvelope"), group),
        call("get", "/api/v1/supportgroups/{id}/supports.json", "supportgroups",
            "List a department's agents (kefu's addition)", &ADMIN,
            "Its members, filtered, ordered and paged like the agent list.")
            .id("path_group_id")
            .query(LIST)
            .error("400", BAD).error("404", NO_GROUP)
            .answer(schema_ref("SupportList"), json!({ "supports": supports(), "count": 2,
                "next_page": null, "previous_page": null })),
        call("get", "/api/v1/settings.json", "settings", "Show settings (kefu's addition)", &ADMIN,
            "The tenant's time zone, whether a default agent password is set, each module's \
            status names, the agents' custom field definitions, and how seed 001 conversations \
            are routed and answered (docs/api/customers.md).")
            .answer(schema_ref("SettingsEnvelope"), json!({ "settings": settings_example() })),
        call("put", "/api/v1/settings.json", "settings", "Change settings (kefu's addition)",
            &ADMIN,
            "Replaces the keys given, keeps the others; all or none. `plate_states` replaces \
            the modules named; `custom_fields` replaces the whole list of definitions (values of \
            keys no longer defined stop showing). Answers all the settings.")
            .json("SettingsRequest", json!({ "settings": { "utc_offset": 8,
                "default_password": "Start123",
                "plate_states": { "2": { "states": ["在线", "忙碌", "小休", "离线"],
                    "accepting": "在线", "initial": "离线" } },
                "custom_fields": custom_field_defs(),
                "routing_strategy": "least_busy", "max_chats": 8, "timeout": 300,
                "template": "您好，欢迎咨询！", "keep_transcripts": true } }))
            .error("400", "10002 an invalid value (`field` utc_offset, default_password, states, \
                accepting, initial, custom_fields, routing_strategy, max_chats, timeout, \
                template, config, keep_transcripts, base, access_token_ttl, \
                session_idle_timeout or session_lifetime); 10012 a \
                plate_states key other than 1, 2, 3")
            .answer(schema_ref("SettingsEnvelope"), json!({ "settings": settings_example() })),
        call("get", "/api/v1/keys.json", "settings", "Show the tenant's api_key (kefu's addition)",
            &ADMIN, "The public `api_key` that the widget snippet and seed 001's access tokens \
            name. The `secret_key` is stored hashed and never shown again after it was made.")
            .answer(schema_ref("KeysEnvelope"), json!({ "keys": { "tenant_id": 1,
                "api_key": "k3Zr8mQ2xW9pLs7vB4nT6yHd" } })),
        call("post", "/api/v1/keys.json", "settings", "Rotate the tenant's keys (kefu's addition)",
            &ADMIN, "A new `secret_key`, answered this once; with `api_key` true a new \
            `api_key` too (every page's widget snippet must then change). Access tokens bought \
            with the old secret stop working at once.")
            .json("KeysRequest", json!({ "keys": { "api_key": false } }))
            .error("400", BAD)
            .answer(schema_ref("KeysRotated"), json!({ "keys": { "tenant_id": 1,
                "api_key": "k3Zr8mQ2xW9pLs7vB4nT6yHd",
                "secret_key": "Qm9vN2xLc3R4aW5nU2VjcmV0S2V5MTIzNDU2Nzg5" } })),
        call("get", "/api/v1/reports.json", "reports", "报表 / Report (kefu's addition)", &ADMIN,
            "The figures of the conversations started on the days `from` to `to` (both \
            included, in the tenant's time zone; at most 92 days; default the last 7 days), in \
            total, per day, per serving agent and per department; each conversation counts on \
            the day it started, with everything that happened to it since. Times are seconds \
            from the conversation's start: queue wait to the first agent, first response to \
            the agent's first chat message, resolution to its finish; median and p90 by nearest \
            rank. `online`: per hour up to now, the agents that accepted work at some moment of \
            it (status changes are recorded from this version on).")
            .query(&["report_from", "report_to"]).error("400", REPORT_RANGE)
            .answer(schema_ref("ReportEnvelope"), json!({ "report": report_example() })),
        call("get", "/api/v1/reports.csv", "reports", "报表 CSV / Report as CSV (kefu's addition)",
            &ADMIN, "The same figures, one row per day, agent or department (`by`), as UTF-8 CSV \
            with a byte-order mark; medians and p90s in seconds, empty when there is none.")
            .query(&["report_from", "report_to", "report_by"]).error("400", REPORT_RANGE)
            .respond("200", "成功 / success", json!({ "text/csv": { "schema": { "type": "string" },
                "example": "\u{feff}day,started,served,finished,timed_out,messages,...\r\n" } })),
        call("get", "/api/v1/transcripts.json", "reports",
            "会话导出 / Transcripts (kefu's addition)", &ADMIN,
            "One conversation (`question_id`) or those started on the days `from` to `to` (at \
            most 92), oldest first, at most 500 per call: `next` is the `after` of the next \
            call, null after the last. Each with its customer, agent, rating and every \
            message in seed 003's shape.")
            .query(&["transcript_question_id", "report_from", "report_to", "transcript_after"])
            .error("400", REPORT_RANGE).error("404", "10040 no such question in this tenant")
            .answer(schema_ref("TranscriptList"), json!({ "transcripts": [], "next": null })),
        call("get", "/api/v1/transcripts.csv", "reports",
            "会话导出 CSV / Transcripts as CSV (kefu's addition)", &ADMIN,
            "The same selection, one row per message: question_id, time, sender_type, sender, \
            type, text (a media URL for pictures and voice), action, rating. The header \
            `X-Next-After` carries the next call's `after` when there are more.")
            .query(&["transcript_question_id", "report_from", "report_to", "transcript_after"])
            .error("400", REPORT_RANGE).error("404", "10040 no such question in this tenant")
            .respond("200", "成功 / success", json!({ "text/csv": { "schema": { "type": "string" } } })),
        call("get", "/api/v1/webhooks.json", "webhooks", "List webhooks (kefu's addition)",
            &ADMIN, "The tenant's webhooks by id. Never shows their signing secrets.")
            .query(&["admin_page", "admin_per_page"]).error("400", BAD)
            .answer(schema_ref("WebhookList"), json!({ "webhooks": [webhook_example()],
                "count": 1, "next_page": null, "previous_page": null })),
        call("post", "/api/v1/webhooks.json", "webhooks", "Create a webhook (kefu's addition)",
            &ADMIN,
            "Registers a URL that receives the tenant's events stored from now on (no backfill) \
            as signed POSTs (docs/api/admin.md, Webhooks: payload, headers, signature, retries). \
            Answers with a `Location` header and the webhook with its `secret`, shown this once \
            and never again. At most 20 webhooks per tenant.")
            .json("WebhookCreateRequest", json!({ "webhook": { "url":
                "https://hooks.example.com/kefu", "events": ["message", "finished"],
                "active": true } }))
            .error("409", "10050 the tenant already has 20 webhooks")
            .answer(schema_ref("WebhookCreated"), json!({ "webhook": webhook_created_example() })),
        call("get", "/api/v1/webhooks/{id}.json", "webhooks", "Show a webhook (kefu's addition)",
            &ADMIN, "One webhook, without its secret.")
            .id("path_webhook_id").error("404", NO_WEBHOOK)
            .answer(schema_ref("WebhookEnvelope"), json!({ "webhook": webhook_example() })),
        call("put", "/api/v1/webhooks/{id}.json", "webhooks", "Change a webhook (kefu's addition)",
            &ADMIN,
            "Changes the fields given, all or none. The secret never changes: delete the \
            webhook and create another to rotate it. Switched back on (`active`), a webhook \
            receives events stored from then on; deliveries queued before keep their turn.")
            .id("path_webhook_id")
            .json("WebhookUpdateRequest", json!({ "webhook": { "events": ["*"],
                "active": false } }))
            .error("404", NO_WEBHOOK)
            .answer(schema_ref("WebhookEnvelope"), json!({ "webhook": webhook_example() })),
        call("delete", "/api/v1/webhooks/{id}.json", "webhooks", "Delete a webhook (kefu's addition)",
            &ADMIN, "Deletes it and its delivery log; pending deliveries are dropped. Answers \
            the webhook as it was.")
            .id("path_webhook_id").no_body().error("404", NO_WEBHOOK)
            .answer(schema_ref("WebhookEnvelope"), json!({ "webhook": webhook_example() })),
        call("get", "/api/v1/webhooks/{id}/deliveries.json", "webhooks",
            "A webhook's delivery log (kefu's addition)", &ADMIN,
            "One delivery per event sent (or being sent) to the webhook, newest first: its \
            state, attempts, the receiver's last HTTP status or the last error, and when the \
            next attempt is due.")
            .id("path_webhook_id")
            .query(&["admin_page", "admin_per_page"])
            .error("400", BAD).error("404", NO_WEBHOOK)
            .answer(schema_ref("WebhookDeliveryList"), json!({ "deliveries":
                [delivery_example()], "count": 1, "next_page": null, "previous_page": null })),
    ]
}

fn support_example(id: u32) -> Value {
    let (account, name, num) = if id == 12 {
        ("13039209552", "张三", "001")
    } else {
        ("lisi", "李四", "002")
    };
    json!({
        "sId": id, "url": format!("https://kefu.example.com/api/v1/supports/{id}.json"),
        "sPassportName": account, "groupId": "3,5", "sNum": num, "name": name, "gnder": "1",
        "email": "", "fixnumber": "", "mobile": "13039209552", "QQ": "", "isAdmin": "0",
        "isStat": "1", "createDT": "2024-03-01 09:30:00", "updateDT": "2024-03-02 10:00:00",
        "custom_fields": [{ "key": "field_1", "value": "下拉选项内容" },
            { "key": "field_2", "value": "文本内容" }],
        "maxChats": if id == 12 { json!(null) } else { json!(3) },
    })
}

fn support_deleted() -> Value {
    let mut support = support_example(12);
    support["isStat"] = json!("0");
    support
}

fn create_example() -> Value {
    json!({ "support": {
        "sPassportName": "13039209552", "password": "s3cret9", "groupId": "3,5", "sNum": "001",
        "name": "张三", "gnder": "1", "email": "", "fixnumber": "", "mobile": "13039209552",
        "QQ": "", "isAdmin": "0", "maxChats": 3,
        "custom_fields": [
            { "key": "field_1", "value": "下拉选项内容" },
            { "key": "field_2", "value": "文本内容" },
            { "key": "field_9", "value": [{ "fileName": "file1.org",
                "fileUrl": "https://huixing.org" }] },
            { "key": "field_10", "value": "苹果,香蕉" },
            { "key": "field_11", "value": ["北京市", "丰台区", "丰科万达"] },
        ],
    }})
}

fn webhook_example() -> Value {
    json!({ "id": 7, "url": "https://hooks.example.com/kefu", "events": ["message", "finished"],
        "active": true, "created_at": "2024-03-01 09:00:00", "updated_at": "2024-03-01 09:00:00" })
}

fn webhook_created_example() -> Value {
    let mut webhook = webhook_example();
    webhook["secret"] = json!("whsec_k3J9sQ0aZx7LmP2vB8nR4tY6wE1uI5oA");
    webhook
}

fn delivery_example() -> Value {
    json!({ "id": "0190f5c3a1e4000012ab34cd", "event": "message", "state": "pending",
        "attempts": 2, "last_status": 503, "last_error": "answered 503 Service Unavailable",
        "created_at": "2024-03-01 09:30:00", "delivered_at": null,
        "next_attempt_at": "2024-03-01 09:30:04" })
}

fn group_example() -> Value {
    json!({ "groupId": 3, "url": "https://kefu.example.com/api/v1/supportgroups/3.json",
        "name": "售后", "members": 2, "createDT": "2024-03-01 09:00:00",
        "updateDT": "2024-03-01 09:00:00" })
}

fn signin_example() -> Value {
    json!({ "sId": 12, "name": "张三", "sNum": "001", "remark": "到岗",
        "attachments": "https://files.example.com/a.jpg", "tags": ["签到", "外勤"],
        "checkinTime": "2024-03-04 08:58:12",
        "clockingPoint": "北京市东城区,经度:116.40231、纬度:39.923807" })
}

fn custom_field_defs() -> Value {
    json!([
        { "key": "field_1", "name": "级别", "type": "dropdown", "required": false,
            "options": ["下拉选项内容", "其他"] },
        { "key": "field_2", "name": "备注", "type": "text", "required": false },
        { "key": "field_9", "name": "资料", "type": "attachments", "required": false },
        { "key": "field_10", "name": "水果", "type": "multi_checkbox", "required": false,
            "options": ["苹果", "香蕉"] },
        { "key": "field_11", "name": "地区", "type": "cascade", "required": false,
            "tree": [{ "name": "北京市", "children": [{ "name": "丰台区",
                "children": [{ "name": "丰科万达" }] }] }] },
    ])
}

fn session_idle() -> Value {
    json!({ "type": "integer", "minimum": 300, "maximum": 31_536_000, "description": "seconds \
        a session may go unused (no request, no open socket) before it ends; default 604800 \
        (7 days); at most session_lifetime" })
}

fn session_lifetime() -> Value {
    json!({ "type": "integer", "minimum": 300, "maximum": 31_536_000, "description": "seconds \
        after it was issued that a session ends in any case; default 2592000 (30 days). A \
        change applies to the tenant's existing sessions too" })
}

const REPORT_RANGE: &str = "10002 `from` or `to` not YYYY-MM-DD, from after to, more than 92 \
    days, or `by` not day, agent or department";

fn report_example() -> Value {
    let figures = json!({ "started": 12, "served": 11, "finished": 10, "timed_out": 1,
        "messages": 96, "customer_messages": 41, "agent_messages": 55,
        "first_response": { "median": 35.0, "p90": 120.0 },
        "resolution": { "median": 540.0, "p90": 1500.0 },
        "queue_wait": { "median": 8.0, "p90": 40.0 },
        "csat": { "count": 6, "average": 4.5,
            "distribution": { "1": 0, "2": 0, "3": 1, "4": 1, "5": 4 } } });
    let with = |head: Value| super::merged(head, figures.clone());
    json!({ "from": "2026-11-02", "to": "2026-11-02", "utc_offset": 8, "totals": figures,
        "days": [with(json!({ "date": "2026-11-02" }))],
        "agents": [with(json!({ "sId": 12, "sPassportName": "zhangsan", "name": "张三" }))],
        "departments": [with(json!({ "id": 3, "name": "售后" }))],
        "online": [{ "date": "2026-11-02", "hour": 9, "agents": 3 }] })
}

fn settings_example() -> Value {
    let states = json!({ "states": ["在线", "忙碌", "离开", "离线"], "accepting": "在线",
        "initial": "离线" });
    json!({ "utc_offset": 8, "default_password_set": true,
        "plate_states": { "1": states, "2": states, "3": states },
        "custom_fields": custom_field_defs(), "routing_strategy": "least_busy", "max_chats": 8,
        "timeout": 300, "template": "您好，欢迎咨询！", "config": {}, "keep_transcripts": true,
        "base": "", "access_token_ttl": 7200, "session_idle_timeout": 604800,
        "session_lifetime": 2592000 })
}

/// The dialect's error codes (`AdminError.code`), with their HTTP status.
#[rustfmt::skip]
const ERROR_CODES: [(&str, &str); 17] = [
    ("10001", "缺少参数 / missing parameter (400)"),
    ("10002", "参数不合法 / invalid parameter (400)"),
    ("10003", "body is not a JSON object (400)"),
    ("10004", "body too large (413)"),
    ("10011", "该客服不存在 / no such agent (404)"),
    ("10012", "功能模块输入不正确 / bad module: plate not 1, 2 or 3, mType not 4 (400)"),
    ("10013", "输入的客服状态在后台无匹配值 / status name not configured (400)"),
    ("10020", "missing or wrong credentials (401)"),
    ("10021", "the agent is in the recycle bin or purged (403)"),
    ("10022", "too many failed logins, see Retry-After (429)"),
    ("10030", "not allowed for this caller's role (403)"),
    ("10040", "not found: endpoint, group, dutyId or webhook (404)"),
    ("10041", "method not allowed (405)"),
    ("10050", "conflict: name taken, schedule started, self-demotion or self-deletion, \
        webhook limit (20 per tenant) (409)"),
    ("10090", "storage unavailable, retry later (503)"),
    ("10091", "the request took too long, retry (503)"),
    ("10099", "internal error (500)"),
];

fn datetime(description: &str) -> Value {
    json!({ "type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$",
        "description": description })
}

fn date(description: &str) -> Value {
    json!({ "type": "string", "format": "date", "description": description })
}

fn clock(description: &str) -> Value {
    json!({ "type": "string", "pattern": "^\\d{2}:\\d{2}(:00)?$", "description": description })
}

/// Text with one of `values`, or (in requests) the same as a number.
fn either(values: &[&str], description: &str) -> Value {
    let numbers: Vec<i64> = values.iter().filter_map(|v| v.parse().ok()).collect();
    json!({ "description": description, "oneOf": [
        { "type": "string", "enum": values }, { "type": "integer", "enum": numbers } ] })
}

fn strings(description: &str, values: &[&str]) -> Value {
    json!({ "type": "string", "enum": values, "description": description })
}

fn supports_array() -> Value {
    json!({ "type": "array", "items": schema_ref("Support") })
}

/// `{code, message, data: {...}}`, the envelope of check-ins and schedules.
fn coded(message: &str, data: Value) -> Value {
    let props = json!({
        "code": strings("\"0\": success", &["0"]),
        "message": strings("as the seed's examples", &[message]),
        "data": data,
    });
    object(&["code", "message", "data"], props)
}

pub fn schemas() -> Value {
    let groups = [
        error_schemas(),
        agent_schemas(),
        field_schemas(),
        state_schemas(),
        signin_schemas(),
        duty_schemas(),
        group_schemas(),
        settings_schemas(),
        webhook_schemas(),
        report_schemas(),
    ];
    groups.into_iter().fold(json!({}), super::merged)
}

fn link(description: &str) -> Value {
    json!({ "type": "string", "format": "uri", "nullable": true, "description": description })
}

fn count() -> Value {
    json!({ "type": "integer", "description": "how many match in all" })
}

/// `{key: <schema>}`.
fn wrap(key: &str, schema: &str) -> Value {
    object(&[key], json!({ key: schema_ref(schema) }))
}

fn sid(description: &str) -> Value {
    json!({ "type": "integer", "description": description })
}
/// The error bodies, and the empty body of a DELETE.
#[rustfmt::skip]
fn error_schemas() -> Value {
    let table: Vec<String> = ERROR_CODES.iter().map(|(c, m)| format!("- {c}: {m}")).collect();
    let codes: Vec<&str> = ERROR_CODES.iter().map(|(c, _)| *c).collect();
    json!({
        "AdminError": {
            "type": "object", "required": ["status", "code", "message"],
            "properties": {
                "status": { "type": "integer", "description": "the HTTP status, repeated" },
                "code": { "type": "string", "enum": codes,
                    "description": format!("错误码 / error code, as a string:\n{}",
                        table.join("\n")) },
                "message": string("the reason, for people"),
                "field": string("the parameter at fault, when known"),
            },
            "example": { "status": 404, "code": "10011", "message": "该客服不存在", "field": "sId" },
        },
        "AdminBareError": {
            "type": "object", "required": ["status", "message"],
            "description": "The seed's exact answer of permissions for an unknown sId (HTTP 403).",
            "properties": { "status": { "type": "integer", "enum": [403] },
                "message": strings("", &["The sId does not exist"]) },
        },
        "AdminNoBody": { "type": "object",
            "description": "Nothing to send: a DELETE reads no body." },
    })
}

/// Agents, their lists and the recycle bin.
#[rustfmt::skip]
fn agent_schemas() -> Value {
    json!({
        "Support": object(&["sId", "url", "sPassportName", "groupId", "sNum", "name", "gnder",
            "email", "fixnumber", "mobile", "QQ", "isAdmin", "isStat", "createDT", "updateDT",
            "custom_fields", "maxChats"], json!({
            "sId": sid("客服ID / agent id, set by the server (a number here)"),
            "url": url("该客服的资源url / this agent's URL"),
            "sPassportName": text(1, 20, "客服账号 / account: unique on the server, never changes"),
            "groupId": { "type": "string", "pattern": "^([1-9][0-9]*(,[1-9][0-9]*)*)?$",
                "description": "客服所属分组ID / department ids, ascending, comma-separated; \
                    \"\" if none" },
            "sNum": text(0, 20, "客服工号 / staff number (\"\" only for a tenant's first admin)"),
            "name": text(0, 50, "客服姓名 / name"),
            "gnder": strings("客服性别 / 1 female (default), 2 male", &["1", "2"]),
            "email": text(0, 100, "电子邮箱 / e-mail"),
            "fixnumber": text(0, 30, "座机号码 / landline"),
            "mobile": text(0, 30, "手机号码 / mobile"),
            "QQ": text(0, 20, "QQ号码 / QQ number"),
            "isAdmin": strings("是否是管理员 / 0 agent, 1 administrator", &["0", "1"]),
            "isStat": strings("客服后台状态 / 1 active, 0 in the recycle bin, 2 purged (only in \
                the answer of the DELETE that purges)", &["1", "0", "2"]),
            "createDT": datetime("创建时间 / created, in the tenant's time zone"),
            "updateDT": datetime("updated (kefu's addition), in the tenant's time zone"),
            "custom_fields": { "type": "array", "items": schema_ref("CustomFieldValue"),
                "description": "自定义字段 / values of the defined fields, in definition order" },
            "maxChats": { "type": "integer", "nullable": true, "minimum": 0, "maximum": 1000,
                "description": "kefu's addition: the most conversations routing pushes to this \
                    agent at once (seed 001); null = the tenant setting max_chats" },
        })),
        "SupportInput": object(&[], json!({
            "sPassportName": text(1, 20, "客服账号 / required on create: 1–20 characters, no \
                ':' or surrounding spaces; on update only the current value is accepted"),
            "password": text(1, 20, "客服密码 / password; on create, without it the tenant's \
                default password (settings) is used"),
            "sNum": text(1, 20, "客服工号 / required on create"),
            "name": text(0, 50, "客服姓名 / name"),
            "gnder": either(&["1", "2"], "客服性别 / 1 female (default), 2 male"),
            "email": text(0, 100, "电子邮箱 / an e-mail address or \"\""),
            "fixnumber": text(0, 30, "座机号码 / digits, +, -, (, ), spaces"),
            "mobile": text(0, 30, "手机号码 / digits, +, -, (, ), spaces"),
            "QQ": text(0, 20, "QQ号码 / digits"),
            "isAdmin": either(&["0", "1"], "是否是管理员 / 0 or 1 (also true/false); \
                administrators only"),
            "groupId": { "description": "客服所属分组ID / existing department ids: \"3,5\" \
                (or a list [3, 5]); \"\" for none; administrators only",
                "oneOf": [{ "type": "string" }, { "type": "array", "items": {
                    "oneOf": [{ "type": "integer" }, { "type": "string" }] } }] },
            "maxChats": { "description": "kefu's addition, administrators only: the most \
                conversations routing pushes to this agent at once, 0 to 1000 (0: none), as a \
                number or a numeric string; null or \"\" returns the agent to the tenant \
                setting max_chats",
                "oneOf": [{ "type": "integer", "nullable": true, "minimum": 0, "maximum": 1000 },
                    { "type": "string", "pattern": "^([0-9]{1,4})?$" }] },
            "isStat": either(&["0", "1"], "update only, administrators only: 1 restores from \
                the recycle bin, 0 moves there"),
            "custom_fields": { "type": "array", "items": schema_ref("CustomFieldValue"),
                "description": "自定义字段 / values for defined keys; keys not sent keep their \
                    value; null or \"\" (or [] for attachments and cascade) clears one that is \
                    not required; required ones must be given on create" },
        })),
        "SupportRequest": wrap("support", "SupportInput"),
        "SupportEnvelope": wrap("support", "Support"),
        "SupportList": object(&["supports", "count", "next_page", "previous_page"], json!({
            "supports": supports_array(), "count": count(),
            "next_page": link("absolute URL of the next page, or null"),
            "previous_page": link("absolute URL of the previous page, or null"),
        })),
        "SupportSearch": object(&["supports", "count", "previous_page", "next_page"], json!({
            "supports": supports_array(),
            "count": { "type": "string", "pattern": "^[0-9]+$",
                "description": "how many match, as a string (as the seed's example)" },
            "previous_page": string("absolute URL of the previous page, or \"\""),
            "next_page": string("absolute URL of the next page, or \"\""),
        })),
        "ServicerRequest": object(&["support"], json!({ "support": object(&["isStat"], json!({
            "isStat": either(&["0", "1"], "客服是否生效 / 1 restore, 0 to the recycle bin") })) })),
        "ServicerEnvelope": object(&["support"], json!({ "support": object(&["sId", "isStat"],
            json!({
            "sId": string("客服id / as a string (as the seed's example)"),
            "isStat": strings("the new state", &["0", "1"]) })) })),
    })
}

/// Custom fields: values and definitions.
#[rustfmt::skip]
fn field_schemas() -> Value {
    json!({
        "CustomFieldValue": object(&["key", "value"], json!({
            "key": { "type": "string", "pattern": "^field_[1-9][0-9]*$",
                "description": "a key defined in settings custom_fields" },
            "value": { "description": "by the field's type: dropdown one option; text one line \
                ≤255; textarea ≤5000; integer positive (\"5\" or 5); decimal like \"12.00\"; \
                checkbox \"是\" or \"否\"; date YYYY-MM-DD; regex text matching the pattern; \
                attachments a list of {fileName, fileUrl}; multi_checkbox options joined by \
                commas (\"苹果,香蕉\"); cascade the names from a root of the tree to a leaf",
                "anyOf": [{ "type": "string" }, { "type": "number" },
                    { "type": "array", "items": { "type": "string" } },
                    { "type": "array", "items": schema_ref("CustomFieldAttachment") }] },
        })),
        "CustomFieldAttachment": object(&["fileName", "fileUrl"], json!({
            "fileName": text(1, 255, "file name with an extension, e.g. file1.org"),
            "fileUrl": url("http(s) URL, at most 2048 characters"),
        })),
        "CustomFieldDef": object(&["key", "name", "type"], json!({
            "key": { "type": "string", "pattern": "^field_[1-9][0-9]*$",
                "description": "field_ and a positive integer, unique" },
            "name": text(1, 50, "the label admins see"),
            "type": strings("the value's type", &["dropdown", "text", "textarea", "integer",
                "decimal", "checkbox", "date", "regex", "attachments", "multi_checkbox",
                "cascade"]),
            "required": { "type": "boolean", "default": false,
                "description": "must be given on create and cannot be cleared" },
            "options": { "type": "array", "minItems": 1, "maxItems": 200,
                "items": text(1, 100, "an option (no comma for multi_checkbox)"),
                "description": "dropdown and multi_checkbox only, unique" },
            "pattern": text(1, 200, "regex only: a regular expression the whole value must match"),
            "tree": { "type": "array", "items": schema_ref("CascadeNode"),
                "description": "cascade only: at most 5 levels and 2000 nodes" },
        })),
        "CascadeNode": object(&["name"], json!({
            "name": text(1, 100, "unique among its siblings"),
            "children": { "type": "array", "items": schema_ref("CascadeNode"),
                "description": "none for a leaf" },
        })),
    })
}

/// The call-center permission and per-module status.
#[rustfmt::skip]
fn state_schemas() -> Value {
    json!({
        "PermissionRequest": object(&["permission"], json!({ "permission": object(
            &["mType", "state"],
            json!({ "mType": either(&["4"], "模块类型 / 4 呼叫中心 call center"),
                "state": either(&["0", "1"], "开启关闭 / 0 open, 1 closed") })) })),
        "PermissionEnvelope": object(&["permission"], json!({ "permission": object(
            &["sId", "mType", "state"], json!({
            "sId": string("客服id / as a string (as the seed's example)"),
            "mType": strings("模块类型 / call center", &["4"]),
            "state": strings("0 open, 1 closed", &["0", "1"]) })) })),
        "PlateServiceStateRequest": object(&["plate_service_state"], json!({
            "plate_service_state": object(&["plate", "state"], json!({
                "plate": either(&["1", "2", "3"], "功能模块 / 1 工单 tickets, 2 在线聊天 online \
                    chat, 3 呼叫中心 call center"),
                "state": text(1, 20, "客服状态 / one of the module's status names") })) })),
        "PlateServiceStateEnvelope": object(&["plate_service_state"], json!({
            "plate_service_state": object(&["sId", "plate", "state"], json!({
                "sId": sid("客服id / a number (as the seed's example)"),
                "plate": strings("功能模块 / the module", &["1", "2", "3"]),
                "state": string("客服状态 / the status name") })) })),
    })
}

/// Check-ins.
#[rustfmt::skip]
fn signin_schemas() -> Value {
    json!({
        "SignIn": object(&["sId", "name", "sNum", "remark", "attachments", "tags", "checkinTime",
            "clockingPoint"], json!({
            "sId": sid("客服id (kefu's addition)"),
            "name": string("客服姓名 / name"), "sNum": string("客服工号 / staff number"),
            "remark": string("签到备注 / remark"),
            "attachments": string("签到附件 / URLs joined by commas, \"\" if none"),
            "tags": { "type": "array", "items": { "type": "string" },
                "description": "签到标签 / 签到 or 签退 first, then the record's tags" },
            "checkinTime": datetime("签到时间 / when, in the tenant's time zone"),
            "clockingPoint": string("签到地点 / place and coordinates, as sent"),
        })),
        "SignInRequest": object(&["signIn"], json!({ "signIn": object(&[], json!({
            "type": strings("签到 check-in (the default; also 1 or in) or 签退 check-out (also 2 \
                or out)", &["签到", "签退", "1", "2", "in", "out"]),
            "remark": text(0, 500, "签到备注 / remark"),
            "attachments": { "description": "签到附件 / at most 9 http(s) URLs without commas \
                or spaces: a list, or one text joined by commas",
                "oneOf": [{ "type": "array", "maxItems": 9, "items": { "type": "string" } },
                    { "type": "string" }] },
            "tags": { "type": "array", "maxItems": 10, "items": text(1, 20, "a tag") },
            "clockingPoint": text(0, 200, "签到地点 / place and coordinates"),
        })) })),
        "SignInEnvelope": coded("success", object(&["signIn"],
            json!({ "signIn": schema_ref("SignIn") }))),
        "SignInList": coded("success", object(&["signIn", "count", "next_page", "previous_page"],
            json!({ "signIn": { "type": "array", "items": schema_ref("SignIn") }, "count": count(),
                "next_page": string("absolute URL of the next page, or \"\""),
                "previous_page": string("absolute URL of the previous page, or \"\"") }))),
    })
}

/// Duty schedules.
#[rustfmt::skip]
fn duty_schemas() -> Value {
    let shift_text = |required: &[&str]| object(required, json!({
        "name": text(0, 30, "排班名称 / name, at most 30 characters"),
        "remark": text(0, 200, "备注 / remark"),
        "start_time": clock("开始时间 / start, HH:MM (HH:MM:00 accepted)"),
        "end_time": clock("结束时间 / end, HH:MM, after start_time (no shift crosses midnight)"),
        "url": { "type": "string", "format": "uri", "maxLength": 512,
            "description": "点击排班后的跳转链接 / http(s) link" },
    }));
    let day = |item: &str| object(&["sid", "date", "schedules"], json!({
        "sid": string("客服id / the agent's sId, as a string"),
        "date": date("日期 / YYYY-MM-DD"),
        "schedules": { "type": "array", "items": schema_ref(item) } }));
    json!({
        "DutyShift": {
            "allOf": [shift_text(&["name", "remark", "start_time", "end_time"]),
                object(&["dutyId", "status"], json!({
                    "dutyId": string("排班id / {sid}_{date}_{suffix}"),
                    "status": strings("always \"1\" (the only state the seed shows)", &["1"]) }))],
            "description": "A shift; `url` only when one is set.",
        },
        "DutyText": shift_text(&["start_time", "end_time"]),
        "DutyDay": day("DutyShift"),
        "DutyDayInput": object(&["sid", "date", "schedules"], json!({
            "sid": { "description": "客服sId / the agent, as a string or a number",
                "oneOf": [{ "type": "string", "pattern": "^[0-9]+$" }, { "type": "integer" }] },
            "date": date("排班日期 / YYYY-MM-DD"),
            "schedules": { "type": "array", "minItems": 1, "items": schema_ref("DutyText") } })),
        "DutyList": coded("ok", object(&["duty"], json!({ "duty": { "type": "array",
            "items": schema_ref("DutyDay"), "description": "one entry per agent and date" } }))),
        "DutyCreated": coded("success", object(&["duty"], json!({ "duty": { "type": "array",
            "items": schema_ref("DutyDay") } }))),
        "DutyOne": coded("ok", object(&["duty"], json!({ "duty": schema_ref("DutyDay") }))),
        "DutyCreateRequest": object(&["duty"], json!({ "duty": { "type": "array", "minItems": 1,
            "items": schema_ref("DutyDayInput") } })),
        "DutyUpdateRequest": wrap("duty", "DutyText"),
    })
}

/// Departments.
#[rustfmt::skip]
fn group_schemas() -> Value {
    json!({
        "Supportgroup": object(&["groupId", "url", "name", "members", "createDT", "updateDT"],
            json!({
            "groupId": sid("分组id / department id"), "url": url("this department's URL"),
            "name": text(1, 30, "name, unique in the tenant"),
            "members": { "type": "integer", "description": "agents in it, not purged" },
            "createDT": datetime("created"), "updateDT": datetime("renamed"),
        })),
        "SupportgroupRequest": object(&["supportgroup"], json!({ "supportgroup": object(&["name"],
            json!({ "name": text(1, 30, "name, unique in the tenant") })) })),
        "SupportgroupEnvelope": wrap("supportgroup", "Supportgroup"),
        "SupportgroupList": object(&["supportgroups", "count", "next_page", "previous_page"],
            json!({
            "supportgroups": { "type": "array", "items": schema_ref("Supportgroup") },
            "count": count(), "next_page": link("the next page, or null"),
            "previous_page": link("the previous page, or null"),
        })),
    })
}

/// Webhooks.
#[rustfmt::skip]
fn webhook_schemas() -> Value {
    let mut names: Vec<&str> = crate::domain::message::EVENT_NAMES.to_vec();
    names.push("*");
    let events = json!({ "type": "array", "minItems": 1, "uniqueItems": true,
        "items": { "type": "string", "enum": names },
        "description": "event names (the stored events of docs/api/realtime.md), or [\"*\"] \
            for all; in requests also one string of names joined by commas" });
    let target = url("where events are POSTed: an http(s) URL of at most 512 characters \
        reaching a public address; loopback, private, link-local and reserved addresses are \
        refused unless the operator allows the host (--webhook-allow-host)");
    let active = json!({ "type": "boolean", "default": true,
        "description": "false pauses it: nothing is queued or sent; in requests also 1 or 0" });
    let props = || json!({
        "id": sid("webhook id"), "url": target, "events": schema_ref("WebhookEvents"),
        "active": active, "created_at": datetime("created"), "updated_at": datetime("changed"),
    });
    let fields = ["id", "url", "events", "active", "created_at", "updated_at"];
    let mut with_secret = props();
    with_secret["secret"] = json!({ "type": "string", "pattern": "^whsec_[A-Za-z0-9]{32}$",
        "description": "the HMAC-SHA256 signing key, shown only in this answer" });
    let mut secret_fields = fields.to_vec();
    secret_fields.push("secret");
    let input = |required: &[&str]| object(&["webhook"], json!({ "webhook": object(required,
        json!({ "url": target, "events": schema_ref("WebhookEvents"), "active": active })) }));
    let time = |what: &str| {
        let mut t = datetime(what);
        t["nullable"] = json!(true);
        t
    };
    json!({
        "WebhookEvents": events,
        "Webhook": object(&fields, props()),
        "WebhookWithSecret": object(&secret_fields, with_secret),
        "WebhookCreateRequest": input(&["url", "events"]),
        "WebhookUpdateRequest": input(&[]),
        "WebhookEnvelope": wrap("webhook", "Webhook"),
        "WebhookCreated": wrap("webhook", "WebhookWithSecret"),
        "WebhookList": object(&["webhooks", "count", "next_page", "previous_page"], json!({
            "webhooks": { "type": "array", "items": schema_ref("Webhook") },
            "count": count(), "next_page": link("the next page, or null"),
            "previous_page": link("the previous page, or null"),
        })),
        "WebhookDelivery": object(&["id", "event", "state", "attempts", "last_status",
            "last_error", "created_at", "delivered_at", "next_attempt_at"], json!({
            "id": string("delivery id, also sent as X-Kefu-Delivery and the payload's id"),
            "event": string("the event name"),
            "state": strings("pending (queued or retrying), delivered (a 2xx answer) or failed \
                (12 attempts without one)", &["pending", "delivered", "failed"]),
            "attempts": { "type": "integer", "description": "attempts made (or in flight)" },
            "last_status": { "type": "integer", "nullable": true,
                "description": "the receiver's HTTP status at the last attempt; null if it \
                    gave none (no connection, time-out)" },
            "last_error": { "type": "string", "nullable": true,
                "description": "why the last attempt failed, briefly; null once delivered" },
            "created_at": datetime("queued"),
            "delivered_at": time("when a 2xx answer came, or null"),
            "next_attempt_at": time("when the next attempt is due (while one is in flight: \
                when it may be retried), or null once delivered or failed"),
        })),
        "WebhookDeliveryList": object(&["deliveries", "count", "next_page", "previous_page"],
            json!({
            "deliveries": { "type": "array", "items": schema_ref("WebhookDelivery") },
            "count": count(), "next_page": link("the next page, or null"),
            "previous_page": link("the previous page, or null"),
        })),
    })
}

/// Reports and transcripts.
#[rustfmt::skip]
fn report_schemas() -> Value {
    let spread = || object(&["median", "p90"], json!({
        "median": { "type": ["number", "null"], "description": "seconds; null with no case" },
        "p90": { "type": ["number", "null"], "description": "seconds; null with no case" } }));
    let count = |d: &str| json!({ "type": "integer", "minimum": 0, "description": d });
    let figures = json!({
        "started": count("conversations started"),
        "served": count("of them, taken by an agent"),
        "finished": count("of them, finished"),
        "timed_out": count("of them, timed out in the queue"),
        "messages": count("chat messages in them (text, pictures, voice)"),
        "customer_messages": count("sent by the customer"),
        "agent_messages": count("sent by agents"),
        "first_response": spread(), "resolution": spread(), "queue_wait": spread(),
        "csat": object(&["count", "average", "distribution"], json!({
            "count": count("ratings"),
            "average": { "type": ["number", "null"], "description": "1 to 5, 2 decimals" },
            "distribution": object(&["1", "2", "3", "4", "5"], json!({
                "1": count("1 star"), "2": count("2 stars"), "3": count("3 stars"),
                "4": count("4 stars"), "5": count("5 stars") })) })),
    });
    let keys = ["started", "served", "finished", "timed_out", "messages", "customer_messages",
        "agent_messages", "first_response", "resolution", "queue_wait", "csat"];
    let row = |head: &[&str], props: Value| {
        let required: Vec<&str> = head.iter().chain(keys.iter()).copied().collect();
        object(&required, super::merged(props, figures.clone()))
    };
    json!({
        "ReportFigures": object(&keys, figures.clone()),
        "Report": object(&["from", "to", "utc_offset", "totals", "days", "agents",
            "departments", "online"], json!({
            "from": date("first day"), "to": date("last day"),
            "utc_offset": { "type": "number", "description": "the tenant's time zone" },
            "totals": schema_ref("ReportFigures"),
            "days": { "type": "array", "items": row(&["date"], json!({ "date": date("the day") })) },
            "agents": { "type": "array", "items": row(&["sId", "sPassportName", "name"], json!({
                "sId": { "type": "integer" }, "sPassportName": string("account"),
                "name": string("name") })) },
            "departments": { "type": "array", "items": row(&["id", "name"], json!({
                "id": { "type": "integer" }, "name": string("name") })) },
            "online": { "type": "array", "items": object(&["date", "hour", "agents"], json!({
                "date": date("the day"), "hour": { "type": "integer", "minimum": 0, "maximum": 23 },
                "agents": count("agents accepting at some moment of the hour") })) },
        })),
        "ReportEnvelope": wrap("report", "Report"),
        "Transcript": object(&["question_id", "title", "status_code", "created_at", "messages"],
            json!({
            "question_id": string("the question"), "title": string("its title"),
            "status_code": { "type": "integer", "enum": [1, 2, 3] },
            "created_at": { "type": "number", "description": "Unix seconds" },
            "created": datetime("started, in the tenant's time zone"),
            "customer": { "type": ["object", "null"] },
            "agent": { "type": ["object", "null"] },
            "rating": { "type": ["object", "null"],
                "description": "{score, comment, created_at}, or null" },
            "messages": { "type": "array", "items": { "type": "object" },
                "description": "seed 003 messages (docs/api/question-chat.md), oldest first" },
        })),
        "TranscriptList": object(&["transcripts", "next"], json!({
            "transcripts": { "type": "array", "items": schema_ref("Transcript") },
            "next": { "type": ["string", "null"], "description": "the next call's `after`" },
        })),
    })
}

/// Settings.
#[rustfmt::skip]
fn settings_schemas() -> Value {
    json!({
        "PlateStates": object(&["states", "accepting", "initial"], json!({
            "states": { "type": "array", "minItems": 1, "maxItems": 20, "uniqueItems": true,
                "items": text(1, 20, "a status name"),
                "description": "the module's status names (default 在线, 忙碌, 离开, 离线)" },
            "accepting": string("the name that means the agent accepts work; one of states"),
            "initial": string("the status of an agent no one set one for; one of states"),
        })),
        "Settings": object(&["utc_offset", "default_password_set", "plate_states",
            "custom_fields", "routing_strategy", "max_chats", "timeout", "template", "config",
            "keep_transcripts", "base", "access_token_ttl", "session_idle_timeout",
            "session_lifetime"], json!({
            "utc_offset": { "type": "number", "description": "the tenant's time zone, hours \
                east of UTC (default 8)" },
            "default_password_set": { "type": "boolean",
                "description": "whether agents created without a password get a default one" },
            "plate_states": object(&["1", "2", "3"], json!({ "1": schema_ref("PlateStates"),
                "2": schema_ref("PlateStates"), "3": schema_ref("PlateStates") })),
            "custom_fields": { "type": "array", "items": schema_ref("CustomFieldDef") },
            "routing_strategy": strategy(),
            "max_chats": max_chats(),
            "timeout": timeout(),
            "template": template(),
            "config": config(),
            "keep_transcripts": keep_transcripts(),
            "base": base(),
            "access_token_ttl": token_ttl(),
            "session_idle_timeout": session_idle(),
            "session_lifetime": session_lifetime(),
        })),
        "SettingsInput": object(&[], json!({
            "utc_offset": { "type": "number", "minimum": -14, "maximum": 14, "description":
                "hours east of UTC in whole minutes, e.g. 8 or 5.5 (a numeric string works)" },
            "default_password": text(0, 20, "the password of agents created without one; \"\" \
                removes it"),
            "plate_states": { "type": "object", "description": "modules \"1\", \"2\", \"3\" to \
                replace", "additionalProperties": schema_ref("PlateStates") },
            "custom_fields": { "type": "array", "maxItems": 100,
                "items": schema_ref("CustomFieldDef"),
                "description": "the whole new list of definitions" },
            "routing_strategy": strategy(),
            "max_chats": number_or_text(max_chats()),
            "timeout": number_or_text(timeout()),
            "template": template(),
            "config": config(),
            "keep_transcripts": { "description": "true or false (also 1 or 0, as a number or \
                a string); see Settings",
                "oneOf": [{ "type": "boolean" }, { "type": "integer", "enum": [0, 1] },
                    { "type": "string", "enum": ["0", "1"] }] },
            "base": base(),
            "access_token_ttl": number_or_text(token_ttl()),
            "session_idle_timeout": number_or_text(session_idle()),
            "session_lifetime": number_or_text(session_lifetime()),
        })),
        "KeysInput": object(&[], json!({
            "api_key": { "type": "boolean", "description": "also replace the api_key" } })),
        "KeysRequest": wrap("keys", "KeysInput"),
        "Keys": object(&["tenant_id", "api_key"], json!({
            "tenant_id": { "type": "integer" },
            "api_key": string("the public key: the widget's data-api-key") })),
        "KeysEnvelope": wrap("keys", "Keys"),
        "NewKeys": object(&["tenant_id", "api_key", "secret_key"], json!({
            "tenant_id": { "type": "integer" },
            "api_key": string("the public key: the widget's data-api-key"),
            "secret_key": string("the new secret, shown this once") })),
        "KeysRotated": wrap("keys", "NewKeys"),
        "SettingsRequest": wrap("settings", "SettingsInput"),
        "SettingsEnvelope": wrap("settings", "Settings"),
    })
}

/// The routing settings (seed 001), as GET answers them.
#[rustfmt::skip]
fn strategy() -> Value {
    strings("路由策略 / how routing picks among the available agents: random (the seed's \
        优先随机, default), least_busy (fewest conversations served now, ties at random) or \
        round_robin (the next agent by sId after the one chosen last)",
        &["random", "least_busy", "round_robin"])
}

fn max_chats() -> Value {
    json!({ "type": "integer", "minimum": 0, "maximum": 1000, "default": 5,
        "description": "the most conversations routing pushes to an agent at once, for agents \
            without their own maxChats; 0 pushes none" })
}

fn timeout() -> Value {
    json!({ "type": "integer", "minimum": 0, "maximum": 604_800, "default": 200,
        "description": "seconds a conversation may wait for an agent before it is finished \
            with notice 5 (seed 001 `timeout`); 0 never. Fixed for each conversation when it \
            starts waiting" })
}

fn template() -> Value {
    text(
        0,
        2000,
        "欢迎语 / what client_connect and Transfer answer as `template` (default \"\")",
    )
}

fn config() -> Value {
    json!({ "type": "object", "description": "what connect, client_connect and Transfer answer \
        as `config`: a JSON object of at most 16 KiB (default {})" })
}

fn keep_transcripts() -> Value {
    json!({ "type": "boolean", "default": false, "description": "whether a customer's \
        shutdown_service keeps the conversation's messages (the seed: 不会保留历史记录, so \
        false)" })
}

fn base() -> Value {
    json!({ "type": "string", "maxLength": 512, "default": "", "description": "what seed 001 \
        answers as `base`: \"\" (the server's public URL) or an http(s) URL; trailing slashes \
        are dropped" })
}

fn token_ttl() -> Value {
    json!({ "type": "integer", "minimum": 1, "maximum": 2_592_000, "default": 7200,
        "description": "seconds a seed 001 access token stays valid (its expires_in), for \
            tokens issued afterwards" })
}

/// An integer setting, which PUT also takes as a numeric string.
fn number_or_text(number: Value) -> Value {
    let description = number["description"].clone();
    json!({ "description": description, "oneOf": [number,
        { "type": "string", "pattern": "^[0-9]+$" }] })
}

#[rustfmt::skip]
pub fn parameters() -> Value {
    let query = |name: &str, required: bool, schema: Value, description: &str| json!({
        "name": name, "in": "query", "required": required, "schema": schema,
        "description": description });
    let path = |pattern: &str, example: &str, description: &str| json!({
        "name": "id", "in": "path", "required": true, "description": description,
        "schema": { "type": "string", "pattern": pattern, "example": example } });
    let created = |edge: &str| query(&format!("created_{edge}"), false, json!({ "type": "string",
        "example": "2012-01-01 00:00:00" }), &format!("按创建时间筛选 / created at or {} this \
        time, \"2012-01-01 00:00:00\" (a bare date means its 00:00:00), in the tenant's time \
        zone", if edge == "start" { "after" } else { "before" }));
    let order = |default: &str| query("created_order", false, json!({ "type": "string",
        "enum": ["asc", "desc"] }), &format!("按创建时间排序 / asc oldest first, desc newest \
        first; {default}"));
    let int = |min: i64, max: i64| json!({ "type": "integer", "minimum": min, "maximum": max });
    json!({
        "path_id": path("^[1-9][0-9]*$", "12",
            "客服id / the agent's sId, e.g. 12 (the path adds .json: /supports/12.json)"),
        "path_group_id": path("^[1-9][0-9]*$", "3",
            "分组id / the groupId, e.g. 3 (the path adds .json)"),
        "created_start": created("start"),
        "created_end": created("end"),
        "created_order": order("without it, by sId ascending"),
        "signin_order": order("default asc"),
        "admin_page": query("page", false, json!({ "type": "integer", "minimum": 1,
            "maximum": 100_000, "default": 1 }), "分页获取 / page number"),
        "admin_per_page": query("per_page", false, json!({ "type": "integer", "minimum": 1,
            "maximum": 100, "default": 100 }), "每页大小 / page size"),
        "search_per_page": query("per_page", false, int(1, 100),
            "每页大小 / page size: 10 for mobile: searches, else 100"),
        "ids": query("ids", true, json!({ "type": "string", "example": "1,2,3" }),
            "客服id / sIds separated by commas, at most 100"),
        "query": query("query", true, json!({ "type": "string",
            "pattern": "^(sPassportName|name|sNum|mobile):.+$", "example": "sPassportName:ademi" }),
            "搜索内容(模糊搜索) / field:text, the text 1–50 characters"),
        "sort_by": query("sort_by", false, json!({ "type": "string",
            "enum": ["createDT", "updateDT"] }),
            "按时间排序 / sort by this time; without it, by sId ascending"),
        "sort_order": query("sort_order", false, json!({ "type": "string",
            "enum": ["asc", "desc"], "default": "desc" }), "with sort_by: asc or desc"),
        "plate": query("plate", true, json!({ "type": "integer", "enum": [1, 2, 3] }),
            "功能模块 / 1 工单 tickets, 2 在线聊天 online chat, 3 呼叫中心 call center"),
        "signin_sId": query("sId", false, json!({ "type": "integer" }),
            "按客服id进行筛选 / only this agent's records"),
        "startDT": query("startDT", false, json!({ "type": "string", "format": "date" }),
            "开始日期 / first date, YYYY-MM-DD (default today)"),
        "endDT": query("endDT", false, json!({ "type": "string", "format": "date" }),
            "结束日期 / last date, YYYY-MM-DD (default startDT + 30 days)"),
        "sid": query("sid", false, json!({ "type": "integer" }), "客服id / only this agent"),
        "report_from": query("from", false, json!({ "type": "string", "format": "date" }),
            "first day, YYYY-MM-DD in the tenant's time zone (default 6 days before `to`)"),
        "report_to": query("to", false, json!({ "type": "string", "format": "date" }),
            "last day, YYYY-MM-DD (default today)"),
        "report_by": query("by", false, json!({ "type": "string",
            "enum": ["day", "agent", "department"], "default": "day" }), "one row per"),
        "transcript_question_id": query("question_id", false, json!({ "type": "string" }),
            "one conversation (instead of from/to)"),
        "transcript_after": query("after", false, json!({ "type": "string" }),
            "the `next` of the previous call"),
        "path_webhook_id": path("^[1-9][0-9]*$", "7",
            "the webhook id, e.g. 7"),
        "dutyId": query("dutyId", true, json!({ "type": "string",
            "example": "12_2030-01-02_k3J9sQ0aZx7Lm" }), "排班id / the shift"),
    })
}

/// Answers every call of the dialect can give.
pub fn responses() -> Value {
    let error = |example: Value| {
        json!({ "application/json": {
        "schema": schema_ref("AdminError"), "example": example } })
    };
    json!({
        "AdminUnauthorized": {
            "description": "10020 missing or wrong credentials",
            "headers": { "WWW-Authenticate": { "schema": { "type": "string" },
                "description": "Basic realm=\"kefu\", charset=\"UTF-8\"" } },
            "content": error(json!({ "status": 401, "code": "10020",
                "message": "wrong account or password" })),
        },
        "AdminThrottled": {
            "description": "10022 too many failed logins for this account (10) or from this \
                address (50) in 10 minutes: every attempt is refused until the window ends",
            "headers": { "Retry-After": { "schema": { "type": "integer" },
                "description": "seconds until the window ends" } },
            "content": error(json!({ "status": 429, "code": "10022",
                "message": "too many failed logins; retry in 412 seconds" })),
        },
        "AdminUnavailable": {
            "description": "10090 storage unavailable, retry later (503); 10091 the request \
                took too long (503); 10099 internal error (500)",
            "content": error(json!({ "status": 503, "code": "10090",
                "message": "storage unavailable, retry later" })),
        },
    })
}

pub fn security_schemes() -> Value {
    json!({ "basicAuth": { "type": "http", "scheme": "basic",
        "description": "An agent's `{sPassportName}:{password}` (seed 002 `-u \
            {account}:{password}`). Accounts are unique on the server. Agents in the recycle \
            bin cannot log in (403, code 10021)." } })
}
