-- 扶贫项目资产 and a project's public notices (issue 11).
--
-- What a finished project leaves: its type (经营性, 公益性, 到户类), category, the village it
-- stands in, whose it is, its value in fen, when it was handed over and who looks after it. Its
-- status (在用, 闲置, 损毁, 处置) changes with a date and is kept in project_asset_statuses;
-- nothing is deleted.
create table project_assets (
    asset_id integer primary key,
    project_id integer not null references projects(project_id),
    name text not null,
    asset_type text not null check (asset_type in ('operating', 'public_welfare', 'household')),
    category text not null check (category in ('building', 'photovoltaic', 'road', 'water', 'machinery', 'other')),
    area_code text not null,
    owner text not null,
    owner_kind text not null check (owner_kind in ('collective', 'household', 'other')),
    value_fen integer not null check (value_fen > 0),
    handed_over_on text not null,
    keeper text not null,
    keeper_person text not null,
    note text,
    status text not null default 'in_use' check (status in ('in_use', 'idle', 'damaged', 'disposed')),
    status_on text not null,
    version integer not null default 1,
    created_at text not null,
    created_by text not null,
    updated_at text not null
);
create index project_assets_project on project_assets(project_id);
create index project_assets_area on project_assets(area_code);

create table project_asset_statuses (
    status_id integer primary key,
    asset_id integer not null references project_assets(asset_id),
    status text not null check (status in ('in_use', 'idle', 'damaged', 'disposed')),
    on_date text not null,
    reason text,
    created_at text not null,
    created_by text not null
);
create index project_asset_statuses_asset on project_asset_statuses(asset_id, status_id);

-- The token of a project's notice page (the QR code on the printed 公示/公告).
alter table projects add column notice_token text;
create unique index projects_notice_token on projects(notice_token);

-- Objections from the public page, at the notice step they were lodged at; the objector's phone
-- sealed as a procedure objector's is; the answer written once.
create table project_objections (
    objection_id integer primary key,
    project_id integer not null references projects(project_id),
    step text not null,
    receipt text not null unique,
    lodged_on text not null,
    name text not null,
    phone text not null,
    source text,
    text text not null,
    answered_on text,
    answered_by text,
    upheld integer,
    answer text,
    created_at text not null,
    answered_at text
);
create index project_objections_project on project_objections(project_id, objection_id);
