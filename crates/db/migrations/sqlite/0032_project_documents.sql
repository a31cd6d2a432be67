-- 项目档案 (issue 11): a project's papers — minutes, approvals, acceptance reports, photos and
-- the voucher of a payment (naming its ledger entry) — with the step they were added at. Kept
-- for good: nothing removes one.
create table project_documents (
    document_id integer primary key,
    project_id integer not null references projects(project_id),
    step text not null,
    kind text not null check (kind in ('minutes', 'approval', 'acceptance', 'voucher', 'photo', 'other')),
    entry_id integer references fund_entries(entry_id),
    note text,
    file_name text not null,
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    content blob not null,
    added_by text not null,
    created_at text not null
);
create index project_documents_project on project_documents(project_id);
