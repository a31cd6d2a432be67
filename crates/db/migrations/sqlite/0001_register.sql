-- The area tree and the household register (建档立卡).
create table areas (
    area_code text primary key not null,
    name text not null,
    level text not null,
    parent_code text references areas(area_code),
    created_at text not null,
    updated_at text not null
);
create index areas_parent on areas(parent_code);

create table households (
    household_id integer primary key,
    household_no text not null unique,
    area_code text not null references areas(area_code),
    group_name text,
    address text,
    phone text,
    bank_name text,
    bank_account text,
    standard text not null,
    attribute text not null,
    main_cause text not null,
    other_cause_1 text,
    other_cause_2 text,
    status text not null,
    first_identified_on text,
    exit_year integer,
    monitoring_type text,
    risk_identified_on text,
    risk_cleared_on text,
    farmland_mu real,
    irrigated_mu real,
    forest_mu real,
    housing_m2 real,
    housing_structure text,
    danger_grade text,
    road_distance_km real,
    road_type text,
    household_power integer not null default 0,
    production_power integer not null default 0,
    water_difficult integer not null default 0,
    water_safe integer not null default 0,
    fuel text,
    sanitary_toilet integer not null default 0,
    in_cooperative integer not null default 0,
    relocated integer not null default 0,
    created_at text not null,
    updated_at text not null
);
create index households_area on households(area_code, household_id);

create table members (
    member_id integer primary key,
    household_id integer not null references households(household_id),
    name text not null,
    sex text not null,
    id_number text not null,
    relation text not null,
    ethnicity text,
    education text,
    student_status text,
    health text,
    disability_grade text,
    labour text,
    migrant_work text,
    migrant_months integer,
    basic_medical integer not null default 0,
    serious_illness integer not null default 0,
    pension integer not null default 0,
    dibao integer not null default 0,
    tekun integer not null default 0,
    soldier integer not null default 0,
    phone text,
    joined_on text,
    join_reason text,
    left_on text,
    left_reason text,
    created_at text not null,
    updated_at text not null
);
create index members_household on members(household_id);
-- The same person may be a current member of one household only.
create unique index members_active_id_number on members(id_number) where left_on is null;

create table household_history (
    history_id integer primary key,
    household_id integer not null references households(household_id),
    kind text not null,
    from_value text,
    to_value text,
    effective_on text not null,
    reason text not null,
    created_at text not null
);
create index household_history_household on household_history(household_id);

create table incomes (
    income_id integer primary key,
    household_id integer not null references households(household_id),
    year integer not null,
    wages_fen integer not null,
    operating_fen integer not null,
    property_fen integer not null,
    transfer_fen integer not null,
    operating_cost_fen integer not null,
    created_at text not null,
    updated_at text not null,
    unique (household_id, year)
);

create table imports (
    import_id integer primary key,
    content_sha256 text not null unique,
    households integer not null,
    members integer not null,
    created_at text not null
);
