//! Storage ports: narrow traits per domain, implemented once per backend in bangfu-db.
//! Every household query takes a [`Scope`]: a query without one does not compile.

use chrono::NaiveDate;

use crate::area::{Area, AreaCode, Scope};
use crate::error::DomainResult;
use crate::household::*;
use crate::ids::*;

/// What a household list shows per row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HouseholdSummary {
    pub id: HouseholdId,
    pub household_no: String,
    pub village_code: AreaCode,
    pub head_name: Option<String>,
    pub household_type: HouseholdType,
    pub status: Option<PovertyStatus>,
    pub monitoring_type: Option<MonitoringType>,
    pub attribute: Option<PovertyAttribute>,
    pub main_cause: Option<PovertyCause>,
    pub size: i64,
}

#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    pub area: Option<AreaCode>,
    pub household_type: Option<HouseholdType>,
    pub status: Option<PovertyStatus>,
    pub attribute: Option<PovertyAttribute>,
    pub main_cause: Option<PovertyCause>,
    pub monitoring_type: Option<MonitoringType>,
    /// 搜索: a member's name, pinyin initials ("wxm") or full pinyin, a full ID number, or a household number.
    pub query: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

/// The highest page number a request may ask for: beyond any register's last page at any
/// page size, and far from where `page + 1` or `(page - 1) × size` could overflow.
pub const MAX_PAGE: u32 = 1_000_000;

/// A page number as a request sends it (`?page=`): digits give that page, bounded to
/// 1..=[`MAX_PAGE`]; a blank, a sign or anything not a number is page 1. Never an error and
/// never an overflow (`?page=9223372036854775807` is page 1 000 000, an empty last page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNo(pub u32);

impl Default for PageNo {
    fn default() -> Self {
        PageNo(1)
    }
}

impl PageNo {
    pub fn parse(text: &str) -> PageNo {
        let text = text.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return PageNo(1);
        }
        let n = text.parse::<u64>().unwrap_or(u64::MAX);
        PageNo(u32::try_from(n).unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE))
    }
}

impl<'de> serde::Deserialize<'de> for PageNo {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = PageNo;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a page number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PageNo, E> {
                Ok(PageNo::parse(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<PageNo, E> {
                Ok(PageNo::parse(&v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<PageNo, E> {
                Ok(PageNo::parse(&v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn a_page_number_from_a_request_is_bounded_and_never_fails() {
        let pages: Vec<u32> = ["3", "", "0", "-5", "abc", "9223372036854775807", "99999999999999999999999", " 7 "]
            .iter()
            .map(|t| PageNo::parse(t).0)
            .collect();
        assert_eq!(pages, [3, 1, 1, 1, 1, MAX_PAGE, MAX_PAGE, 7]);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AreaCount {
    pub area: Area,
    pub households: i64,
    /// 脱贫户 (the former 建档立卡 households) on the register.
    pub tuopin: i64,
    pub monitored: i64,
    pub people: i64,
}

pub trait AreaStore {
    /// Inserts or renames areas; returns how many rows were written.
    fn upsert_areas(&self, areas: &[Area]) -> impl Future<Output = DomainResult<u64>> + Send;
    fn area(&self, code: &AreaCode) -> impl Future<Output = DomainResult<Option<Area>>> + Send;
    fn children(&self, code: &AreaCode) -> impl Future<Output = DomainResult<Vec<Area>>> + Send;
    fn count_areas(&self) -> impl Future<Output = DomainResult<i64>> + Send;
    /// 选择村: areas inside the scope matching the search, in code order (so township by
    /// township), at most `search.limit` of them: a bounded range scan on the primary key.
    fn search_areas(
        &self,
        scope: &Scope,
        search: &crate::area::AreaSearch,
    ) -> impl Future<Output = DomainResult<Vec<crate::area::AreaMatch>>> + Send;
    /// The named areas that lie inside the scope, each with its parent's name, in one query
    /// (a list page's village column, a form's chosen village). Unknown codes are left out.
    fn labelled_areas(
        &self,
        scope: &Scope,
        codes: &[AreaCode],
    ) -> impl Future<Output = DomainResult<Vec<crate::area::AreaMatch>>> + Send;
}

/// A household's life events (crate::household::events): 户主变更, 分户, 合户, 注销. Each runs
/// in one transaction that locks the household, checks `expected_version` (the household's
/// version the form was read at: a stale form is `Stale`), runs the event's rules again on the
/// members read under the lock, and writes the members, the household history and the audit rows.
pub trait HouseholdEventStore {
    fn change_head(
        &self,
        scope: &Scope,
        id: HouseholdId,
        expected_version: i64,
        change: &crate::household::events::ChangeHead,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// Returns the new household.
    fn split_household(
        &self,
        scope: &Scope,
        id: HouseholdId,
        expected_version: i64,
        split: &crate::household::events::SplitHousehold,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<HouseholdId>> + Send;
    /// `merge.from`'s current members join `into`; `merge.from` is 注销 (合户).
    fn merge_households(
        &self,
        scope: &Scope,
        into: HouseholdId,
        expected_version: i64,
        merge: &crate::household::events::MergeHouseholds,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    fn deregister_household(
        &self,
        scope: &Scope,
        id: HouseholdId,
        expected_version: i64,
        deregister: &crate::household::events::Deregister,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// A current household inside the scope by its 户编号 (for 合户).
    fn household_by_no(
        &self,
        scope: &Scope,
        household_no: &str,
    ) -> impl Future<Output = DomainResult<Option<HouseholdId>>> + Send;
}

pub trait HouseholdStore {
    /// 登记: a household with its members (one head) and optional first income, in one
    /// transaction. The command's rules ([`RegisterHousehold::check`]) are run again here.
    fn create_household(
        &self,
        scope: &Scope,
        command: &RegisterHousehold,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<HouseholdId>> + Send;
    /// 更正 of a household's own record (not its status: that has its own dated history). If
    /// anyone saved since the command's `expected_version`, nothing is saved and the answer is
    /// [`crate::DomainError::Stale`], naming who changed what.
    fn update_household(
        &self,
        scope: &Scope,
        id: HouseholdId,
        command: &CorrectHousehold,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// The villages inside a scope, for forms.
    fn villages(&self, scope: &Scope) -> impl Future<Output = DomainResult<Vec<Area>>> + Send;
    fn household(&self, scope: &Scope, id: HouseholdId) -> impl Future<Output = DomainResult<Household>> + Send;
    fn list_households(
        &self,
        scope: &Scope,
        filter: &HouseholdFilter,
        page: Page,
    ) -> impl Future<Output = DomainResult<(Vec<HouseholdSummary>, i64)>> + Send;
    fn members(&self, scope: &Scope, id: HouseholdId) -> impl Future<Output = DomainResult<Vec<Member>>> + Send;
    /// 增员: the newcomer is checked with the household's members under its lock.
    fn add_member(
        &self,
        scope: &Scope,
        id: HouseholdId,
        command: &MemberJoins,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<MemberId>> + Send;
    /// Corrects a member's record; each changed field goes to the audit log in the same transaction.
    /// A save based on an older version than the current one is `Stale`.
    fn update_member(
        &self,
        scope: &Scope,
        member: MemberId,
        command: &CorrectMember,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<HouseholdId>> + Send;
    fn member(&self, scope: &Scope, member: MemberId) -> impl Future<Output = DomainResult<Member>> + Send;
    /// 减员 (death, marriage, moving away): kept, marked with the date and reason; the command's
    /// rules ([`MemberLeaves::check`]) run on the members as locked.
    fn member_leaves(
        &self,
        scope: &Scope,
        member: MemberId,
        command: &MemberLeaves,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    fn change_status(
        &self,
        scope: &Scope,
        id: HouseholdId,
        status: PovertyStatus,
        on: NaiveDate,
        reason: &str,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    fn history(&self, scope: &Scope, id: HouseholdId) -> impl Future<Output = DomainResult<Vec<HistoryEntry>>> + Send;
    /// Households, poor, monitored and people per child area of `parent`, inside the scope.
    fn counts_by_child_area(
        &self,
        scope: &Scope,
        parent: &AreaCode,
    ) -> impl Future<Output = DomainResult<Vec<AreaCount>>> + Send;
}

/// 收入: a household's income per period, with the household size of that period stored.
pub trait IncomeStore {
    /// Newest period first.
    fn incomes(&self, scope: &Scope, id: HouseholdId) -> impl Future<Output = DomainResult<Vec<Income>>> + Send;
    /// Records a period's figures. When the period already has figures, refuses with a
    /// `Conflict` on `period` unless the command says `replace`; replacing keeps the old
    /// sub-items (marked replaced) and audits before → after, all in one transaction.
    fn record_income(
        &self,
        scope: &Scope,
        id: HouseholdId,
        command: &RecordIncome,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
}

/// 监测范围 and 贫困线: district reference data. Reads are open to every user; writes check
/// that the line's area is settable from the user's scope ([`crate::line::LineArea::settable_in`]).
pub trait LineStore {
    /// Every line on the scope's ancestor chain or inside the scope: kind, area, newest year first.
    fn lines(&self, scope: &Scope) -> impl Future<Output = DomainResult<Vec<crate::line::Line>>> + Send;
    fn line(
        &self,
        scope: &Scope,
        id: crate::line::LineId,
    ) -> impl Future<Output = DomainResult<crate::line::Line>> + Send;
    /// Oldest first.
    fn line_history(
        &self,
        scope: &Scope,
        id: crate::line::LineId,
    ) -> impl Future<Output = DomainResult<Vec<crate::line::LineChange>>> + Send;
    /// A new line; `Conflict` when that kind, year and area already has one.
    fn create_line(
        &self,
        scope: &Scope,
        data: &crate::line::LineData,
        reason: &str,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<crate::line::LineId>> + Send;
    /// 调整: a new amount, document, date, flag or note; kind, year and area stay. The change
    /// goes to the line's history and the audit log in the same transaction.
    /// `expected_version` is the version the adjustment was read at: a line adjusted since is
    /// refused with [`crate::DomainError::Stale`], naming who changed it, and nothing is saved.
    fn adjust_line(
        &self,
        scope: &Scope,
        id: crate::line::LineId,
        expected_version: i64,
        data: &crate::line::LineData,
        reason: &str,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// 接近监测范围的幅度（%）, default [`crate::line::DEFAULT_MARGIN_PERCENT`].
    fn line_margin_percent(&self) -> impl Future<Output = DomainResult<u32>> + Send;
    fn set_line_margin_percent(
        &self,
        percent: u32,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
}

/// 防止返贫致贫监测: a household's monitoring episodes, read. Storage re-checks the episode
/// rules inside its transaction and keeps `households.monitoring_type` (the open episode's type) in step.
pub trait MonitoringStore {
    /// Every episode of the household, the open one first, then newest first.
    fn episodes(
        &self,
        scope: &Scope,
        household: HouseholdId,
    ) -> impl Future<Output = DomainResult<Vec<crate::monitoring::Episode>>> + Send;
    // Episodes open and close only by an approved procedure (bangfu_db::procedures), or by
    // carrying over a register kept before (Db::backfill_episode).
}

/// 帮扶: helpers and their assignment to households.
pub trait AssistanceStore {
    /// Registers a helper inside the scope; a registered poor person cannot be a helper.
    fn create_helper(
        &self,
        scope: &Scope,
        data: &crate::assistance::HelperData,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<HelperId>> + Send;
    fn helpers(&self, scope: &Scope) -> impl Future<Output = DomainResult<Vec<crate::assistance::Helper>>> + Send;
    /// One page of the active helpers in the scope, by name; and how many there are in all.
    fn helper_page(
        &self,
        scope: &Scope,
        page: Page,
    ) -> impl Future<Output = DomainResult<(Vec<crate::assistance::Helper>, i64)>> + Send;
    /// One active helper whose area lies in the scope; anything else is `NotFound`.
    fn helper(
        &self,
        scope: &Scope,
        helper: HelperId,
    ) -> impl Future<Output = DomainResult<crate::assistance::Helper>> + Send;
    /// Makes `helper` the household's helper from `on`, ending the current one's period.
    fn assign_helper(
        &self,
        scope: &Scope,
        household: HouseholdId,
        helper: HelperId,
        on: NaiveDate,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// 调离: the helper stops helping from `on`; their current assignments end with the reason,
    /// so those households show on the no-helper worklist until someone else is assigned.
    /// Returns how many households were released.
    fn retire_helper(
        &self,
        scope: &Scope,
        helper: HelperId,
        on: NaiveDate,
        reason: &str,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<u64>> + Send;
    /// Current first, then earlier helpers.
    fn helper_history(
        &self,
        scope: &Scope,
        household: HouseholdId,
    ) -> impl Future<Output = DomainResult<Vec<crate::assistance::Assignment>>> + Send;
    /// 一个都不能少: poor, returned or monitored households in the scope without a current helper.
    fn households_without_helper(
        &self,
        scope: &Scope,
        page: Page,
    ) -> impl Future<Output = DomainResult<(Vec<HouseholdSummary>, i64)>> + Send;
}

/// 结对帮扶 and 驻村工作队.
pub trait TeamStore {
    /// Pairings whose township or village lies in the scope, current first.
    fn pairings(&self, scope: &Scope) -> impl Future<Output = DomainResult<Vec<crate::assistance::Pairing>>> + Send;
    /// One page of [`TeamStore::pairings`], in the same order; and how many there are in all.
    fn pairing_page(
        &self,
        scope: &Scope,
        page: Page,
    ) -> impl Future<Output = DomainResult<(Vec<crate::assistance::Pairing>, i64)>> + Send;
    fn create_pairing(
        &self,
        scope: &Scope,
        data: &crate::assistance::PairingData,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<PairingId>> + Send;
    fn end_pairing(
        &self,
        scope: &Scope,
        pairing: PairingId,
        on: NaiveDate,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// One page of the villages in the scope (under `under` when given), in code order, each
    /// with its current team members and whether it is a 重点帮扶村; and how many villages there are in all.
    fn teams(
        &self,
        scope: &Scope,
        under: Option<&AreaCode>,
        page: Page,
    ) -> impl Future<Output = DomainResult<(Vec<crate::assistance::Team>, i64)>> + Send;
    /// One village's current team; a village outside the scope is `NotFound`.
    fn team(
        &self,
        scope: &Scope,
        village: &AreaCode,
    ) -> impl Future<Output = DomainResult<crate::assistance::Team>> + Send;
    /// One member (current or recalled) of a team inside the scope.
    fn team_member(
        &self,
        scope: &Scope,
        member: TeamMemberId,
    ) -> impl Future<Output = DomainResult<crate::assistance::TeamMember>> + Send;
    fn add_team_member(
        &self,
        scope: &Scope,
        village: &AreaCode,
        data: &crate::assistance::TeamMemberData,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<TeamMemberId>> + Send;
    /// 召回: ends a member's stay; the record stays.
    fn end_team_member(
        &self,
        scope: &Scope,
        member: TeamMemberId,
        on: NaiveDate,
        reason: &str,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// The district's 重点帮扶村 (where work teams are stationed); `None` until named.
    fn key_villages(&self) -> impl Future<Output = DomainResult<Option<Vec<AreaCode>>>> + Send;
    /// Names the district's 重点帮扶村 (district-wide accounts only; audited). Every code must be
    /// a village.
    fn set_key_villages(
        &self,
        scope: &Scope,
        villages: &[AreaCode],
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
}

/// 帮扶计划, 帮扶措施 and their evidence.
pub trait PlanStore {
    /// Every plan of the household, newest year first, with measures and evidence.
    fn plans(
        &self,
        scope: &Scope,
        household: HouseholdId,
    ) -> impl Future<Output = DomainResult<Vec<crate::assistance::Plan>>> + Send;
    fn create_plan(
        &self,
        scope: &Scope,
        household: HouseholdId,
        data: &crate::assistance::PlanData,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<PlanId>> + Send;
    /// The plan's household (checked against the scope) and year.
    fn plan_owner(&self, scope: &Scope, plan: PlanId) -> impl Future<Output = DomainResult<(HouseholdId, i32)>> + Send;
    fn add_measure(
        &self,
        scope: &Scope,
        plan: PlanId,
        data: &crate::assistance::MeasureData,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<MeasureId>> + Send;
    fn measure(
        &self,
        scope: &Scope,
        measure: MeasureId,
    ) -> impl Future<Output = DomainResult<(HouseholdId, crate::assistance::Measure)>> + Send;
    fn progress_measure(
        &self,
        scope: &Scope,
        measure: MeasureId,
        progress: &crate::assistance::MeasureProgress,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// Adds a note and/or a checked file ([`crate::assistance::evidence::check_upload`]).
    fn add_evidence(
        &self,
        scope: &Scope,
        measure: MeasureId,
        note: Option<&str>,
        file: Option<(&crate::assistance::evidence::Upload, &[u8])>,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<EvidenceId>> + Send;
    /// An uploaded file's description and bytes, within the scope.
    fn evidence_file(
        &self,
        scope: &Scope,
        evidence: EvidenceId,
    ) -> impl Future<Output = DomainResult<(crate::assistance::Evidence, Vec<u8>)>> + Send;
}

/// 走访 and the changes visits propose.
pub trait VisitStore {
    fn record_visit(
        &self,
        scope: &Scope,
        household: HouseholdId,
        data: &crate::assistance::VisitData,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<VisitId>> + Send;
    /// Newest first.
    fn visits(
        &self,
        scope: &Scope,
        household: HouseholdId,
    ) -> impl Future<Output = DomainResult<Vec<crate::assistance::Visit>>> + Send;
    fn visit(
        &self,
        scope: &Scope,
        visit: VisitId,
    ) -> impl Future<Output = DomainResult<crate::assistance::Visit>> + Send;
    fn follow_up_done(
        &self,
        scope: &Scope,
        visit: VisitId,
        on: NaiveDate,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// Accepting applies the proposed change (with its history) in the same transaction.
    fn review_proposal(
        &self,
        scope: &Scope,
        visit: VisitId,
        accept: bool,
        note: &str,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
}

/// 一个都不能少: the worklists and their settings.
pub trait WorklistStore {
    /// 走访间隔（天）, default 30.
    fn visit_interval_days(&self) -> impl Future<Output = DomainResult<u32>> + Send;
    /// A district-wide setting: a scope below the district (a township account) is `Forbidden`.
    fn set_visit_interval_days(
        &self,
        scope: &Scope,
        days: u32,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// The households in the scope on one worklist, as of `today`.
    fn worklist(
        &self,
        scope: &Scope,
        reason: crate::assistance::WorkReason,
        today: NaiveDate,
        page: Page,
    ) -> impl Future<Output = DomainResult<(Vec<HouseholdSummary>, i64)>> + Send;
    /// Why each of these households (inside the scope) is on the list; households the reason
    /// has nothing to add for (no helper, no plan) are left out.
    fn worklist_notes(
        &self,
        scope: &Scope,
        reason: crate::assistance::WorkReason,
        households: &[HouseholdId],
        today: NaiveDate,
    ) -> impl Future<Output = DomainResult<Vec<(HouseholdId, crate::assistance::worklist::WorkNote)>>> + Send;
    /// Counts per reason for the whole scope, then per child area of `parent`.
    fn worklist_counts(
        &self,
        scope: &Scope,
        parent: &AreaCode,
        today: NaiveDate,
    ) -> impl Future<Output = DomainResult<(Vec<i64>, Vec<crate::assistance::WorkCounts>)>> + Send;
}

/// 帮扶单位: created and corrected by the district, listed to staff of the areas they serve.
pub trait UnitStore {
    /// Units of the scope's own subtree and of the areas above it, by name.
    fn units(&self, scope: &Scope) -> impl Future<Output = DomainResult<Vec<crate::assistance::Unit>>> + Send;
    /// One unit visible in the scope; anything else is `NotFound`.
    fn unit(&self, scope: &Scope, unit: UnitId) -> impl Future<Output = DomainResult<crate::assistance::Unit>> + Send;
    /// The unit's area must lie in the scope; a taken name is a `Conflict` on `name`.
    fn create_unit(
        &self,
        scope: &Scope,
        data: &crate::assistance::UnitData,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<UnitId>> + Send;
    /// Corrects a unit inside the scope; each changed field is audited in the same transaction.
    fn update_unit(
        &self,
        scope: &Scope,
        unit: UnitId,
        expected_version: i64,
        data: &crate::assistance::UnitData,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
}

/// 账号管理: accounts whose area lies inside the scope. Nothing is deleted: an account is
/// disabled, and every change is audited in the same transaction.
pub trait UserStore {
    fn accounts(&self, scope: &Scope) -> impl Future<Output = DomainResult<Vec<crate::auth::UserAccount>>> + Send;
    /// One page of [`UserStore::accounts`] (by area, then username); and how many there are in all.
    fn account_page(
        &self,
        scope: &Scope,
        page: Page,
    ) -> impl Future<Output = DomainResult<(Vec<crate::auth::UserAccount>, i64)>> + Send;
    fn account(
        &self,
        scope: &Scope,
        user: UserId,
    ) -> impl Future<Output = DomainResult<crate::auth::UserAccount>> + Send;
    /// Creates an account that must change `password_hash`'s password at its first sign-in.
    fn add_account(
        &self,
        scope: &Scope,
        data: &crate::auth::AccountData,
        password_hash: &str,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<UserId>> + Send;
    /// Disables (ending its sessions and API tokens) or enables an account.
    fn set_account_enabled(
        &self,
        scope: &Scope,
        user: UserId,
        enabled: bool,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// A new one-time password that must be changed; the user's sessions end.
    fn reset_password(
        &self,
        scope: &Scope,
        user: UserId,
        password_hash: &str,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// Ends every session and API token of the account (an admin's act, audited).
    fn end_sessions(
        &self,
        scope: &Scope,
        user: UserId,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
    /// Clears the failed sign-ins and the lock.
    fn unlock_account(
        &self,
        scope: &Scope,
        user: UserId,
        actor: &crate::audit::Actor,
    ) -> impl Future<Output = DomainResult<()>> + Send;
}

/// 审计日志, read within a scope: rows of records inside it; rows without an area (sign-ins,
/// settings, accounts of the district) only for readers of the district or above.
pub trait AuditStore {
    fn audit_log(
        &self,
        scope: &Scope,
        filter: &crate::audit::AuditFilter,
        page: Page,
    ) -> impl Future<Output = DomainResult<(Vec<crate::audit::AuditEntry>, i64)>> + Send;
}
