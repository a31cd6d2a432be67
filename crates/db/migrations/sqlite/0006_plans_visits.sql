-- 驻村工作队, 帮扶计划 and 措施 with their evidence, 走访, and settings.
-- Nothing here is deleted: a member is recalled, a measure is dropped with a reason,
-- a proposal is accepted or rejected; every change also goes to the audit log.
create table team_members (
    team_member_id integer primary key,
    village_code text not null references areas(area_code),
    name text not null,
    phone text,
    unit_id integer references units(unit_id),
    role text not null,
    start_on text not null,
    end_on text,
    end_reason text,
    created_at text not null
);
create index team_members_village on team_members(village_code);

create table plans (
    plan_id integer primary key,
    household_id integer not null references households(household_id),
    year integer not null,
    written_on text not null,
    written_with text not null,
    goal text,
    created_at text not null,
    updated_at text not null
);
create unique index plans_household_year on plans(household_id, year);

create table measures (
    measure_id integer primary key,
    plan_id integer not null references plans(plan_id),
    household_id integer not null references households(household_id),
    kind text not null,
    content text not null,
    responsible text not null,
    due_on text not null,
    amount_fen integer,
    status text not null,
    status_on text not null,
    drop_reason text,
    created_at text not null,
    updated_at text not null
);
create index measures_plan on measures(plan_id);
create index measures_household on measures(household_id);
create index measures_open_due on measures(due_on) where status in ('planned', 'in_progress');

create table measure_history (
    measure_history_id integer primary key,
    measure_id integer not null references measures(measure_id),
    status text not null,
    effective_on text not null,
    reason text,
    created_at text not null
);
create index measure_history_measure on measure_history(measure_id);

create table evidence (
    evidence_id integer primary key,
    measure_id integer not null references measures(measure_id),
    household_id integer not null references households(household_id),
    note text,
    file_name text,
    content_type text,
    size_bytes integer,
    sha256 text,
    content blob,
    added_by text not null,
    created_at text not null
);
create index evidence_measure on evidence(measure_id);

create table visits (
    visit_id integer primary key,
    household_id integer not null references households(household_id),
    visited_on text not null,
    visitors text not null,
    found text not null,
    follow_up text,
    follow_up_due text,
    follow_up_done_on text,
    proposal text,
    proposal_reason text,
    proposal_state text,
    reviewed_by text,
    reviewed_on text,
    review_note text,
    recorded_by text not null,
    created_at text not null
);
create index visits_household on visits(household_id, visited_on);
create index visits_follow_up on visits(follow_up_due) where follow_up_done_on is null and follow_up_due is not null;
create index visits_pending on visits(household_id) where proposal_state = 'pending';

create table settings (
    key text primary key,
    value text not null,
    updated_at text not null
);
