-- 项目库和衔接资金 (issue 11): projects with their 绩效目标, the allocations of funds by source
-- and document, and one ledger of what moved — 安排 (to a project), 调减, 拨付 (to a payee, with
-- its voucher) and 冲销 (a payment reversed) — never changed, never removed.
create table projects (
    project_id integer primary key,
    name text not null,
    category text not null,
    area_code text not null,
    year integer not null,
    nature text,
    start_on text,
    end_on text,
    responsible_unit text,
    implementing_unit text,
    tasks text,
    investment_fen integer,
    beneficiary_households integer,
    beneficiary_exited integer,
    beneficiary_monitored integer,
    benefit_mechanism text,
    participation text,
    approval_no text,
    stage text not null default 'draft',
    created_at text not null,
    created_by text not null,
    updated_at text not null,
    version integer not null default 1
);
create index projects_area_year on projects(area_code, year);

create table project_targets (
    target_id integer primary key,
    project_id integer not null references projects(project_id),
    level text not null check (level in ('output', 'benefit', 'satisfaction')),
    indicator text not null,
    value text not null,
    unit text,
    created_at text not null,
    created_by text not null,
    removed_at text,
    removed_by text
);
create index project_targets_project on project_targets(project_id);

create table fund_allocations (
    allocation_id integer primary key,
    source text not null,
    year integer not null,
    doc_no text not null,
    issued_on text not null,
    amount_fen integer not null check (amount_fen > 0),
    purpose text,
    area_code text not null,
    created_at text not null,
    created_by text not null,
    version integer not null default 1
);
create index fund_allocations_year on fund_allocations(year, area_code);

create table fund_entries (
    entry_id integer primary key,
    allocation_id integer not null references fund_allocations(allocation_id),
    project_id integer not null references projects(project_id),
    kind text not null check (kind in ('commit', 'reduce', 'payment', 'reversal')),
    amount_fen integer not null check (amount_fen > 0),
    on_date text not null,
    payee text,
    voucher_no text,
    note text,
    reverses integer references fund_entries(entry_id),
    created_at text not null,
    created_by text not null
);
create index fund_entries_project on fund_entries(project_id, allocation_id);
create index fund_entries_allocation on fund_entries(allocation_id);
create unique index fund_entries_one_reversal on fund_entries(reverses) where kind = 'reversal';
