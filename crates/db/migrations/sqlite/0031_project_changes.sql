-- 项目调整 (issue 11): a change to a project in the library, decided with its document, and the
-- day its public notice is due (ten working days later) and was made. Never changed, never
-- removed; a new investment is written to the project with the change.
create table project_changes (
    change_id integer primary key,
    project_id integer not null references projects(project_id),
    decided_on text not null,
    content text not null,
    reason text not null,
    doc_no text,
    investment_before_fen integer,
    investment_after_fen integer,
    notice_due_on text not null,
    published_on text,
    published_by text,
    created_at text not null,
    created_by text not null
);
create index project_changes_project on project_changes(project_id);
create index project_changes_due on project_changes(published_on, notice_due_on);
