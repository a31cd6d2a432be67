-- API tokens for scripts and other systems: stored only as SHA-256, revocable.
create table api_tokens (
    token_hash text primary key not null,
    user_id bigint not null references users(user_id),
    label text not null,
    created_at timestamptz not null,
    revoked_at timestamptz
);
create index api_tokens_user on api_tokens(user_id);
