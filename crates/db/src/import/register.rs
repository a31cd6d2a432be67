//! Moving staged rows into the register: the households, members, incomes, history and
//! monitoring episodes, and on a first load the secondary indexes dropped and rebuilt once.

use crate::households::{HOUSEHOLD_COLUMNS as H_COLS, MEMBER_COLUMNS as M_COLS};

/// Every table an import writes to.
pub(super) const LOADED_TABLES: &[&str] = &["households", "members", "incomes", "household_history", "imports"];

/// What a statement that moves staged rows does, for the report and for its parameters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// Writes the households (binds the time and the day, like every write below).
    Households,
    /// Builds the narrow `import_ids` table (no parameters).
    Ids,
    Members,
    Incomes,
    /// History and episodes.
    Other,
}

/// The statements that move staged rows into the register. They run while a first load has
/// dropped the register's secondary indexes, so every lookup here goes through the staging
/// tables' own indexes (a household's size is counted in `import_members`, not `members`).
/// Once the households are in, `import_ids` holds each one's new id, its size and the few
/// columns the incomes, history and episode rows are made of: one join of staging and register
/// instead of one per statement, and a narrow table to scan instead of the 45 staged columns.
pub(super) fn commit_statements(pg: bool) -> Vec<(Step, String)> {
    let member_cols = M_COLS.replacen("household_id,", "", 1);
    let m_select = member_cols.split(',').map(|c| format!("m.{}", c.trim())).collect::<Vec<_>>().join(", ");
    let tail = if pg { " on commit drop" } else { "" };
    vec![
        (
            Step::Households,
            format!(
                "insert into households ({H_COLS}, monitoring_type, created_at, updated_at) select {H_COLS}, \
                 case when risk_cleared_on is null then monitoring_type end, $1, $1 from import_households order by line"
            ),
        ),
        (
            Step::Ids,
            format!(
                "create temp table import_ids{tail} as select h.household_id, a.household_no, a.status, \
                 a.first_identified_on, a.exit_on, a.monitoring_type, a.risk_identified_on, a.risk_cleared_on, \
                 a.income_year, a.wages_fen, a.operating_fen, a.property_fen, a.transfer_fen, a.operating_cost_fen, \
                 coalesce(n.size, 0) as size \
                 from import_households a join households h on h.household_no = a.household_no \
                 left join (select household_no, count(*) as size from import_members group by household_no) n \
                 on n.household_no = a.household_no"
            ),
        ),
        (Step::Ids, "create unique index import_ids_no on import_ids(household_no)".to_owned()),
        (
            Step::Members,
            format!(
                "insert into members ({M_COLS}, created_at, updated_at) select h.household_id, {m_select}, $1, $1 \
                 from import_members m join import_ids h on h.household_no = m.household_no"
            ),
        ),
        (
            Step::Incomes,
            "insert into incomes (household_id, period, year, household_size, wages_fen, operating_fen, property_fen, \
             transfer_fen, operating_cost_fen, created_at, updated_at) select a.household_id, \
             cast(a.income_year as text), a.income_year, a.size, a.wages_fen, a.operating_fen, a.property_fen, \
             a.transfer_fen, a.operating_cost_fen, $1, $1 from import_ids a where a.income_year is not null"
                .to_owned(),
        ),
        // incomes.csv: earlier periods. A blank size is the household's number of members: the
        // members this import registers, or the current ones of a household already in the register
        // (looked up only for such a household: the subqueries run when `import_ids` has no row).
        (
            Step::Incomes,
            "insert into incomes (household_id, period, year, household_size, wages_fen, operating_fen, property_fen, \
             transfer_fen, operating_cost_fen, claims_fen, out_of_pocket_fen, created_at, updated_at) \
             select coalesce(r.household_id, (select h.household_id from households h where h.household_no = i.household_no)), \
             i.period, i.year, coalesce(i.household_size, r.size, (select count(*) from members x \
             join households h on h.household_id = x.household_id where h.household_no = i.household_no \
             and x.left_on is null)), i.wages_fen, i.operating_fen, i.property_fen, i.transfer_fen, i.operating_cost_fen, \
             i.claims_fen, i.out_of_pocket_fen, $1, $1 from import_incomes i left join import_ids r on r.household_no = i.household_no"
                .to_owned(),
        ),
        (
            Step::Other,
            "insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
             select a.household_id, 'status', null, 'poor', coalesce(a.first_identified_on, $2), '建档立卡识别（批量导入）', $1 \
             from import_ids a where a.status is not null"
                .to_owned(),
        ),
        (
            Step::Other,
            "insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
             select a.household_id, 'status', 'poor', a.status, coalesce(a.exit_on, $2), '批量导入时的状态', $1 \
             from import_ids a where a.status <> 'poor'"
                .to_owned(),
        ),
        (
            Step::Other,
            "insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
             select a.household_id, 'monitoring', null, a.monitoring_type, coalesce(a.risk_identified_on, $2), \
             '纳入监测（批量导入）', $1 from import_ids a where a.monitoring_type is not null"
                .to_owned(),
        ),
        (
            Step::Other,
            "insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
             select a.household_id, 'monitoring', a.monitoring_type, null, a.risk_cleared_on, '风险消除（批量导入）', $1 \
             from import_ids a where a.monitoring_type is not null and a.risk_cleared_on is not null"
                .to_owned(),
        ),
        (
            Step::Other,
            "insert into monitoring_episodes (household_id, monitoring_type, identified_on, identified_reason, cleared_on, \
             cleared_reason, created_at, updated_at) select a.household_id, a.monitoring_type, \
             coalesce(a.risk_identified_on, $2), '批量导入', a.risk_cleared_on, \
             case when a.risk_cleared_on is not null then '批量导入' end, $1, $1 \
             from import_ids a where a.monitoring_type is not null"
                .to_owned(),
        ),
    ]
}
/// Moves the checked staged rows into the register; gives the [`ImportReport`].
macro_rules! move_staged {
    ($conn:expr, $now:expr, $today:expr, $analyze:expr) => {{
        use $crate::import::ImportReport;
        use $crate::import::register::{DEFERRED_FOREIGN_KEYS, DEFERRED_INDEXES, Step, commit_statements};
        use $crate::sql;
        // Loading into an empty register (the first load of a district or province): build
        // the secondary indexes once at the end instead of row by row, as PostgreSQL's
        // "Populating a Database" advises. DDL is transactional on both backends, so a
        // failure still rolls everything back.
        let empty: bool =
            sqlx::query_scalar("select not exists (select 1 from members)").fetch_one(&mut *$conn).await?;
        if empty {
            for (name, _) in DEFERRED_INDEXES {
                sqlx::query(sql(&format!("drop index {name}"))).execute(&mut *$conn).await?;
            }
            // PostgreSQL checks a foreign key with a trigger per row; re-adding the
            // constraint checks all rows in one join. (SQLite's checks are cheap and its
            // constraints cannot be dropped.)
            if $analyze {
                for (table, name, _) in DEFERRED_FOREIGN_KEYS {
                    sqlx::query(sql(&format!("alter table {table} drop constraint {name}")))
                        .execute(&mut *$conn)
                        .await?;
                }
            }
        }
        let mut report = ImportReport::default();
        for (i, (step, stmt)) in commit_statements($analyze).iter().enumerate() {
            let t = std::time::Instant::now();
            let query = sqlx::query(sql(stmt));
            let n = if *step == Step::Ids { query } else { query.bind($now).bind($today) }
                .execute(&mut *$conn)
                .await?
                .rows_affected();
            tracing::debug!(statement = i, elapsed_ms = t.elapsed().as_millis() as u64, "import: commit step");
            match step {
                // The planner must know households just grew, or it joins members row by row.
                Step::Households if $analyze => {
                    sqlx::query("analyze households").execute(&mut *$conn).await?;
                }
                Step::Ids if $analyze && stmt.starts_with("create unique") => {
                    sqlx::query("analyze import_ids").execute(&mut *$conn).await?;
                }
                _ => {}
            }
            match step {
                Step::Households => report.households = n,
                Step::Members => report.members = n,
                Step::Incomes => report.incomes += n,
                Step::Ids | Step::Other => {}
            }
        }
        if empty {
            let t = std::time::Instant::now();
            for (name, definition) in DEFERRED_INDEXES {
                sqlx::query(sql(&format!("create {definition}").replacen("{name}", name, 1)))
                    .execute(&mut *$conn)
                    .await?;
            }
            if $analyze {
                for (table, name, definition) in DEFERRED_FOREIGN_KEYS {
                    sqlx::query(sql(&format!("alter table {table} add constraint {name} {definition}")))
                        .execute(&mut *$conn)
                        .await?;
                }
            }
            tracing::debug!(elapsed_ms = t.elapsed().as_millis() as u64, "import: indexes rebuilt");
        }
        report
    }};
}
pub(super) use move_staged;

/// PostgreSQL constraints re-added after a load into an empty register (names as PostgreSQL
/// gives them to the migrations' inline `references` and `unique`): the foreign keys, and the
/// one-record-per-period rule of incomes, whose index is then built once from sorted rows
/// instead of row by row for every income.
pub(super) const DEFERRED_FOREIGN_KEYS: &[(&str, &str, &str)] = &[
    ("incomes", "incomes_household_id_period_key", "unique (household_id, period)"),
    ("households", "households_area_code_fkey", "foreign key (area_code) references areas(area_code)"),
    ("members", "members_household_id_fkey", "foreign key (household_id) references households(household_id)"),
    ("incomes", "incomes_household_id_fkey", "foreign key (household_id) references households(household_id)"),
    (
        "household_history",
        "household_history_household_id_fkey",
        "foreign key (household_id) references households(household_id)",
    ),
    (
        "monitoring_episodes",
        "monitoring_episodes_household_id_fkey",
        "foreign key (household_id) references households(household_id)",
    ),
];

/// Secondary indexes rebuilt after a load into an empty register. They must match the
/// migrations exactly; the conformance suite compares the schema before and after.
pub(super) const DEFERRED_INDEXES: &[(&str, &str)] = &[
    ("households_area", "index {name} on households(area_code, household_id)"),
    ("members_household", "index {name} on members(household_id)"),
    ("members_active_id_number", "unique index {name} on members(id_number_key) where left_on is null"),
    ("household_history_household", "index {name} on household_history(household_id)"),
];
