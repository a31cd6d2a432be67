-- Sign-in failures are counted per account *and* source address, so that nobody can lock
-- another person out from elsewhere (issue 9, finding 3). An attempt is counted before its
-- password is checked, in one transaction, so that parallel guesses are counted too
-- (finding 1). Keyed by the name as typed, so an unknown name behaves like a known one.
create table sign_in_failures (
    username text not null,
    source text not null,
    -- failures in a row (back to 0 after a success or an admin's unlock)
    failures integer not null default 0,
    -- every change adds one: a save names the value it read, so two at once cannot both count
    -- as the same failure
    changes bigint not null default 0,
    blocked_until timestamptz,
    last_failure_at timestamptz,
    primary key (username, source)
);

-- The account-wide count and lock are replaced by the table above.
alter table users drop column failed_sign_ins;
alter table users drop column locked_until;
