-- 村级光伏电站 (issue 11): the station (village, capacity, grid date, owner, the project that built
-- it), the grid company's quarterly settlements, and the village's yearly 收益分配方案 with its
-- lines; a paid line names the income record and sub-item it became. Nothing is deleted: a
-- line taken off a draft is marked; the plan's acts are events.
create table pv_stations (
    station_id integer primary key,
    name text not null,
    area_code text not null,
    capacity_w integer not null check (capacity_w > 0),
    grid_on text not null,
    owner text not null,
    project_id integer references projects(project_id),
    created_at text not null,
    created_by text not null,
    updated_at text not null,
    version integer not null default 1
);
create index pv_stations_area on pv_stations(area_code);

create table pv_settlements (
    settlement_id integer primary key,
    station_id integer not null references pv_stations(station_id),
    year integer not null,
    quarter integer not null check (quarter between 1 and 4),
    kwh integer not null check (kwh >= 0),
    income_fen integer not null check (income_fen >= 0),
    subsidy_fen integer check (subsidy_fen >= 0),
    received_on text,
    created_at text not null,
    created_by text not null,
    updated_at text not null,
    unique (station_id, year, quarter)
);

create table pv_plans (
    plan_id integer primary key,
    station_id integer not null references pv_stations(station_id),
    year integer not null,
    decided_on text,
    decision text,
    stage text not null default 'draft'
        check (stage in ('draft', 'submitted', 'reviewed', 'filed', 'published', 'paid')),
    notice_on text,
    paid_on text,
    created_at text not null,
    created_by text not null,
    updated_at text not null,
    version integer not null default 1
);
create index pv_plans_station on pv_plans(station_id, year);

create table pv_plan_events (
    event_id integer primary key,
    plan_id integer not null references pv_plans(plan_id),
    on_date text not null,
    at text not null,
    by_name text not null,
    role text,
    action text not null,
    note text
);
create index pv_plan_events_plan on pv_plan_events(plan_id, event_id);

create table pv_plan_lines (
    line_id integer primary key,
    plan_id integer not null references pv_plans(plan_id),
    use text not null check (use in ('public_job', 'small_works', 'dividend', 'village')),
    household_id integer references households(household_id),
    person text,
    amount_fen integer not null check (amount_fen > 0),
    note text,
    income_id integer references incomes(income_id),
    paid_on text,
    created_at text not null,
    created_by text not null,
    removed_at text,
    removed_by text
);
create index pv_plan_lines_plan on pv_plan_lines(plan_id);
create index pv_plan_lines_household on pv_plan_lines(household_id);
