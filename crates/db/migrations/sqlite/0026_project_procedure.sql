-- 项目的程序 (issue 11): once 村申报 submits a project it goes through the procedure engine's
-- steps (村内公示 ≥ 10 working days → 乡镇审核 → 县级审定入库 → … → 绩效评价, or 出库). The
-- project row holds where it is, for lists and worklists; the events are the record, never
-- changed, never removed. stage: draft (需求摸底), open, approved, refused (出库), withdrawn.
alter table projects add column step text;
alter table projects add column step_since text;
alter table projects add column due_on text;
alter table projects add column started_on text;
alter table projects add column ended_on text;

create table project_events (
    event_id integer primary key,
    project_id integer not null references projects(project_id),
    on_date text not null,
    at text not null,
    user_id integer references users(user_id),
    by_name text not null,
    role text,
    step text not null,
    action text not null check (action in ('complete', 'send_back', 'refuse', 'withdraw')),
    note text,
    target text
);
create index project_events_project on project_events(project_id, event_id);

-- Projects submitted before the procedure: at its first step since the day they were submitted.
update projects set stage = 'open', step = 'village_notice', step_since = date(updated_at), started_on = date(updated_at)
    where stage = 'submitted';
