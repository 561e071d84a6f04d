-- A conversation's history in commit order. Keep in step with
-- ../postgres/0007_history_order.sql.
--
-- Message ids are taken before their message is committed, so under
-- concurrent sends two messages can commit in the other order than their ids
-- (a group commits while an earlier id waits for its own). Sockets deliver
-- by `seq`, the commit order; the history pages by (seq, id) too, so HTTP
-- and WebSocket clients see one order. Messages from before 0004 have seq 0
-- and keep their id order, before every later one.
CREATE INDEX messages_by_conversation_seq ON messages (conversation_id, seq, id);
