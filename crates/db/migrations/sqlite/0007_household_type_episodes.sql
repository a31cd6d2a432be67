-- no-transaction
-- 户类型, monitoring episodes (监测), and yes/no answers that may be unanswered (未填).
--
-- SQLite cannot drop NOT NULL from a column, so households is rebuilt the documented way
-- (https://www.sqlite.org/lang_altertable.html#otheralter): foreign keys off (a no-op inside a
-- transaction, hence "no-transaction" above and the explicit begin/commit), copy into a new
-- table keeping every household_id, drop, rename, recreate the indexes, then check that every
-- foreign key still holds before committing: the guard below fails the migration otherwise.
pragma foreign_keys = off;
begin;

-- One row per episode: identified (纳入) and, later, cleared (风险消除). Never deleted.
create table monitoring_episodes (
    episode_id integer primary key,
    household_id integer not null references households(household_id),
    monitoring_type text not null,
    risks text,
    house_unsafe integer,
    out_of_school integer,
    no_medical_insurance integer,
    water_unsafe integer,
    no_labour integer,
    found_by text,
    identified_on text not null,
    identified_reason text not null,
    identified_by text,
    cleared_on text,
    clear_method text,
    cleared_reason text,
    cleared_by text,
    created_at text not null,
    updated_at text not null
);
create index monitoring_episodes_household on monitoring_episodes(household_id);
-- At most one open episode per household.
create unique index monitoring_episodes_open on monitoring_episodes(household_id) where cleared_on is null;

-- The old two columns become one episode. A risk cleared through the old status page set
-- monitoring_type to null: the type is recovered from the dated history it wrote.
insert into monitoring_episodes (household_id, monitoring_type, identified_on, identified_reason, cleared_on,
    cleared_reason, created_at, updated_at)
select household_id, monitoring_type, identified_on, '迁移自原监测记录', risk_cleared_on,
    case when risk_cleared_on is not null then '迁移自原风险消除时间' end, created_at, updated_at
from (
    select h.household_id, h.risk_cleared_on, h.created_at, h.updated_at,
        coalesce(h.monitoring_type, (select x.from_value from household_history x where x.household_id = h.household_id
            and x.kind = 'monitoring' and x.to_value is null and x.from_value is not null
            order by x.effective_on desc, x.history_id desc limit 1)) as monitoring_type,
        coalesce(h.risk_identified_on, (select max(x.effective_on) from household_history x
            where x.household_id = h.household_id and x.kind = 'monitoring' and x.to_value is not null),
            h.first_identified_on, substr(h.created_at, 1, 10)) as identified_on
    from households h
    where h.monitoring_type is not null or h.risk_cleared_on is not null
) old
where monitoring_type is not null;

create table households_new (
    household_id integer primary key,
    household_no text not null unique,
    area_code text not null references areas(area_code),
    household_type text not null default 'tuopin',
    group_name text,
    address text,
    phone text,
    bank_name text,
    bank_account text,
    standard text,
    attribute text,
    main_cause text,
    other_cause_1 text,
    other_cause_2 text,
    status text,
    first_identified_on text,
    exit_year integer,
    -- The open episode's type, kept in step by storage in the same transaction.
    monitoring_type text,
    farmland_mu real,
    irrigated_mu real,
    forest_mu real,
    housing_m2 real,
    housing_structure text,
    danger_grade text,
    road_distance_km real,
    road_type text,
    household_power integer,
    production_power integer,
    water_difficult integer,
    water_safe integer,
    fuel text,
    sanitary_toilet integer,
    in_cooperative integer,
    relocated integer,
    created_at text not null,
    updated_at text not null
);

-- Every existing household was registered under the 建档立卡 rules: a 脱贫户.
insert into households_new (household_id, household_no, area_code, household_type, group_name, address, phone,
    bank_name, bank_account, standard, attribute, main_cause, other_cause_1, other_cause_2, status,
    first_identified_on, exit_year, monitoring_type, farmland_mu, irrigated_mu, forest_mu, housing_m2,
    housing_structure, danger_grade, road_distance_km, road_type, household_power, production_power,
    water_difficult, water_safe, fuel, sanitary_toilet, in_cooperative, relocated, created_at, updated_at)
select household_id, household_no, area_code, 'tuopin', group_name, address, phone,
    bank_name, bank_account, standard, attribute, main_cause, other_cause_1, other_cause_2, status,
    first_identified_on, exit_year, case when risk_cleared_on is null then monitoring_type end, farmland_mu,
    irrigated_mu, forest_mu, housing_m2, housing_structure, danger_grade, road_distance_km, road_type,
    household_power, production_power, water_difficult, water_safe, fuel, sanitary_toilet, in_cooperative,
    relocated, created_at, updated_at
from households;

drop table households;
alter table households_new rename to households;
create index households_area on households(area_code, household_id);

-- Fails (CHECK) if any foreign key no longer holds, which rolls the whole migration back.
create temp table migration_0007_guard (violations integer not null check (violations = 0));
insert into migration_0007_guard select count(*) from pragma_foreign_key_check;
drop table migration_0007_guard;

commit;
pragma foreign_keys = on;
