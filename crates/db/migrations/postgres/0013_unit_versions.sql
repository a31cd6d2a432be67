-- 帮扶单位 are corrected on a form like households and members: each row carries a version, a
-- correction names the version it read, and a stale one is refused naming who changed what.
alter table units add column version bigint not null default 1;
alter table units add column updated_by text;
