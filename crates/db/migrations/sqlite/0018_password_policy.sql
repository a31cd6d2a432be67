-- The level-3 password policy (issue 9 §2): a password is changed every 90 days (counted from
-- when it was set; an account from before this migration counts from its creation), and none
-- of the last five is used again (their hashes are kept here, never the passwords).
alter table users add column password_changed_at text;

create table password_history (
    history_id integer primary key autoincrement,
    user_id bigint not null references users(user_id),
    password_hash text not null,
    replaced_at text not null
);
create index password_history_user on password_history(user_id, history_id);
