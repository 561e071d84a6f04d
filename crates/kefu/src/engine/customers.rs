//! Seed 001's customers: access tokens for the enterprise backend, customers
//! who connect (named by the backend, or anonymous web visitors), and their
//! shutdown. A customer's token is a session like seed 003's, so the same
//! customer can chat through either dialect.

use super::auth::{check_len, SessionCtx, CUSTOMER_TOKEN_LEN};
use super::routing::{NewPushed, Opened, Routed};
use super::settings::{RoutingSettings, TenantSettings};
use super::{Engine, Entity, Error, Result};
use crate::domain::conversation::{Actor, Command, RuleError, Status};
use crate::domain::message::SenderType;
use crate::ids::{new_id, now, random_token, sha256_hex, uuid_v4};
use crate::storage::{ConversationRow, CustomerRow};

/// Access token length.
const ACCESS_TOKEN_LEN: usize = 43;
/// Longest customer name `connect` takes.
pub const MAX_CUSTOMER_NAME: usize = 64;

/// A visitor's earlier conversation, and the token that proves it its own.
pub struct Resume<'a> {
    pub group_id: &'a str,
    pub token: Option<&'a str>,
}

/// A customer connected to the service: who it is, its token (shown once),
/// its conversation, and what the widget needs.
#[derive(Clone, Debug)]
pub struct Connected {
    pub customer: CustomerRow,
    pub token: String,
    pub routed: Routed,
    pub routing: RoutingSettings,
    pub utc_offset_minutes: i32,
    /// The conversation's department name, if it has one.
    pub department: Option<String>,
}

impl Engine {
    /// `POST /admin/access_token`: a token for the tenant's backend, and its
    /// lifetime in seconds.
    pub async fn issue_access_token(
        &self,
        api_key: &str,
        secret_key: &str,
        peer: Option<std::net::IpAddr>,
    ) -> Result<(String, i64)> {
        let tenant = self.tenant_by_keys(api_key, secret_key, peer).await?;
        let ttl = self.settings(tenant.id).await?.routing.access_token_ttl;
        let token = random_token(ACCESS_TOKEN_LEN);
        let now = now();
        self.store
            .insert_access_token(
                &sha256_hex(token.as_bytes()),
                tenant.id,
                now + ttl as f64,
                now,
            )
            .await?;
        Ok((token, ttl))
    }

    /// The tenant whose unexpired access token this is.
    pub async fn access_tenant(&self, token: &str) -> Result<i64> {
        self.store
            .access_token_tenant(&sha256_hex(token.as_bytes()), now())
            .await?
            .ok_or(Error::UnknownSession)
    }

    /// `connect`: creates a customer named `name` (its account is the name
    /// and a unique suffix), opens a conversation and routes it.
    pub async fn connect(
        &self,
        tenant_id: i64,
        name: &str,
        department_id: Option<i64>,
    ) -> Result<Connected> {
        check_len("name", name, 1, MAX_CUSTOMER_NAME)?;
        if name.contains('\n') {
            return Err(Error::invalid("name", "name must be one line"));
        }
        let customer = CustomerRow {
            id: new_id(),
            tenant_id,
            user_id: format!("{name}{}", uuid_v4()),
            name: name.to_owned(),
            avatar_url: String::new(),
            visitor: false,
        };
        self.open_for_new_customer(customer, department_id).await
    }

    /// `client_connect`: an anonymous visitor of the tenant's web page. To
    /// resume its conversation (`group_id`) it shows its own token, the
    /// secret the widget keeps: the conversation comes back, under that same
    /// token, if it is the token's customer's and not finished; else a new
    /// visitor starts a new one. A `group_id` without a token is refused: a
    /// rid and the public api_key never yield a conversation.
    pub async fn client_connect(
        &self,
        api_key: &str,
        resume: Option<Resume<'_>>,
        department_id: Option<i64>,
    ) -> Result<Connected> {
        let tenant = self
            .store
            .tenant_by_api_key(api_key)
            .await?
            .ok_or(Error::BadCredentials("unknown api_key"))?;
        if let Some(Resume { group_id, token }) = resume {
            let token = token.ok_or(Error::BadCredentials(
                "resuming a conversation (group_id) takes the visitor's token",
            ))?;
            let session = self.customer_session(token).await?;
            let own = match session.tenant_id == tenant.id {
                true => self.store.conversation(tenant.id, group_id).await?,
                false => None,
            }
            .filter(|c| c.customer_id == session.customer_id)
            .filter(|c| c.state().status != Status::Finished);
            if let Some(conversation) = own {
                let customer = self
                    .store
                    .customer(tenant.id, &conversation.customer_id)
                    .await?
                    .ok_or(Error::NotFound(Entity::User))?;
                let routed = self.routed(tenant.id, &conversation.id).await?;
                return self
                    .connected(customer, token.to_owned(), routed, None)
                    .await;
            }
        }
        let visitor = CustomerRow {
            id: new_id(),
            tenant_id: tenant.id,
            user_id: uuid_v4(),
            name: format!("访客{}", random_token(6)),
            avatar_url: String::new(),
            visitor: true,
        };
        self.open_for_new_customer(visitor, department_id).await
    }

    /// `shutdown_service`: the customer closes its conversation; its history
    /// is deleted unless the tenant keeps transcripts.
    pub async fn shutdown_service(&self, s: &SessionCtx, conversation_id: &str) -> Result<()> {
        let conversation = self.own_question(s, conversation_id).await?;
        let customer = (s.user_id.clone(), SenderType::Customer);
        let finish = Command::Finish {
            by: Actor::Customer,
        };
        match self
            .step(s.tenant_id, &conversation.id, customer, finish)
            .await
        {
            Ok(_) | Err(Error::Rule(RuleError::Finished)) => {}
            Err(e) => return Err(e),
        }
        if !self.settings(s.tenant_id).await?.routing.keep_transcripts {
            self.store
                .delete_messages(s.tenant_id, &conversation.id)
                .await?;
        }
        Ok(())
    }

    /// Seed 001 `Transfer`, answered as `client_connect` is (with the
    /// customer's own `token`).
    pub async fn transfer_for_customer(
        &self,
        s: &SessionCtx,
        token: String,
        conversation_id: &str,
        agent: Option<&str>,
        department_id: Option<i64>,
    ) -> Result<Connected> {
        let settings = self.settings(s.tenant_id).await?;
        let routed = self
            .transfer(
                super::routing::Mover::Customer(s),
                &settings,
                conversation_id,
                agent,
                department_id,
            )
            .await?;
        let customer = self
            .store
            .customer(s.tenant_id, &s.customer_id)
            .await?
            .ok_or(Error::NotFound(Entity::User))?;
        self.connected(customer, token, routed, Some(settings))
            .await
    }

    /// Creates the customer with its first session and a new pushed
    /// conversation, routed: all written by one routing round, shared with
    /// the tenant's other connects of the moment (see `open_pushed`).
    async fn open_for_new_customer(
        &self,
        customer: CustomerRow,
        department_id: Option<i64>,
    ) -> Result<Connected> {
        let tenant_id = customer.tenant_id;
        let department = match department_id {
            Some(id) => Some(
                self.store
                    .group(tenant_id, id)
                    .await?
                    .ok_or_else(|| Error::invalid("department_id", "no such department"))?
                    .name,
            ),
            None => None,
        };
        let token = random_token(CUSTOMER_TOKEN_LEN);
        let conversation = ConversationRow {
            id: new_id(),
            tenant_id,
            identify: None,
            customer_id: customer.id.clone(),
            title: customer.name.clone(),
            labels: "[]".to_owned(),
            status: Status::Waiting.code(),
            agent_id: None,
            version: 0,
            created_at: now(),
            department_id,
            queue_seq: None,
            deadline: None,
        };
        let pushed = NewPushed {
            customer: customer.clone(),
            token_hash: sha256_hex(token.as_bytes()),
            conversation,
        };
        let Opened { routed, settings } = self.open_pushed(pushed).await?;
        if routed.agent.is_none() && routed.position > 0 {
            // Waiting: it is in the pending pool every agent sees.
            self.announce_question(&routed.conversation, &customer.user_id);
        }
        Ok(Connected {
            customer,
            token,
            routed,
            routing: settings.routing.clone(),
            utc_offset_minutes: settings.utc_offset_minutes,
            department,
        })
    }

    /// The answer to a connect: the tenant's `settings` as read by the call
    /// (or now, when it read none).
    async fn connected(
        &self,
        customer: CustomerRow,
        token: String,
        routed: Routed,
        settings: Option<TenantSettings>,
    ) -> Result<Connected> {
        let tenant_id = customer.tenant_id;
        let settings = match settings {
            Some(settings) => settings,
            None => self.settings(tenant_id).await?,
        };
        let TenantSettings {
            routing,
            utc_offset_minutes,
            ..
        } = settings;
        let department = match routed.conversation.department_id {
            Some(id) => self.store.group(tenant_id, id).await?.map(|g| g.name),
            None => None,
        };
        Ok(Connected {
            customer,
            token,
            routed,
            routing,
            utc_offset_minutes,
            department,
        })
    }
}
