-- 监测预警规则 (issue 10): what a visit found, the leads (线索) the rules find, and the able
-- workers each household had at the last run.

-- 走访发现: codes joined by commas (illness, disaster, accident, labour_lost); 'none' when the
-- visitor said 无; null when the question was not answered (未填) — every visit before this.
alter table visits add column findings text;

-- One row per lead: which household, which rule of which version, the figures in words, and
-- what became of it. Never deleted: a dismissed lead keeps who dismissed it and why.
create table rule_leads (
    lead_id integer primary key autoincrement,
    household_id bigint not null references households(household_id),
    area_code text not null,
    rule text not null,
    version bigint not null,
    reason text not null,
    found_on text not null,
    state text not null check (state in ('open', 'started', 'dismissed')),
    dismissed_reason text,
    dismissed_by text,
    dismissed_on text,
    procedure_id bigint references procedures(procedure_id),
    created_at text not null,
    updated_at text not null
);
-- One open lead per household and rule: a rerun on the same data adds nothing.
create unique index rule_leads_open on rule_leads(household_id, rule) where state = 'open';
create index rule_leads_household on rule_leads(household_id, rule, version);
create index rule_leads_area_state on rule_leads(area_code, state, found_on);

-- Members able to work at the last run that saw a change (null: a member's 劳动技能 未填), and
-- the count before that run, so a rerun on the same day sees the same "before".
create table rule_worker_counts (
    household_id bigint primary key references households(household_id),
    able_workers bigint,
    counted_on text not null,
    previous_able_workers bigint,
    updated_at text not null
);
