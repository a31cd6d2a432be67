-- 程序的决定 (issue 10): what a procedure decides, kept on it from the start — for 纳入监测 the
-- type, risks and flags; for 风险消除 the 消除方式; for 年度分类 the class — and applied by the
-- approval in the same transaction, which links the episode or the class to the procedure.
-- A notice's public page is found by a random token (the QR code), never by the procedure id.
alter table procedures add column proposal text;
alter table procedures add column notice_token text;
alter table procedures add column help_first_on text;
alter table procedures add column help_first_reason text;
create unique index procedures_notice_token on procedures(notice_token);
create index procedures_kind_state on procedures(kind, state, area_code);

-- An objection from the public page: who (name, phone sealed) and from where (a keyed hash of
-- the address, for throttling and for the audit; never the address itself).
alter table procedure_events add column contact_name text;
alter table procedure_events add column contact_phone text;
alter table procedure_events add column source text;

alter table monitoring_episodes add column procedure_id integer references procedures(procedure_id);
alter table monitoring_episodes add column cleared_procedure_id integer references procedures(procedure_id);

-- 脱贫户分类管理: each 脱贫户's class per year, decided by a procedure, kept for good.
create table household_classes (
    class_id integer primary key,
    household_id integer not null references households(household_id),
    year integer not null,
    stability text not null check (stability in ('stable', 'needs_support')),
    labour text not null check (labour in ('able', 'unable')),
    decided_on text not null,
    procedure_id integer not null references procedures(procedure_id),
    created_at text not null
);
create unique index household_classes_year on household_classes(household_id, year);

-- 自主申报 from the public page: a lead with a receipt number; ID number and phone sealed.
create table self_reports (
    report_id integer primary key,
    receipt text not null unique,
    head_name text not null,
    phone text not null,
    id_number text not null,
    id_number_key text not null,
    village_code text not null,
    difficulty text not null,
    risk text not null,
    submitted_at text not null,
    source text,
    state text not null default 'open' check (state in ('open', 'started', 'dismissed')),
    household_id integer references households(household_id),
    procedure_id integer references procedures(procedure_id),
    handled_by text,
    handled_note text,
    handled_at text
);
create index self_reports_village on self_reports(village_code, state);
