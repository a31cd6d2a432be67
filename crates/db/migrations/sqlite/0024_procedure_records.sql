-- 程序的记录 (issue 10): what a step records of itself when it is 办结 — the village
-- appraisal's place, attendance and votes, the cross-check's hits and how they were resolved —
-- kept on the step's event as `field=value` lines; and the papers a procedure carries (the
-- signed 承诺授权书, photos, minutes), kept for good like a measure's evidence.
alter table procedure_events add column record text;

create table procedure_attachments (
    attachment_id integer primary key,
    procedure_id integer not null references procedures(procedure_id),
    household_id integer not null references households(household_id),
    step text not null,
    kind text not null check (kind in ('consent', 'photo', 'minutes', 'notice_photo', 'other')),
    note text,
    file_name text not null,
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    content blob not null,
    added_by text not null,
    created_at text not null
);
create index procedure_attachments_procedure on procedure_attachments(procedure_id);
