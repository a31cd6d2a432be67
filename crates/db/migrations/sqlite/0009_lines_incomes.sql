-- Income per period, and lines as data (监测范围 / 贫困线) with their adjustment history.
--
-- incomes: each record now carries its period ('2026' for a calendar year; '2026-11' for the
-- 12 months ending November 2026, the monitoring measure) and the household size of that
-- period, stored so that a later join or leave never rewrites a past per-person figure.
-- Existing rows migrate with period = their year and household_size = the CURRENT number of
-- active members of their household (the old register kept no size per year; this is the
-- figure every past page showed). A blank amount is now null (未填) instead of 0; existing
-- rows keep the figures they had. `year` stays: the year whose line applies.
-- SQLite cannot relax NOT NULL in place, so the table is rebuilt (nothing references it).
create table incomes_new (
    income_id integer primary key,
    household_id integer not null references households(household_id),
    period text not null,
    year integer not null,
    household_size integer not null,
    wages_fen integer,
    operating_fen integer,
    property_fen integer,
    transfer_fen integer,
    operating_cost_fen integer,
    claims_fen integer,
    out_of_pocket_fen integer,
    created_at text not null,
    updated_at text not null,
    unique (household_id, period)
);
insert into incomes_new (income_id, household_id, period, year, household_size, wages_fen, operating_fen,
    property_fen, transfer_fen, operating_cost_fen, claims_fen, out_of_pocket_fen, created_at, updated_at)
select i.income_id, i.household_id, cast(i.year as text), i.year,
    (select count(*) from members m where m.household_id = i.household_id and m.left_on is null),
    i.wages_fen, i.operating_fen, i.property_fen, i.transfer_fen, i.operating_cost_fen, null, null,
    i.created_at, i.updated_at
from incomes i;
drop table incomes;
alter table incomes_new rename to incomes;

-- Sub-items (务工, 公益岗, 种植, 低保金 …) with a note. Replacing a period's figures marks the
-- old sub-items replaced instead of deleting them.
create table income_items (
    income_item_id integer primary key,
    income_id integer not null references incomes(income_id),
    kind text not null,
    amount_fen integer not null,
    note text,
    replaced_at text,
    created_at text not null
);
create index income_items_income on income_items(income_id);

-- One line per kind, year and area ('000000000000' is the national level; no foreign key:
-- a district's register need not hold its province's or the nation's area rows).
create table lines (
    line_id integer primary key,
    kind text not null,
    year integer not null,
    area_code text not null,
    amount_fen integer not null,
    document_no text,
    effective_on text,
    example integer not null default 0,
    note text,
    created_at text not null,
    updated_at text not null,
    unique (kind, year, area_code)
);

-- Every entry and adjustment: who, when, before → after, document, reason. Never deleted.
create table line_history (
    line_history_id integer primary key,
    line_id integer not null references lines(line_id),
    username text not null,
    before_fen integer,
    after_fen integer not null,
    document_no text,
    effective_on text,
    reason text not null,
    created_at text not null
);
create index line_history_line on line_history(line_id);

-- The national poverty line at current prices (2 300 yuan at 2010 prices), from the project's
-- DOMAIN notes (§3). 2016–2018 are not given there and are left for the office to enter.
insert into lines (kind, year, area_code, amount_fen, example, note, created_at, updated_at) values
    ('poverty', 2013, '000000000000', 273600, 0, '国家扶贫标准（2010年不变价2300元）现价', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('poverty', 2014, '000000000000', 280000, 0, '国家扶贫标准（2010年不变价2300元）现价', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('poverty', 2015, '000000000000', 285500, 0, '国家扶贫标准（2010年不变价2300元）现价', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('poverty', 2019, '000000000000', 321800, 0, '国家扶贫标准（2010年不变价2300元）现价', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('poverty', 2020, '000000000000', 400000, 0, '约4000元（近似值）：国家扶贫标准现价', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
insert into line_history (line_id, username, before_fen, after_fen, reason, created_at)
select line_id, '系统预置', null, amount_fen, '预置国家扶贫标准（现价）', created_at from lines;
