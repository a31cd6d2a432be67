-- 培训班, 座谈会 and 雨露计划 (issue 11): the courses a township or village holds, who of the
-- register attended and what came of it (证书, 培训后就业: null is 未填); and the 雨露计划 subsidy
-- per student per term, applied for, checked by the township, paid and published. Courses and
-- attendees are taken off by marking; applications are never deleted.
create table training_courses (
    course_id integer primary key,
    kind text not null check (kind in ('class', 'talk')),
    training_type text not null check (training_type in ('skills', 'practical', 'aspiration')),
    topic text not null,
    start_on text not null,
    end_on text,
    hours integer not null check (hours > 0 and hours <= 500),
    organiser text not null,
    place text,
    area_code text not null,
    created_at text not null,
    created_by text not null,
    updated_at text not null,
    -- 撤销 (entered by mistake): kept, with who, when and why; no longer listed or counted.
    removed_at text,
    removed_by text,
    removed_reason text
);
create index training_courses_area on training_courses(area_code, start_on);

create table training_attendees (
    attendee_id integer primary key,
    course_id integer not null references training_courses(course_id),
    member_id integer not null references members(member_id),
    household_id integer not null references households(household_id),
    certificate integer,
    certificate_name text,
    employed integer,
    created_at text not null,
    created_by text not null,
    updated_at text not null,
    removed_at text,
    removed_by text
);
create unique index training_attendees_once on training_attendees(course_id, member_id) where removed_at is null;
create index training_attendees_household on training_attendees(household_id);

create table yulu_applications (
    application_id integer primary key,
    member_id integer not null references members(member_id),
    household_id integer not null references households(household_id),
    term_year integer not null,
    semester text not null check (semester in ('spring', 'autumn')),
    school text not null,
    major text,
    level text not null check (level in ('secondary_vocational', 'higher_vocational', 'technical')),
    grade text not null,
    amount_fen integer not null check (amount_fen > 0),
    state text not null default 'applied' check (state in ('applied', 'checked', 'refused', 'paid', 'published')),
    applied_on text not null,
    checked_on text,
    check_note text,
    refused_reason text,
    paid_on text,
    paid_fen integer,
    published_on text,
    version integer not null default 1,
    created_at text not null,
    created_by text not null,
    updated_at text not null
);
-- One application per student and term (a refused one may be made again).
create unique index yulu_applications_once on yulu_applications(member_id, term_year, semester) where state <> 'refused';
create index yulu_applications_household on yulu_applications(household_id);
