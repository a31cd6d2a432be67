-- 联农带农 (issue 11): the households a project reaches, how (务工工资, 入股分红, 就业岗位, 生产服务,
-- 土地流转租金), in which year and with how much when it is money. Taken off by marking, never
-- deleted.
create table project_beneficiaries (
    benefit_id integer primary key,
    project_id integer not null references projects(project_id),
    household_id integer not null references households(household_id),
    kind text not null check (kind in ('wage', 'dividend', 'job', 'service', 'land_rent')),
    year integer not null,
    amount_fen integer,
    note text,
    created_at text not null,
    created_by text not null,
    removed_at text,
    removed_by text
);
create index project_beneficiaries_project on project_beneficiaries(project_id);
create index project_beneficiaries_household on project_beneficiaries(household_id);
