-- 乐观并发: every household and member carries a version (1, then +1 on every change) and who
-- changed it last; an edit names the version it read and is refused if anyone saved since.
-- The audit log names the version each change made, so a refused save can say who changed what.
alter table households add column version bigint not null default 1;
alter table households add column updated_by text;
alter table members add column version bigint not null default 1;
alter table members add column updated_by text;
alter table audit_log add column object_version bigint;
