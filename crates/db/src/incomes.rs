//! 收入: a household's income per period with its sub-items and the household size of the
//! period. Replacing a period's figures needs the caller's say-so, checked inside the
//! transaction that writes; the old sub-items stay, marked replaced.

use bangfu_core::area::Scope;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::household::*;
use bangfu_core::money::Fen;
use bangfu_core::store::{HouseholdStore, IncomeStore};
use bangfu_core::{DomainError, DomainResult};

use crate::row::Get;
use crate::{BeginWrite, Db, dispatch, domain_err};

pub(crate) const SELECT: &str = "select income_id, household_id, period, household_size, wages_fen, operating_fen, property_fen, \
    transfer_fen, operating_cost_fen, claims_fen, out_of_pocket_fen from incomes";

/// Inserts one period's income and its sub-items on a transaction (a macro: executor types
/// differ per backend). `$tx` is reborrowed for each statement.
macro_rules! insert_income {
    ($tx:expr, $household_id:expr, $i:expr, $now:expr) => {{
        let i = $i;
        let f = |v: Option<bangfu_core::money::Fen>| v.map(|f| f.0);
        let income_id: i64 = sqlx::query_scalar(
            "insert into incomes (household_id, period, year, household_size, wages_fen, operating_fen, property_fen, \
             transfer_fen, operating_cost_fen, claims_fen, out_of_pocket_fen, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning income_id",
        )
        .bind($household_id)
        .bind(i.period.code())
        .bind(i.period.line_year())
        .bind(i.household_size)
        .bind(f(i.wages))
        .bind(f(i.operating))
        .bind(f(i.property))
        .bind(f(i.transfer))
        .bind(f(i.operating_cost))
        .bind(f(i.claims))
        .bind(f(i.out_of_pocket))
        .bind($now)
        .bind($now)
        .fetch_one($tx)
        .await
        .map_err($crate::domain_err)?;
        $crate::incomes::insert_items!($tx, income_id, i, $now);
        income_id
    }};
}
pub(crate) use insert_income;

macro_rules! insert_items {
    ($tx:expr, $income_id:expr, $i:expr, $now:expr) => {{
        for item in &$i.items {
            sqlx::query(
                "insert into income_items (income_id, kind, amount_fen, note, created_at) values ($1, $2, $3, $4, $5)",
            )
            .bind($income_id)
            .bind(item.kind.code())
            .bind(item.amount.0)
            .bind(item.note.as_deref())
            .bind($now)
            .execute($tx)
            .await
            .map_err($crate::domain_err)?;
        }
    }};
}
pub(crate) use insert_items;

pub(crate) fn income_row(r: &impl Get) -> DomainResult<(i64, Income)> {
    let f = |col: &str| -> DomainResult<Option<Fen>> { Ok(r.opt_i64(col)?.map(Fen)) };
    let period = r.text("period")?;
    Ok((
        r.int("income_id")?,
        Income {
            period: IncomePeriod::from_code(&period)
                .ok_or_else(|| DomainError::Internal(format!("column period: “{period}”")))?,
            household_size: r.int("household_size")?,
            wages: f("wages_fen")?,
            operating: f("operating_fen")?,
            property: f("property_fen")?,
            transfer: f("transfer_fen")?,
            operating_cost: f("operating_cost_fen")?,
            claims: f("claims_fen")?,
            out_of_pocket: f("out_of_pocket_fen")?,
            items: Vec::new(),
        },
    ))
}

pub(crate) fn item_row(r: &impl Get) -> DomainResult<(i64, IncomeItem)> {
    let kind = r.text("kind")?;
    Ok((
        r.int("income_id")?,
        IncomeItem {
            kind: IncomeItemKind::parse(&kind)
                .ok_or_else(|| DomainError::Internal(format!("column kind: “{kind}”")))?,
            amount: Fen(r.int("amount_fen")?),
            note: r.opt_text("note")?,
        },
    ))
}

impl IncomeStore for Db {
    async fn incomes(&self, scope: &Scope, id: HouseholdId) -> DomainResult<Vec<Income>> {
        self.check_in_scope(scope, id).await?;
        let sql = format!("{SELECT} where household_id = $1");
        let (rows, items) = dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(id.0).fetch_all(pool).await.map_err(domain_err)?;
            let items = sqlx::query("select i.income_id, i.kind, i.amount_fen, i.note from income_items i \
                join incomes x on x.income_id = i.income_id where x.household_id = $1 and i.replaced_at is null \
                order by i.income_item_id")
                .bind(id.0).fetch_all(pool).await.map_err(domain_err)?;
            (rows.iter().map(income_row).collect::<DomainResult<Vec<_>>>()?,
             items.iter().map(item_row).collect::<DomainResult<Vec<_>>>()?)
        });
        let mut out: Vec<Income> = rows
            .into_iter()
            .map(|(income_id, mut income)| {
                income.items = items.iter().filter(|(i, _)| *i == income_id).map(|(_, item)| item.clone()).collect();
                income
            })
            .collect();
        out.sort_by_key(|i| std::cmp::Reverse(i.period.last_month()));
        Ok(out)
    }

    async fn record_income(
        &self,
        scope: &Scope,
        id: HouseholdId,
        command: &RecordIncome,
        actor: &Actor,
    ) -> DomainResult<()> {
        let RecordIncome { income, replace } = command;
        income.validate().map_err(DomainError::Invalid)?;
        let area = self.household(scope, id).await?.data.village_code;
        let now = self.clock().now();
        let sql = format!("{SELECT} where household_id = $1 and period = $2");
        let code = income.period.code();
        let field = format!("income_{code}");
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // Read what is there inside the writing transaction, so the audit's "before" is true.
            let before = sqlx::query(crate::sql(&sql)).bind(id.0).bind(&code)
                .fetch_optional(&mut *tx).await.map_err(domain_err)?.as_ref().map(income_row).transpose()?;
            let before = match before {
                Some((income_id, mut old)) => {
                    if !*replace {
                        return Err(DomainError::conflict(
                            "period",
                            format!("{}已登记收入；如需替换，请核对后确认替换", income.period.label_zh()),
                        ));
                    }
                    let items = sqlx::query("select income_id, kind, amount_fen, note from income_items \
                        where income_id = $1 and replaced_at is null order by income_item_id")
                        .bind(income_id).fetch_all(&mut *tx).await.map_err(domain_err)?;
                    old.items = items.iter().map(item_row).map(|r| r.map(|(_, i)| i)).collect::<DomainResult<_>>()?;
                    let f = |v: Option<Fen>| v.map(|f| f.0);
                    sqlx::query("update incomes set household_size = $1, wages_fen = $2, operating_fen = $3, \
                        property_fen = $4, transfer_fen = $5, operating_cost_fen = $6, claims_fen = $7, \
                        out_of_pocket_fen = $8, updated_at = $9 where income_id = $10")
                        .bind(income.household_size).bind(f(income.wages)).bind(f(income.operating))
                        .bind(f(income.property)).bind(f(income.transfer)).bind(f(income.operating_cost))
                        .bind(f(income.claims)).bind(f(income.out_of_pocket)).bind(now).bind(income_id)
                        .execute(&mut *tx).await.map_err(domain_err)?;
                    sqlx::query("update income_items set replaced_at = $1 where income_id = $2 and replaced_at is null")
                        .bind(now).bind(income_id).execute(&mut *tx).await.map_err(domain_err)?;
                    insert_items!(&mut *tx, income_id, income, now);
                    Some(old)
                }
                None => {
                    insert_income!(&mut *tx, id.0, income, now);
                    None
                }
            };
            let entry = AuditEntry::new(actor, if before.is_some() { AuditAction::Update } else { AuditAction::Create })
                .object("household", id.0, Some(area.as_str()))
                .change(&field, before.as_ref().map(Income::describe), Some(income.describe()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}
