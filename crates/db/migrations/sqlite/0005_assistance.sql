-- 帮扶: helping units, pairings of units with townships or villages, helpers (帮扶责任人)
-- and their assignment to households, with history (an assignment ends; it is never deleted).
create table units (
    unit_id integer primary key,
    name text not null unique,
    level text not null,
    area_code text not null references areas(area_code),
    created_at text not null,
    updated_at text not null
);

create table pairings (
    pairing_id integer primary key,
    unit_id integer not null references units(unit_id),
    area_code text not null references areas(area_code),
    start_on text not null,
    end_on text,
    note text,
    created_at text not null
);
create index pairings_area on pairings(area_code);

create table helpers (
    helper_id integer primary key,
    name text not null,
    phone text,
    unit_id integer references units(unit_id),
    post text,
    id_number text,
    area_code text not null references areas(area_code),
    status text not null default 'active',
    created_at text not null,
    updated_at text not null
);
create index helpers_area on helpers(area_code);

create table helper_assignments (
    assignment_id integer primary key,
    household_id integer not null references households(household_id),
    helper_id integer not null references helpers(helper_id),
    start_on text not null,
    end_on text,
    end_reason text,
    created_at text not null
);
create index helper_assignments_helper on helper_assignments(helper_id);
-- Every household has at most one current helper.
create unique index helper_assignments_current on helper_assignments(household_id) where end_on is null;
