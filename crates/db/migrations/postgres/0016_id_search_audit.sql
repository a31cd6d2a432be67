-- Exact ID-number searches are audited and limited per user per hour (issue 9, finding 2):
-- the count of a user's searches in the last hour is read from the audit log by this index.
create index audit_log_user_action on audit_log(user_id, action, at);
