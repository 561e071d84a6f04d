//! Webhooks admin API (being written).

use crate::api::Routes;

pub fn routes(r: Routes) -> Routes {
    r
}
