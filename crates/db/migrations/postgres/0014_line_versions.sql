-- 监测范围 and 贫困线 are adjusted on a form by district staff: each line carries a version, an
-- adjustment names the version it read, and a stale one is refused naming who changed it.
alter table lines add column version bigint not null default 1;
alter table lines add column updated_by text;
