//! Rules across rows — duplicates within a file, a household or ID already in the register, one
//! head per household — as set queries over the staging tables, each bad row with its line.

/// Rules across rows, as set queries over the staging tables. Returns (file, line, column, message).
pub(super) const CROSS_CHECKS: &[(&str, &str, &str)] = &[
    (
        "households.csv",
        "household_no",
        "select a.line, '户编号“' || a.household_no || '”与第' || (select min(b.line) from import_households b \
         where b.household_no = a.household_no) || '行重复' from import_households a where a.household_no <> '' and \
         exists (select 1 from import_households b where b.household_no = a.household_no and b.line < a.line)",
    ),
    (
        "households.csv",
        "household_no",
        "select a.line, '户编号“' || a.household_no || '”已在系统中（同一户不能重复导入）' from import_households a \
         join households h on h.household_no = a.household_no",
    ),
    (
        "households.csv",
        "village_code",
        "select a.line, '村代码“' || a.area_code || '”不在系统的区划中（请先导入区划，或检查代码）' from import_households a \
         where a.ok and not exists (select 1 from areas r where r.area_code = a.area_code and r.level = 'village')",
    ),
    (
        "members.csv",
        "household_no",
        "select m.line, '户编号“' || m.household_no || '”在 households.csv 中不存在' from import_members m \
         where not exists (select 1 from import_households a where a.household_no = m.household_no)",
    ),
    (
        "members.csv",
        "id_number",
        "select m.line, '证件号码与第' || (select min(b.line) from import_members b where b.id_number_key = m.id_number_key) || \
         '行重复（同一人不能登记两次）' from import_members m where exists (select 1 from import_members b \
         where b.id_number_key = m.id_number_key and b.line < m.line)",
    ),
    (
        "members.csv",
        "id_number",
        "select m.line, '此人已是系统中另一户（户编号 ' || h.household_no || '）的现有成员' from import_members m \
         join members x on x.id_number_key = m.id_number_key and x.left_on is null join households h on h.household_id = x.household_id",
    ),
    (
        "households.csv",
        "household_no",
        "select a.line, case when coalesce(c.heads, 0) = 0 then '该户在 members.csv 中没有户主' else \
         '该户在 members.csv 中有' || c.heads || '名户主，应只有一名' end from import_households a \
         left join (select household_no, cast(sum(case when relation = 'head' then 1 else 0 end) as bigint) as heads \
         from import_members group by household_no) c on c.household_no = a.household_no \
         where a.ok and coalesce(c.heads, 0) <> 1",
    ),
    (
        "members.csv",
        "relation",
        "select m.line, '配偶与户主性别相同' from import_members m join import_members h \
         on h.household_no = m.household_no and h.relation = 'head' where m.relation = 'spouse' and m.sex = h.sex",
    ),
    (
        "incomes.csv",
        "household_no",
        "select i.line, '户编号“' || i.household_no || '”不在 households.csv 中，也不在系统中' from import_incomes i \
         where not exists (select 1 from import_households a where a.household_no = i.household_no) \
         and not exists (select 1 from households h where h.household_no = i.household_no)",
    ),
    (
        "incomes.csv",
        "period",
        "select i.line, '该户收入期间“' || i.period || '”与第' || (select min(b.line) from import_incomes b \
         where b.household_no = i.household_no and b.period = i.period) || '行重复' from import_incomes i \
         where exists (select 1 from import_incomes b where b.household_no = i.household_no and b.period = i.period \
         and b.line < i.line)",
    ),
    (
        "incomes.csv",
        "period",
        "select i.line, '该户收入期间“' || i.period || '”的收入已在 households.csv 第' || a.line || '行填写' \
         from import_incomes i join import_households a on a.household_no = i.household_no \
         where cast(a.income_year as text) = i.period",
    ),
    (
        "incomes.csv",
        "period",
        "select i.line, '该户收入期间“' || i.period || '”的收入已在系统中' from import_incomes i \
         join households h on h.household_no = i.household_no \
         join incomes x on x.household_id = h.household_id and x.period = i.period",
    ),
];

/// The staging tables' indexes: (name, on what, the duplicate check in `CROSS_CHECKS` a unique
/// index makes unnecessary). Such an index is first built unique; only if that fails — the file
/// has duplicates — is it built plain and the check run to name the rows.
pub(super) const STAGING_INDEXES: &[(&str, &str, Option<usize>)] = &[
    ("import_households_no", "import_households(household_no)", Some(0)),
    ("import_members_no", "import_members(household_no)", None),
    ("import_members_id", "import_members(id_number_key)", Some(4)),
    ("import_incomes_no", "import_incomes(household_no, period)", Some(9)),
];

/// Builds the staging tables' indexes and runs the cross-row checks, pushing a [`RowError`] per
/// bad row.
macro_rules! cross_checks {
    ($conn:expr, $errors:expr) => {{
        use bangfu_core::household::columns::{HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, header_zh};
        use $crate::import::checks::{CROSS_CHECKS, STAGING_INDEXES};
        use $crate::import::{HOUSEHOLDS_FILE, INCOMES_FILE, MEMBERS_FILE, RowError};
        use $crate::sql;
        let t = std::time::Instant::now();
        let mut proven = Vec::new();
        for (name, on, check) in STAGING_INDEXES {
            if let Some(check) = check {
                // A savepoint: on PostgreSQL a failed statement would abort the whole transaction.
                sqlx::query("savepoint import_unique").execute(&mut *$conn).await?;
                let unique = format!("create unique index {name} on {on}");
                if sqlx::query(sql(&unique)).execute(&mut *$conn).await.is_ok() {
                    sqlx::query("release savepoint import_unique").execute(&mut *$conn).await?;
                    proven.push(*check);
                    continue;
                }
                sqlx::query("rollback to savepoint import_unique").execute(&mut *$conn).await?;
                sqlx::query("release savepoint import_unique").execute(&mut *$conn).await?;
            }
            sqlx::query(sql(&format!("create index {name} on {on}"))).execute(&mut *$conn).await?;
        }
        tracing::debug!(elapsed_ms = t.elapsed().as_millis() as u64, "import: staging indexes");
        for (i, (file, field, check)) in CROSS_CHECKS.iter().enumerate() {
            if proven.contains(&i) {
                continue;
            }
            let t = std::time::Instant::now();
            let rows: Vec<(i64, String)> = sqlx::query_as(*check).fetch_all(&mut *$conn).await?;
            tracing::debug!(check = i, elapsed_ms = t.elapsed().as_millis() as u64, "import: cross-row check");
            let (file, columns): (&'static str, _) = match *file {
                HOUSEHOLDS_FILE => (HOUSEHOLDS_FILE, HOUSEHOLD_COLUMNS),
                MEMBERS_FILE => (MEMBERS_FILE, MEMBER_COLUMNS),
                _ => (INCOMES_FILE, bangfu_core::household::income::INCOME_COLUMNS),
            };
            for (line, message) in rows {
                $errors.push(RowError {
                    file,
                    line: line as u64,
                    column: header_zh(columns, field).to_owned(),
                    message,
                });
            }
        }
    }};
}
pub(super) use cross_checks;
