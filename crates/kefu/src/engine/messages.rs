//! Chat messages: sending (text, image, audio) and history.

use super::auth::Caller;
use super::{Engine, Entity, Error, Result};
use crate::domain::conversation::{may_send, Actor};
use crate::domain::message::{validate_text, Body, SenderType};
use crate::domain::paging::PageRequest;
use crate::ids::{new_id, now};
use crate::media::MediaError;
use crate::storage::{AgentRow, ConversationRow, InsertOutcome, MessageRow};

/// What a sender uploads; media arrive decoded (the dialect undoes base64).
pub enum Upload {
    Text(String),
    Image(Vec<u8>),
    Audio { bytes: Vec<u8>, len_secs: i64 },
}

/// Longest audio message, in seconds.
pub const MAX_AUDIO_SECS: i64 = 600;

const MAX_ATTEMPTS: usize = 8;

impl Engine {
    /// Sends a chat message in a question. With a `client_msg_id`, a retried
    /// send returns the message stored the first time instead of a second one.
    pub async fn send(
        &self,
        caller: &Caller,
        question_id: &str,
        upload: Upload,
        client_msg_id: Option<String>,
    ) -> Result<MessageRow> {
        let (question, remembered) = match self.remembered_question(caller, question_id) {
            Some(question) => (question, true),
            None => (self.chatted_question(caller, question_id).await?, false),
        };
        let (sender, actor) = match caller {
            Caller::Customer(s) => ((s.user_id.clone(), SenderType::Customer), Actor::Customer),
            Caller::Agent(a) => (agent_sender(&a.agent), Actor::Agent(a.agent.id)),
        };
        if let Some(client_msg_id) = &client_msg_id {
            let tenant_id = caller.tenant_id();
            if let Some(existing) = self
                .store
                .message_by_client_id(tenant_id, &question.id, client_msg_id)
                .await?
            {
                return same_sender(existing, &sender);
            }
        }
        // Check before storing media, so a refused send leaves nothing behind.
        // A refusal is only given on the stored state, never a remembered one.
        let question = match may_send(question.state(), actor) {
            Ok(()) => question,
            Err(_) if remembered => {
                let fresh = self.chatted_question(caller, question_id).await?;
                may_send(fresh.state(), actor)?;
                fresh
            }
            Err(refused) => return Err(refused.into()),
        };
        let body = self.store_upload(question.tenant_id, upload).await?;
        let mut message = new_message(&question, sender.clone(), body, client_msg_id);
        let mut question = question;
        for _ in 0..MAX_ATTEMPTS {
            match self
                .store
                .insert_chat_message(question.version, &message)
                .await?
            {
                InsertOutcome::Stored => {
                    self.signals.stored(message.tenant_id);
                    return Ok(message);
                }
                InsertOutcome::Duplicate(existing) => return same_sender(*existing, &sender),
                InsertOutcome::StateChanged => {
                    question = self.chatted_question(caller, question_id).await?;
                    may_send(question.state(), actor)?;
                    // A step stored meanwhile has a newer id than this
                    // message had: take a new one, so history shows it after.
                    message.id = new_id();
                    message.created_at = now();
                }
            }
        }
        Err(Error::Conflict("the question kept changing; retry"))
    }

    /// One page of a question's history, for its customer or any agent of the tenant.
    pub async fn history(
        &self,
        caller: &Caller,
        question_id: &str,
        page: &PageRequest,
    ) -> Result<Vec<MessageRow>> {
        let question = self.visible_question(caller, question_id).await?;
        Ok(self
            .store
            .list_messages(caller.tenant_id(), &question.id, page)
            .await?)
    }

    /// The question as this node last read it for a send, if the caller may
    /// see it. Who may see a question never changes; its state may have, which
    /// the write's version check catches.
    fn remembered_question(&self, caller: &Caller, question_id: &str) -> Option<ConversationRow> {
        let question = self
            .chatting
            .get(&(caller.tenant_id(), question_id.to_owned()))?;
        match caller {
            Caller::Customer(s) if question.customer_id != s.customer_id => None,
            _ => Some(question),
        }
    }

    /// The question read from storage (if the caller may see it), remembered
    /// for the next send.
    async fn chatted_question(
        &self,
        caller: &Caller,
        question_id: &str,
    ) -> Result<ConversationRow> {
        let question = self.visible_question(caller, question_id).await?;
        self.chatting
            .put((question.tenant_id, question.id.clone()), question.clone());
        Ok(question)
    }

    /// The question if the caller may see it: its own customer, or an agent of
    /// the tenant. Anything else does not exist for the caller.
    pub(super) async fn visible_question(
        &self,
        caller: &Caller,
        question_id: &str,
    ) -> Result<ConversationRow> {
        match caller {
            Caller::Customer(s) => self.own_question(s, question_id).await,
            Caller::Agent(a) => self
                .store
                .conversation(a.tenant_id(), question_id)
                .await?
                .ok_or(Error::NotFound(Entity::Question)),
        }
    }

    /// Moves media stored before per-tenant names (one shared content-hash
    /// folder, where anyone could test whether a file was ever uploaded)
    /// into their tenants' folders under fresh names, then deletes the old
    /// files. Runs once, at start-up; returns how many messages it moved.
    pub async fn move_legacy_media(&self) -> Result<usize> {
        if !self.media.has_legacy_layout().await {
            return Ok(0);
        }
        let mut moved = 0;
        loop {
            let batch = self.store.legacy_media(500).await?;
            if batch.is_empty() {
                break;
            }
            for (tenant_id, id, path) in batch {
                let to = match self.media.read_legacy(&path).await {
                    Some((bytes, ext)) => self
                        .media
                        .store_moved(tenant_id, &bytes, &ext)
                        .await
                        .map_err(|e| media_error("media", e))?,
                    // Lost before this move: keep the path it had (a 404).
                    None => format!("{tenant_id}/missing-{path}"),
                };
                if self.store.move_media(tenant_id, &id, &path, &to).await? {
                    moved += 1;
                }
            }
        }
        self.media
            .finish_legacy_move()
            .await
            .map_err(|e| media_error("media", e))?;
        Ok(moved)
    }

    async fn store_upload(&self, tenant_id: i64, upload: Upload) -> Result<Body> {
        Ok(match upload {
            Upload::Text(text) => {
                validate_text(&text).map_err(|why| Error::invalid("text", why))?;
                Body::Text(text)
            }
            Upload::Image(bytes) => Body::Image {
                path: self
                    .media
                    .put_image(tenant_id, bytes)
                    .await
                    .map_err(|e| media_error("image", e))?,
            },
            Upload::Audio { bytes, len_secs } => {
                if !(1..=MAX_AUDIO_SECS).contains(&len_secs) {
                    return Err(Error::invalid(
                        "audio_len",
                        "audio_len must be 1 to 600 seconds",
                    ));
                }
                Body::Audio {
                    path: self
                        .media
                        .put_audio(tenant_id, &bytes)
                        .await
                        .map_err(|e| media_error("audio", e))?,
                    len_secs,
                }
            }
        })
    }
}

/// A retried send gets the first message back, unless someone else used the id.
fn same_sender(
    existing: MessageRow,
    (sender, sender_type): &(String, SenderType),
) -> Result<MessageRow> {
    if existing.sender == *sender && existing.sender_type == sender_type.code() {
        Ok(existing)
    } else {
        Err(Error::ClientIdTaken)
    }
}

/// How an agent appears as a sender: its account (seed 003 `serv_id`).
pub(super) fn agent_sender(agent: &AgentRow) -> (String, SenderType) {
    (agent.account.clone(), SenderType::Agent)
}

/// A new message of `question`, now, with a fresh time-ordered id. Chat
/// messages and lifecycle notices alike are made here.
pub(super) fn new_message(
    question: &ConversationRow,
    sender: (String, SenderType),
    body: Body,
    client_msg_id: Option<String>,
) -> MessageRow {
    MessageRow {
        client_msg_id,
        ..message_in(question.tenant_id, &question.id, sender, body)
    }
}

/// A new message of conversation `conversation_id`, now.
pub(super) fn message_in(
    tenant_id: i64,
    conversation_id: &str,
    (sender, sender_type): (String, SenderType),
    body: Body,
) -> MessageRow {
    let mut m = MessageRow {
        id: new_id(),
        tenant_id,
        conversation_id: conversation_id.to_owned(),
        sender,
        sender_type: sender_type.code(),
        kind: body.kind(),
        text: None,
        media_path: None,
        audio_len: None,
        action: None,
        rating: None,
        client_msg_id: None,
        created_at: now(),
        seq: 0,
    };
    match body {
        Body::Text(text) => m.text = Some(text),
        Body::Image { path } => m.media_path = Some(path),
        Body::Audio { path, len_secs } => {
            m.media_path = Some(path);
            m.audio_len = Some(len_secs);
        }
        Body::Notice(notice) => m.action = Some(notice.code()),
        Body::Rating(rating) => {
            m.action = Some(crate::domain::rating::RATED);
            m.rating = Some(rating.score);
            m.text = Some(rating.comment);
        }
    }
    m
}

fn media_error(field: &'static str, e: MediaError) -> Error {
    match e {
        MediaError::TooLarge { limit } => {
            let reason = format!("{field} is larger than {limit} bytes");
            Error::TooLarge { field, reason }
        }
        MediaError::Io(e) => Error::Internal(format!("storing media failed: {e}")),
        other => Error::invalid(field, other.to_string()),
    }
}
