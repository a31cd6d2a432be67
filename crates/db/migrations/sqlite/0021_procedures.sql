-- 程序 (issue 10): the decisions made by procedure — 纳入监测, 风险消除, 年度分类, 历史退出 —
-- each a kind of steps (defined in the program), and every act on it kept as an event (never
-- changed, never removed). The procedure row holds where it is, for lists and worklists; the
-- events are the record.

-- 工作日历: the days off and the weekend working days the district keeps; seeded with the
-- national arrangement of 2026.
create table calendar_days (
    day text primary key,
    kind text not null check (kind in ('holiday', 'workday')),
    name text not null,
    source text,
    created_at text not null
);
insert into calendar_days (day, kind, name, source, created_at) values
    ('2026-01-01', 'holiday', '元旦', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-01-02', 'holiday', '元旦', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-01-03', 'holiday', '元旦', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-02-15', 'holiday', '春节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-02-16', 'holiday', '春节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-02-17', 'holiday', '春节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-02-18', 'holiday', '春节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-02-19', 'holiday', '春节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-02-20', 'holiday', '春节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-02-21', 'holiday', '春节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-02-22', 'holiday', '春节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-02-23', 'holiday', '春节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-04-04', 'holiday', '清明节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-04-05', 'holiday', '清明节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-04-06', 'holiday', '清明节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-05-01', 'holiday', '劳动节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-05-02', 'holiday', '劳动节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-05-03', 'holiday', '劳动节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-05-04', 'holiday', '劳动节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-05-05', 'holiday', '劳动节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-06-19', 'holiday', '端午节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-06-20', 'holiday', '端午节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-06-21', 'holiday', '端午节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-09-25', 'holiday', '中秋节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-09-26', 'holiday', '中秋节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-09-27', 'holiday', '中秋节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-10-01', 'holiday', '国庆节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-10-02', 'holiday', '国庆节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-10-03', 'holiday', '国庆节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-10-04', 'holiday', '国庆节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-10-05', 'holiday', '国庆节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-10-06', 'holiday', '国庆节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-10-07', 'holiday', '国庆节', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-01-04', 'workday', '元旦调休上班', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-02-14', 'workday', '春节调休上班', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-02-28', 'workday', '春节调休上班', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-05-09', 'workday', '劳动节调休上班', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-09-20', 'workday', '国庆节调休上班', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z'),
    ('2026-10-10', 'workday', '国庆节调休上班', '国务院办公厅关于2026年部分节假日安排的通知', '2025-11-04T00:00:00Z');

create table procedures (
    procedure_id integer primary key,
    kind text not null,
    household_id integer not null references households(household_id),
    area_code text not null,
    started_on text not null,
    state text not null check (state in ('open', 'approved', 'refused', 'withdrawn')),
    step text,
    step_since text,
    due_on text,
    ended_on text,
    created_at text not null,
    created_by text,
    updated_at text not null,
    version integer not null default 1
);
create index procedures_area_state on procedures(area_code, state);
create index procedures_household on procedures(household_id);
create index procedures_due on procedures(state, due_on);

create table procedure_events (
    event_id integer primary key,
    procedure_id integer not null references procedures(procedure_id),
    on_date text not null,
    at text not null,
    user_id integer references users(user_id),
    by_name text not null,
    role text,
    step text not null,
    action text not null check (action in ('complete', 'send_back', 'refuse', 'withdraw', 'object', 'answer')),
    note text,
    target text,
    receipt text,
    upheld integer
);
create index procedure_events_procedure on procedure_events(procedure_id, event_id);
create unique index procedure_events_receipt on procedure_events(receipt) where action = 'object';
