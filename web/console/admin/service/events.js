// The webhook event names (docs/api/admin.md, Webhooks), in the API's
// order, with the words an admin reads.
import { catalog } from "../i18n.js";

export const EVENTS = /** @type {const} */ ([
  "message", "assigned", "quit", "finish_requested", "finished", "timed_out", "reopened", "transferred", "notice",
]);

const t = catalog(
  {
    message: "聊天消息",
    assigned: "客服接入",
    quit: "客服退回队列",
    finish_requested: "客服请求结束",
    finished: "会话结束",
    timed_out: "排队超时",
    reopened: "客户重新打开",
    transferred: "会话转接",
    notice: "其他通知",
  },
  {
    message: "Message",
    assigned: "Agent joined",
    quit: "Back to queue",
    finish_requested: "Finish requested",
    finished: "Finished",
    timed_out: "Timed out",
    reopened: "Reopened",
    transferred: "Transferred",
    notice: "Other notice",
  },
);

/** @param {string} name */
export function eventName(name) {
  return /** @type {readonly string[]} */ (EVENTS).includes(name) ? t(/** @type {typeof EVENTS[number]} */ (name)) : name;
}
