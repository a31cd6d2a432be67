-- Sign-in: sessions kept in the database (so several servers can share them), lockout after
-- failed sign-ins, and the audit log, which the application only ever appends to.
alter table users add column failed_sign_ins integer not null default 0;
alter table users add column locked_until text;

create table sessions (
    session_hash text primary key not null,
    user_id integer not null references users(user_id),
    csrf_token text not null,
    created_at text not null,
    last_seen_at text not null,
    ip text
);
create index sessions_user on sessions(user_id);

create table audit_log (
    audit_id integer primary key,
    at text not null,
    user_id integer references users(user_id),
    username text,
    role text,
    ip text,
    action text not null,
    object_type text,
    object_id text,
    area_code text,
    field text,
    before_value text,
    after_value text
);
create index audit_log_at on audit_log(at);
create index audit_log_object on audit_log(object_type, object_id);

-- 姓名、拼音首字母和全拼，供按姓名或 "wxm" 之类的首字母查找。
alter table members add column search_key text not null default '';
