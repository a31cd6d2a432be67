-- Accounts: a role and an area for every user; passwords only as argon2 hashes.
create table users (
    user_id integer primary key,
    username text not null unique,
    display_name text not null,
    phone text,
    role text not null,
    area_code text not null references areas(area_code),
    password_hash text not null,
    must_change_password integer not null default 0,
    status text not null default 'active',
    created_at text not null,
    updated_at text not null
);
