-- Two factors for privileged accounts (issue 9 §2): a TOTP secret per account (RFC 6238),
-- recovery codes kept only as hashes, and a session that has passed the password but not yet
-- the code. A secret replaced or reset is ended with its date, never deleted.
create table user_totp (
    totp_id integer primary key autoincrement,
    user_id bigint not null references users(user_id),
    secret text not null,
    created_at text not null,
    enrolled_at text,
    revoked_at text,
    -- The last time step whose code was accepted: a code is never accepted twice.
    last_step bigint not null default 0
);
create index user_totp_user on user_totp(user_id, revoked_at);

create table recovery_codes (
    code_id integer primary key autoincrement,
    user_id bigint not null references users(user_id),
    code_hash text not null,
    created_at text not null,
    used_at text,
    revoked_at text
);
create index recovery_codes_user on recovery_codes(user_id, code_hash);

-- 'full', or 'second_factor' while the code is still owed.
alter table sessions add column stage text not null default 'full';
