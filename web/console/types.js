// The shapes the console works with, as the server sends them
// (docs/api/question-chat.md, console.md, realtime.md). Types only.

/**
 * @typedef {{ token: string, serv_id: string, name: string, is_admin: boolean }} Session
 *
 * @typedef {{
 *   serv_id: string, name: string, is_admin: boolean, state: string,
 *   accepting: boolean, states: string[], accepting_state: string, tenant: string,
 * }} Me
 *
 * @typedef {{
 *   serv_id: string, name: string, state: string, accepting: boolean,
 *   serving: number, max_chats: number, departments: number[],
 * }} Agent
 *
 * @typedef {{ id: number, name: string }} Department
 *
 * One line of a question list (`question/list`, `serv/{id}/tasks`), plus
 * what the console keeps about it.
 * @typedef {{
 *   question_id: string, user_id: string, user_name: string, user_image_url: string,
 *   title: string, last_mess_text: string, last_mess_timestamp: number,
 *   last_mess_sender: string, last_mess_sender_type: number, timestamp: number,
 *   unread: number,
 * }} Summary
 *
 * `GET /v1/question/{id}`
 * @typedef {{
 *   question_id: string, title: string, label: string[], status_code: number,
 *   timestamp: number, user_id: string, user_name: string, user_image_url: string,
 *   identify: string, serv_id: string, serv_name: string,
 * }} QuestionInfo
 *
 * `GET /v1/user/{id}/alls`
 * @typedef {{ question_id: string, status: number, timestamp: number, serv_id: string }} UserQuestion
 *
 * @typedef {{
 *   message_id: string, sender: string, sender_type: number, timestamp: number,
 *   type: number, text?: string, image_url?: string, audio_url?: string,
 *   audio_len?: number, action?: number,
 * }} Message
 *
 * A message on its way: shown after the timeline until the server has it.
 * @typedef {{
 *   client_msg_id: string, kind: "text" | "image", text: string,
 *   state: "sending" | "failed", error: string, started: number,
 * }} Outgoing
 *
 * @typedef {{
 *   id: string,
 *   info: QuestionInfo | null,
 *   infoError: string,
 *   messages: Map<string, Message>,
 *   ids: string[],
 *   loaded: boolean,
 *   loadError: string,
 *   loadingOlder: boolean,
 *   hasOlder: boolean,
 *   customerRead: string,
 *   typingUntil: number,
 *   draft: string,
 *   outbox: Map<string, Outgoing>,
 *   lastReadSent: string,
 *   history: UserQuestion[] | null,
 *   confirmFinish: boolean,
 *   busy: string,
 *   actionError: string,
 *   composerError: unknown,
 *   lastTypingSent: number,
 * }} Conversation
 *
 * @typedef {{ template_id: string, title: string, item_id: string, question: string, content: string }} CannedItem
 *
 * @typedef {{
 *   open: boolean, agents: Agent[], departments: Department[], loading: boolean,
 *   agent: string, department: number | null, busy: boolean, error: unknown,
 * }} TransferDialog
 */

export {};
