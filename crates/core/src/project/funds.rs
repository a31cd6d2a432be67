//! 衔接资金 from allocation to payment: an allocation (source, year, document, amount) is
//! arranged to projects (安排), and a project's arranged money is paid out (拨付). Every rule
//! of what may move is here, once, over the sums as they are: nothing is arranged beyond what
//! an allocation still has, nothing paid beyond what a project has been arranged and not yet
//! paid, a reduction never goes below what was paid, a reversal (冲销) only of a payment not
//! reversed before. Nothing is deleted: a reduction and a reversal are entries of their own.

use crate::error::FieldError;
use std::fmt;

use crate::household::codes::{CodeList, UnknownCode, code_list, same_token};
use crate::household::model::{Fields, parse_date};
use crate::money::Fen;
use chrono::{Datelike, NaiveDate};

code_list! {
    /// 资金来源.
    pub enum FundSource: "资金来源" {
        Central => "central", "中央衔接资金", "Central transition funds", ["中央财政衔接推进乡村振兴补助资金", "中央"];
        Provincial => "provincial", "省级衔接资金", "Provincial transition funds", ["省级"];
        Municipal => "municipal", "市级衔接资金", "Municipal transition funds", ["市级"];
        County => "county", "县级衔接资金", "County transition funds", ["县级", "区级衔接资金"];
        Integrated => "integrated", "统筹整合涉农资金", "Integrated agricultural funds", ["整合涉农资金"];
        EastWest => "east_west", "东西部协作资金", "East–west cooperation", ["东西部协作"];
        Paired => "paired", "定点帮扶资金", "Paired assistance", ["定点帮扶"];
        Social => "social", "社会帮扶资金", "Social assistance", ["社会帮扶"];
    }
}

/// The sums of one allocation, or of one project within one allocation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    /// What the allocation brought (for a project line: nothing).
    pub allocated: Fen,
    /// Arranged to projects, less reductions.
    pub committed: Fen,
    /// Paid out, less reversals.
    pub paid: Fen,
}

impl Sums {
    /// What an allocation may still arrange.
    pub fn unarranged(&self) -> Fen {
        self.allocated - self.committed
    }

    /// What a project may still be paid from its arranged money.
    pub fn unpaid(&self) -> Fen {
        self.committed - self.paid
    }
}

fn yuan(f: Fen) -> String {
    f.display_yuan()
}

/// 安排: `amount` of an allocation whose sums are `allocation` to a project.
pub fn check_commit(allocation: &Sums, amount: Fen) -> Result<(), FieldError> {
    if amount.0 <= 0 {
        return Err(FieldError::new("amount", "安排金额应大于0"));
    }
    if amount > allocation.unarranged() {
        return Err(FieldError::new(
            "amount",
            format!(
                "本次安排 {}，超过这笔资金尚未安排的 {}（下达 {}，已安排 {}）",
                yuan(amount),
                yuan(allocation.unarranged()),
                yuan(allocation.allocated),
                yuan(allocation.committed)
            ),
        ));
    }
    Ok(())
}

/// 调减: takes `amount` back from a project's arrangement whose sums are `line`.
pub fn check_reduce(line: &Sums, amount: Fen) -> Result<(), FieldError> {
    if amount.0 <= 0 {
        return Err(FieldError::new("amount", "调减金额应大于0"));
    }
    if amount > line.unpaid() {
        return Err(FieldError::new(
            "amount",
            format!(
                "调减 {} 后将少于已拨付的金额：该项目在这笔资金中已安排 {}，已拨付 {}，最多可调减 {}",
                yuan(amount),
                yuan(line.committed),
                yuan(line.paid),
                yuan(line.unpaid())
            ),
        ));
    }
    Ok(())
}

/// 拨付: `amount` to a project from its arranged money whose sums are `line`.
pub fn check_payment(line: &Sums, amount: Fen) -> Result<(), FieldError> {
    if amount.0 <= 0 {
        return Err(FieldError::new("amount", "拨付金额应大于0"));
    }
    if amount > line.unpaid() {
        return Err(FieldError::new(
            "amount",
            format!(
                "本次拨付 {}，超过该项目尚未拨付的 {}（已安排 {}，已拨付 {}）",
                yuan(amount),
                yuan(line.unpaid()),
                yuan(line.committed),
                yuan(line.paid)
            ),
        ));
    }
    Ok(())
}

/// The share of `industry` in `all` in tenths of a per cent (603 = 60.3 %), and whether it
/// reaches the rule's 60 %. Nothing arranged yet: no share, not refused.
pub fn industry_share(industry: Fen, all: Fen) -> Option<(i64, bool)> {
    Some((permille(industry, all)?, i128::from(industry.0) * 10 >= i128::from(all.0) * 6))
}

/// `part` of `whole` in tenths of a per cent, rounded down (707 = 70.7 %); none of nothing.
pub fn permille(part: Fen, whole: Fen) -> Option<i64> {
    (whole.0 > 0).then(|| (i128::from(part.0) * 1000 / i128::from(whole.0)) as i64)
}

/// "60.3%".
pub fn permille_zh(p: i64) -> String {
    format!("{}.{}%", p / 10, p % 10)
}

/// An allocation as the office enters it from the document that issued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationData {
    pub source: FundSource,
    pub year: i32,
    /// 文号, e.g. 驻财预〔2026〕12号.
    pub doc_no: String,
    pub issued_on: NaiveDate,
    pub amount: Fen,
    pub purpose: Option<String>,
}

fn amount_of(f: &(impl Fields + ?Sized), what: &str, errors: &mut Vec<FieldError>) -> Option<Fen> {
    match f.get("amount").trim() {
        "" => {
            errors.push(FieldError::new("amount", format!("请填写{what}（元）")));
            None
        }
        raw => match Fen::parse_yuan(raw) {
            Ok(v) if v.0 > 0 => Some(v),
            Ok(_) => {
                errors.push(FieldError::new("amount", format!("{what}应大于0")));
                None
            }
            Err(e) => {
                errors.push(FieldError::new("amount", format!("{what}：{e}")));
                None
            }
        },
    }
}

fn date_of(
    f: &(impl Fields + ?Sized),
    k: &str,
    what: &str,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    match f.get(k).trim() {
        "" => {
            errors.push(FieldError::new(k, format!("请填写{what}")));
            None
        }
        raw => match parse_date(raw) {
            Some(d) if d > today => {
                errors.push(FieldError::new(k, format!("{what}不能晚于今天")));
                None
            }
            Some(d) => Some(d),
            None => {
                errors.push(FieldError::new(k, format!("{what}格式应为 2026-03-01")));
                None
            }
        },
    }
}

impl AllocationData {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<AllocationData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let source = match f.get("source").trim() {
            "" => {
                errors.push(FieldError::new("source", "请选择资金来源"));
                None
            }
            raw => raw.parse::<FundSource>().map_err(|e| errors.push(FieldError::new("source", e.to_string()))).ok(),
        };
        let year = match f.get("year").trim().trim_end_matches('年') {
            "" => {
                errors.push(FieldError::new("year", "请填写资金年度"));
                None
            }
            raw => match raw.parse::<i32>() {
                Ok(y) if (2021..=today.year() + 1).contains(&y) => Some(y),
                _ => {
                    errors.push(FieldError::new("year", format!("资金年度应在2021年至{}年之间", today.year() + 1)));
                    None
                }
            },
        };
        let doc_no = f.get("doc_no").trim().to_owned();
        if doc_no.is_empty() {
            errors.push(FieldError::new("doc_no", "请填写下达资金的文号，如 驻财预〔2026〕12号"));
        } else if doc_no.chars().count() > 60 {
            errors.push(FieldError::new("doc_no", "文号不能超过60个字"));
        }
        let issued_on = date_of(f, "issued_on", "下达日期", today, &mut errors);
        let amount = amount_of(f, "下达金额", &mut errors);
        let purpose = f.get("purpose").trim();
        if purpose.chars().count() > 200 {
            errors.push(FieldError::new("purpose", "资金用途不能超过200个字"));
        }
        match (source, year, issued_on, amount) {
            (Some(source), Some(year), Some(issued_on), Some(amount)) if errors.is_empty() => Ok(AllocationData {
                source,
                year,
                doc_no,
                issued_on,
                amount,
                purpose: (!purpose.is_empty()).then(|| purpose.to_owned()),
            }),
            _ => Err(errors),
        }
    }
}

/// A movement of money as typed: 安排 or 调减 (date and amount), or 拨付 (also the payee and the
/// voucher).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub on: NaiveDate,
    pub amount: Fen,
    pub payee: Option<String>,
    pub voucher_no: Option<String>,
    pub note: Option<String>,
}

impl Movement {
    /// `payment`: the payee is required (拨付 goes to someone).
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate, payment: bool) -> Result<Movement, Vec<FieldError>> {
        let mut errors = Vec::new();
        let on = date_of(f, "on", if payment { "拨付日期" } else { "安排日期" }, today, &mut errors);
        let amount = amount_of(f, if payment { "拨付金额" } else { "金额" }, &mut errors);
        let text = |k: &str, what: &str, max: usize, errors: &mut Vec<FieldError>| {
            let v = f.get(k).trim();
            if v.chars().count() > max {
                errors.push(FieldError::new(k, format!("{what}不能超过{max}个字")));
            }
            (!v.is_empty()).then(|| v.to_owned())
        };
        let payee = text("payee", "收款单位或个人", 60, &mut errors);
        if payment && payee.is_none() {
            errors.push(FieldError::new("payee", "请填写收款单位或个人"));
        }
        let voucher_no = text("voucher_no", "凭证号", 40, &mut errors);
        let note = text("note", "说明", 200, &mut errors);
        match (on, amount) {
            (Some(on), Some(amount)) if errors.is_empty() => Ok(Movement { on, amount, payee, voucher_no, note }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arrangement_beyond_the_allocation_is_refused_with_the_amounts() {
        let a = Sums { allocated: Fen(100_000_000), committed: Fen(80_000_000), paid: Fen(0) };
        assert!(check_commit(&a, Fen(20_000_000)).is_ok());
        let e = check_commit(&a, Fen(20_000_001)).unwrap_err();
        assert_eq!(
            e.message,
            "本次安排 200,000.01元，超过这笔资金尚未安排的 200,000.00元（下达 1,000,000.00元，已安排 800,000.00元）"
        );
        assert_eq!(check_commit(&a, Fen(0)).unwrap_err().message, "安排金额应大于0");
    }

    #[test]
    fn a_payment_above_what_remains_is_refused_with_the_amounts() {
        let line = Sums { allocated: Fen(0), committed: Fen(50_000_000), paid: Fen(42_000_000) };
        let e = check_payment(&line, Fen(12_000_000)).unwrap_err();
        assert_eq!(
            e.message,
            "本次拨付 120,000.00元，超过该项目尚未拨付的 80,000.00元（已安排 500,000.00元，已拨付 420,000.00元）"
        );
        assert!(check_payment(&line, Fen(8_000_000)).is_ok());
        let e = check_reduce(&line, Fen(9_000_000)).unwrap_err();
        assert!(e.message.contains("最多可调减 80,000.00元"), "{}", e.message);
    }

    #[test]
    fn an_allocation_names_its_source_document_date_and_amount() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let f: std::collections::HashMap<String, String> = [
            ("source", "中央"),
            ("year", "2026"),
            ("doc_no", "驻财预〔2026〕12号"),
            ("issued_on", "2026-03-15"),
            ("amount", "12,600,000.00"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let a = AllocationData::parse(&f, today).unwrap();
        assert_eq!((a.source, a.amount), (FundSource::Central, Fen(1_260_000_000)));
        let e = AllocationData::parse(&std::collections::HashMap::<String, String>::new(), today).unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["source", "year", "doc_no", "issued_on", "amount"]);
        let pay: std::collections::HashMap<String, String> =
            [("on", "2026-12-05"), ("amount", "-5")].iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let e = Movement::parse(&pay, today, true).unwrap_err();
        let msgs: Vec<_> = e.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs, ["拨付日期不能晚于今天", "拨付金额应大于0", "请填写收款单位或个人"]);
    }

    #[test]
    fn the_industry_share_is_measured_against_sixty_per_cent() {
        assert_eq!(industry_share(Fen(603), Fen(1000)), Some((603, true)));
        assert_eq!(industry_share(Fen(599), Fen(1000)), Some((599, false)));
        assert_eq!(industry_share(Fen(6), Fen(10)), Some((600, true)), "exactly 60 % passes");
        assert_eq!(industry_share(Fen(0), Fen(0)), None);
        assert_eq!(permille_zh(603), "60.3%");
    }

    /// A ledger in memory, moved only through the checks above.
    #[derive(Default)]
    struct Ledger {
        allocations: Vec<Fen>,
        /// (allocation, project) → arranged entries (reductions negative), and payments with
        /// whether each was reversed.
        commits: Vec<(usize, usize, Fen)>,
        payments: Vec<(usize, usize, Fen, bool)>,
    }

    impl Ledger {
        fn allocation(&self, a: usize) -> Sums {
            let committed = self.commits.iter().filter(|c| c.0 == a).map(|c| c.2).sum();
            let paid = self.payments.iter().filter(|p| p.0 == a && !p.3).map(|p| p.2).sum();
            Sums { allocated: self.allocations[a], committed, paid }
        }

        fn line(&self, a: usize, p: usize) -> Sums {
            let committed = self.commits.iter().filter(|c| c.0 == a && c.1 == p).map(|c| c.2).sum();
            let paid = self.payments.iter().filter(|x| x.0 == a && x.1 == p && !x.3).map(|x| x.2).sum();
            Sums { allocated: Fen(0), committed, paid }
        }
    }

    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    #[test]
    fn no_sequence_of_allocations_arrangements_payments_and_reversals_drifts_or_goes_negative() {
        for seed in 1..=40u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let mut l = Ledger::default();
            for _ in 0..400 {
                let amount = Fen(rng.below(5_000_000) as i64 - 100_000);
                match rng.below(5) {
                    0 if amount.0 > 0 => l.allocations.push(amount),
                    1 if !l.allocations.is_empty() => {
                        let a = rng.below(l.allocations.len() as u64) as usize;
                        if check_commit(&l.allocation(a), amount).is_ok() {
                            l.commits.push((a, rng.below(4) as usize, amount));
                        }
                    }
                    2 if !l.allocations.is_empty() => {
                        let (a, p) = (rng.below(l.allocations.len() as u64) as usize, rng.below(4) as usize);
                        if check_reduce(&l.line(a, p), amount).is_ok() {
                            l.commits.push((a, p, -amount));
                        }
                    }
                    3 if !l.allocations.is_empty() => {
                        let (a, p) = (rng.below(l.allocations.len() as u64) as usize, rng.below(4) as usize);
                        if check_payment(&l.line(a, p), amount).is_ok() {
                            l.payments.push((a, p, amount, false));
                        }
                    }
                    4 if !l.payments.is_empty() => {
                        let i = rng.below(l.payments.len() as u64) as usize;
                        l.payments[i].3 = true; // a reversal: the payment no longer counts
                    }
                    _ => {}
                }
                for a in 0..l.allocations.len() {
                    let s = l.allocation(a);
                    assert!(s.paid.0 >= 0 && s.paid <= s.committed && s.committed <= s.allocated, "{s:?}");
                    let lines: Vec<Sums> = (0..4).map(|p| l.line(a, p)).collect();
                    assert_eq!(lines.iter().map(|x| x.committed).sum::<Fen>(), s.committed, "lines add up");
                    assert_eq!(lines.iter().map(|x| x.paid).sum::<Fen>(), s.paid);
                    assert!(lines.iter().all(|x| x.paid.0 >= 0 && x.paid <= x.committed), "{lines:?}");
                }
            }
        }
    }
}

/// 支出进度目标: the share of the year's arranged money to be paid by the end of each month,
/// cumulative, in per mille. The default is the province's usual schedule (a fifth by March,
/// 60 % by June, 80 % by September, all by November); the district may set its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthlyTargets(pub [i64; 12]);

impl Default for MonthlyTargets {
    fn default() -> Self {
        MonthlyTargets([0, 0, 200, 300, 400, 600, 650, 700, 800, 900, 1000, 1000])
    }
}

/// The settings row of [`MonthlyTargets`]: twelve whole per cents, "0,0,20,…,100".
pub const MONTHLY_TARGETS_SETTING: &str = "fund_monthly_targets";

/// How a year's spending stands against the month's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// 拨付进度: paid of arranged, per mille.
    pub actual: i64,
    /// The target at the end of the current month (all of it for a past year), per mille.
    pub target: i64,
    /// The month the target is for (12 for a past year).
    pub month: u32,
}

impl Progress {
    pub fn behind(&self) -> bool {
        self.actual < self.target
    }

    /// "拨付进度 70.7%，12月底目标 100.0%，落后 29.3 个百分点".
    pub fn describe_zh(&self) -> String {
        let gap = (self.target - self.actual).abs();
        format!(
            "拨付进度 {}，{}月底目标 {}，{}",
            permille_zh(self.actual),
            self.month,
            permille_zh(self.target),
            if self.behind() {
                format!("落后 {}.{} 个百分点", gap / 10, gap % 10)
            } else {
                "已达到".to_owned()
            }
        )
    }
}

impl MonthlyTargets {
    /// From the setting's value; anything unreadable keeps the default.
    pub fn from_setting(v: Option<&str>) -> MonthlyTargets {
        v.and_then(|v| {
            let pcts: Vec<i64> = v.split(',').map(|p| p.trim().parse::<i64>()).collect::<Result<_, _>>().ok()?;
            let arr: [i64; 12] = pcts.try_into().ok()?;
            let t = MonthlyTargets(arr.map(|p| p * 10));
            t.problem().is_none().then_some(t)
        })
        .unwrap_or_default()
    }

    /// The setting's value.
    pub fn to_setting(&self) -> String {
        self.0.iter().map(|p| (p / 10).to_string()).collect::<Vec<_>>().join(",")
    }

    fn problem(&self) -> Option<FieldError> {
        for (i, p) in self.0.iter().enumerate() {
            if !(0..=1000).contains(p) {
                return Some(FieldError::new(format!("m{}", i + 1), format!("{}月底目标应在0%至100%之间", i + 1)));
            }
            if i > 0 && *p < self.0[i - 1] {
                return Some(FieldError::new(
                    format!("m{}", i + 1),
                    format!(
                        "{}月底目标{}低于{}月底的{}：进度目标是累计的，不能下降",
                        i + 1,
                        permille_zh(*p),
                        i,
                        permille_zh(self.0[i - 1])
                    ),
                ));
            }
        }
        (self.0[11] != 1000).then(|| FieldError::new("m12", "12月底目标应为100%（全年资金年底前拨付完毕）"))
    }

    /// The settings form: m1 … m12 in whole per cents.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<MonthlyTargets, Vec<FieldError>> {
        let mut arr = [0i64; 12];
        let mut errors = Vec::new();
        for (i, slot) in arr.iter_mut().enumerate() {
            let k = format!("m{}", i + 1);
            let raw = crate::household::model::normalise_digits(f.get(&k).trim());
            match raw.trim_end_matches('%').parse::<i64>() {
                Ok(p) => *slot = p * 10,
                Err(_) => errors.push(FieldError::new(k, format!("请填写{}月底目标（0至100的整数）", i + 1))),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let t = MonthlyTargets(arr);
        match t.problem() {
            Some(e) => Err(vec![e]),
            None => Ok(t),
        }
    }

    /// Where `year`'s money should be by the end of this month: all of it for a past year,
    /// nothing yet for a future one.
    pub fn progress(&self, paid: Fen, committed: Fen, year: i32, today: NaiveDate) -> Option<Progress> {
        let actual = permille(paid, committed)?;
        let (target, month) = match year.cmp(&today.year()) {
            std::cmp::Ordering::Less => (1000, 12),
            std::cmp::Ordering::Greater => (0, 1),
            std::cmp::Ordering::Equal => (self.0[today.month0() as usize], today.month()),
        };
        Some(Progress { actual, target, month })
    }
}

#[cfg(test)]
mod monthly_tests {
    use super::*;
    use std::collections::HashMap;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_years_spending_is_measured_against_the_months_target() {
        let t = MonthlyTargets::default();
        let p = t.progress(Fen(45_000), Fen(100_000), 2026, d("2026-06-15")).unwrap();
        assert_eq!(p.describe_zh(), "拨付进度 45.0%，6月底目标 60.0%，落后 15.0 个百分点");
        let p = t.progress(Fen(70_700), Fen(100_000), 2025, d("2026-03-01")).unwrap();
        assert_eq!(p.describe_zh(), "拨付进度 70.7%，12月底目标 100.0%，落后 29.3 个百分点");
        let p = t.progress(Fen(30_000), Fen(100_000), 2026, d("2026-04-30")).unwrap();
        assert_eq!(p.describe_zh(), "拨付进度 30.0%，4月底目标 30.0%，已达到");
        assert!(t.progress(Fen(0), Fen(0), 2026, d("2026-04-30")).is_none(), "nothing arranged: no progress");
    }

    #[test]
    fn targets_are_cumulative_and_reach_all_by_december() {
        let form = |v: &[&str]| -> HashMap<String, String> {
            v.iter().enumerate().map(|(i, p)| (format!("m{}", i + 1), (*p).to_owned())).collect()
        };
        let ok =
            MonthlyTargets::parse(&form(&["0", "10", "20", "30", "40", "60", "65", "70", "80", "90", "100", "100"]))
                .unwrap();
        assert_eq!(ok.to_setting(), "0,10,20,30,40,60,65,70,80,90,100,100");
        assert_eq!(MonthlyTargets::from_setting(Some(&ok.to_setting())), ok);
        let down =
            MonthlyTargets::parse(&form(&["0", "10", "20", "30", "40", "60", "50", "70", "80", "90", "100", "100"]));
        assert_eq!(down.unwrap_err()[0].message, "7月底目标50.0%低于6月底的60.0%：进度目标是累计的，不能下降");
        let short =
            MonthlyTargets::parse(&form(&["0", "10", "20", "30", "40", "60", "65", "70", "80", "90", "95", "95"]));
        assert_eq!(short.unwrap_err()[0].message, "12月底目标应为100%（全年资金年底前拨付完毕）");
        let blank =
            MonthlyTargets::parse(&form(&["0", "", "20", "30", "40", "60", "65", "70", "80", "90", "100", "100"]));
        assert_eq!(blank.unwrap_err()[0].message, "请填写2月底目标（0至100的整数）");
        assert_eq!(MonthlyTargets::from_setting(Some("bad")), MonthlyTargets::default());
    }
}
