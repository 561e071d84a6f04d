//! Seed 002, the agent administration dialect (bangwo8/Zendesk-style
//! `supports` API), mounted at `/api/v1` with HTTP Basic auth: agents, the
//! recycle bin, departments, module permissions and status, check-ins, duty
//! schedules, and the tenant settings they need.
//!
//! Ids in paths carry the seed's `.json` suffix (`/supports/12.json`); the
//! router matches the whole segment and [`request::IdPath`] strips it.

pub mod error;
mod groups;
mod keys;
mod render;
mod reports;
pub(crate) mod request;
mod schedules;
mod settings;
mod signin;
mod states;
mod supports;
mod webhooks;

use super::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/api/v1/supports.json", supports::list)
        .post("/api/v1/supports.json", supports::create)
        .get("/api/v1/supports/show_many.json", supports::show_many)
        .get("/api/v1/supports/{id}.json", supports::show)
        .put("/api/v1/supports/{id}.json", supports::update)
        .delete("/api/v1/supports/{id}.json", supports::delete)
        .get(
            "/api/v1/supportgroups/supports/search.json",
            supports::search,
        )
        .put("/api/v1/servicers/{id}.json", supports::set_stat)
        .get("/api/v1/permissions/{id}.json", states::permission)
        .put("/api/v1/permissions/{id}.json", states::set_permission)
        .get("/api/v1/plate_service_state/{id}.json", states::show_state)
        .put("/api/v1/plate_service_state/{id}.json", states::set_state)
        .get("/api/v1/signin.json", signin::list)
        .post("/api/v1/signin.json", signin::check_in)
        .get("/api/v1/schedules.json", schedules::list)
        .post("/api/v1/schedules.json", schedules::create)
        .put("/api/v1/schedules.json", schedules::update)
        .delete("/api/v1/schedules.json", schedules::delete)
        .get("/api/v1/supportgroups.json", groups::list)
        .post("/api/v1/supportgroups.json", groups::create)
        .get("/api/v1/supportgroups/{id}.json", groups::show)
        .put("/api/v1/supportgroups/{id}.json", groups::rename)
        .delete("/api/v1/supportgroups/{id}.json", groups::delete)
        .get("/api/v1/supportgroups/{id}/supports.json", groups::members)
        .get("/api/v1/settings.json", settings::show)
        .put("/api/v1/settings.json", settings::update)
        .get("/api/v1/keys.json", keys::show)
        .post("/api/v1/keys.json", keys::rotate)
        .get("/api/v1/reports.json", reports::report)
        .get("/api/v1/reports.csv", reports::report_csv)
        .get("/api/v1/transcripts.json", reports::transcripts)
        .get("/api/v1/transcripts.csv", reports::transcripts_csv)
        .merge(webhooks::routes)
}
