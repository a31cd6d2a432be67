-- A tamper-evident audit log (issue 9 §2): rows are sealed in order into a hash chain; each
-- sealed row carries its place in the chain and SHA-256(previous hash, the row's content).
-- `bangfu audit verify` recomputes the chain and names the first row that does not match.
alter table audit_log add column chain_seq bigint;
alter table audit_log add column chain_hash text;
create unique index audit_log_chain on audit_log(chain_seq);
