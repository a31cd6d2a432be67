//! A household's life events (户主变更, 分户, 合户, 注销) and the dates a member's leaving is
//! checked against. Each event is dated and reasoned; storage writes it with the members it
//! changes, the household history and the audit rows in one transaction. Nothing is undone by
//! erasing: a mistaken event is followed by a new one.
//!
//! The rules here are pure: given the household's current members and what the user chose,
//! they say what changes (who becomes 户主, every other member's new 与户主关系) or every
//! reason it cannot. A household never ends up without a head or with nobody in it: the head
//! cannot simply leave (a new head is named, or the household is 注销).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::codes::{DeregisterReason, Relation, Sex};
use super::model::{Fields, HouseholdId, Member, MemberData, MemberId, check_members, parse_date};
use crate::error::FieldError;

/// What happens to the outgoing head at a 户主变更.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutgoingHead {
    /// Stays in the household with this relation to the new head (e.g. 父母 when a son takes over).
    Stays(Relation),
    /// Leaves at the same date (死亡, 婚出, 迁出 …), with this reason.
    Leaves(String),
}

/// 户主变更: `new_head` becomes 户主; every other current member gets the relation in
/// `relations` (to the new head).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeHead {
    pub old_head: MemberId,
    pub new_head: MemberId,
    pub outgoing: OutgoingHead,
    /// The new relation of every current member other than the old and the new head.
    pub relations: Vec<(MemberId, Relation)>,
    pub on: NaiveDate,
    pub reason: String,
}

/// 分户: some members leave to form a new household in the same village.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitHousehold {
    /// The members who move, each with the relation to the new household's head (one is 户主).
    pub moving: Vec<(MemberId, Relation)>,
    /// The new household's 户编号; blank means the next free number in the village.
    pub household_no: Option<String>,
    pub on: NaiveDate,
    pub reason: String,
}

/// 合户: every current member of `from` joins this household; `from` is 注销 (合户).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeHouseholds {
    pub from: HouseholdId,
    /// Every current member of `from`, with the relation to this household's head.
    pub relations: Vec<(MemberId, Relation)>,
    pub on: NaiveDate,
    pub reason: String,
}

/// 注销: the household leaves the register as a whole; its current members leave with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deregister {
    pub kind: DeregisterReason,
    pub on: NaiveDate,
    pub note: String,
}

/// The form field of a member's new relation: `relation.<member id>`.
pub fn relation_field(member: MemberId) -> String {
    format!("relation.{}", member.0)
}

/// The form field that marks a member as moving out at a 分户: `move.<member id>`.
pub fn move_field(member: MemberId) -> String {
    format!("move.{}", member.0)
}

fn current(members: &[Member]) -> impl Iterator<Item = &Member> {
    members.iter().filter(|m| m.left_on.is_none())
}

/// The current head, if there is exactly one (the register's rules keep it so).
pub fn current_head(members: &[Member]) -> Option<&Member> {
    current(members).find(|m| m.data.relation == Relation::Head)
}

/// An event's date: given, not in the future, and not before any member it moves had joined.
fn event_date(f: &(impl Fields + ?Sized), field: &str, today: NaiveDate, errors: &mut Vec<FieldError>) -> NaiveDate {
    let raw = f.get(field).trim();
    match parse_date(raw) {
        Some(d) if d > today => {
            errors.push(FieldError::new(field, "日期不能晚于今天"));
            today
        }
        Some(d) => d,
        None if raw.is_empty() => {
            errors.push(FieldError::new(field, "请填写日期"));
            today
        }
        None => {
            errors.push(FieldError::new(field, format!("“{raw}”不是有效日期")));
            today
        }
    }
}

fn reason(f: &(impl Fields + ?Sized), field: &str, ask: &str, errors: &mut Vec<FieldError>) -> String {
    let r = f.get(field).trim();
    if r.is_empty() {
        errors.push(FieldError::new(field, ask));
    } else if let Err(m) = crate::text::check_text("原因", r, 200) {
        errors.push(FieldError::new(field, m));
    }
    r.to_owned()
}

/// Refuses a date before a member joined: "张小明的加入日期为2024-03-01，事件日期不能早于它".
fn not_before_joined(m: &Member, on: NaiveDate, field: &str, errors: &mut Vec<FieldError>) {
    if let Some(joined) = m.data.joined_on
        && on < joined
    {
        errors.push(FieldError::new(field, format!("{}的加入日期为{joined}，日期不能早于加入日期", m.data.name)));
    }
}

/// A member's relation to `head` ("新户主", or in a 合户 "户主张三"), from `relation.<id>`.
fn relation_of(f: &(impl Fields + ?Sized), m: &Member, head: &str, errors: &mut Vec<FieldError>) -> Option<Relation> {
    let field = relation_field(m.id);
    let raw = f.get(&field).trim();
    if raw.is_empty() {
        errors.push(FieldError::new(field, format!("请选择{}与{head}的关系", m.data.name)));
        return None;
    }
    match Relation::parse(raw) {
        Some(r) => Some(r),
        None => {
            errors.push(FieldError::new(field, format!("{}：“{raw}”不是有效的与户主关系", m.data.name)));
            None
        }
    }
}

/// The members' data after the change, to check with [`check_members`]; errors name a member's
/// relation field where one is at fault.
fn check_new_household(after: &[(&Member, Relation)], errors: &mut Vec<FieldError>) {
    let data: Vec<MemberData> = after.iter().map(|(m, r)| MemberData { relation: *r, ..m.data.clone() }).collect();
    let refs: Vec<&MemberData> = data.iter().collect();
    for e in check_members(&refs) {
        // Place a sex clash beside the spouse's relation, where it can be corrected.
        let field = after
            .iter()
            .find(|(_, r)| *r == Relation::Spouse)
            .filter(|_| e.message.contains("性别"))
            .map(|(m, _)| relation_field(m.id))
            .unwrap_or(e.field);
        errors.push(FieldError::new(field, e.message));
    }
    for (m, r) in after {
        if let Some(expected) = r.sex()
            && expected != m.data.sex
        {
            errors.push(FieldError::new(
                relation_field(m.id),
                format!("{}：与户主关系“{}”与性别“{}”不符", m.data.name, r.label_zh(), m.data.sex.label_zh()),
            ));
        }
    }
}

impl ChangeHead {
    /// Reads a 户主变更 form: `new_head` (a member id), `outgoing` ("leaves" or a relation),
    /// `left_reason` when the old head leaves, `relation.<id>` for every other current member,
    /// `effective_on` and `reason`.
    pub fn parse(
        f: &(impl Fields + ?Sized),
        members: &[Member],
        today: NaiveDate,
    ) -> Result<ChangeHead, Vec<FieldError>> {
        let mut errors = Vec::new();
        let Some(old) = current_head(members) else {
            return Err(vec![FieldError::new("new_head", "该户没有户主，请先更正成员的与户主关系")]);
        };
        let on = event_date(f, "effective_on", today, &mut errors);
        let why = reason(f, "reason", "请填写户主变更原因（如 原户主去世、原户主年老）", &mut errors);
        let raw = f.get("new_head").trim();
        let new = raw.parse::<i64>().ok().and_then(|id| current(members).find(|m| m.id.0 == id));
        let Some(new) = new else {
            errors.push(FieldError::new(
                "new_head",
                if raw.is_empty() { "请选择新户主" } else { "新户主须是该户现有成员" },
            ));
            return Err(errors);
        };
        if new.id == old.id {
            errors.push(FieldError::new("new_head", format!("{}已是户主", new.data.name)));
            return Err(errors);
        }
        not_before_joined(new, on, "effective_on", &mut errors);
        let outgoing_raw = f.get("outgoing").trim();
        let outgoing = if outgoing_raw == "leaves" {
            let left = f.get("left_reason").trim();
            if left.is_empty() {
                errors.push(FieldError::new(
                    "left_reason",
                    format!("请填写{}减员的原因（如 死亡、婚出、迁出）", old.data.name),
                ));
            }
            not_before_joined(old, on, "effective_on", &mut errors);
            OutgoingHead::Leaves(left.to_owned())
        } else if outgoing_raw.is_empty() {
            errors.push(FieldError::new("outgoing", format!("请选择{}与新户主的关系，或选择“减员”", old.data.name)));
            OutgoingHead::Stays(Relation::Other)
        } else {
            match Relation::parse(outgoing_raw) {
                Some(Relation::Head) => {
                    errors.push(FieldError::new("outgoing", "一户只能有一名户主"));
                    OutgoingHead::Stays(Relation::Other)
                }
                Some(r) => OutgoingHead::Stays(r),
                None => {
                    errors.push(FieldError::new("outgoing", format!("“{outgoing_raw}”不是有效的与户主关系")));
                    OutgoingHead::Stays(Relation::Other)
                }
            }
        };
        let mut relations = Vec::new();
        for m in current(members).filter(|m| m.id != old.id && m.id != new.id) {
            if let Some(r) = relation_of(f, m, "新户主", &mut errors) {
                relations.push((m.id, r));
            }
        }
        let change = ChangeHead { old_head: old.id, new_head: new.id, outgoing, relations, on, reason: why };
        if errors.is_empty() {
            change.check(members)?;
            Ok(change)
        } else {
            Err(errors)
        }
    }

    /// The household's current members after the change, each with the new relation.
    pub fn after<'a>(&self, members: &'a [Member]) -> Vec<(&'a Member, Relation)> {
        let given: HashMap<MemberId, Relation> = self.relations.iter().copied().collect();
        current(members)
            .filter_map(|m| {
                if m.id == self.new_head {
                    Some((m, Relation::Head))
                } else if m.id == self.old_head {
                    match &self.outgoing {
                        OutgoingHead::Stays(r) => Some((m, *r)),
                        OutgoingHead::Leaves(_) => None,
                    }
                } else {
                    Some((m, given.get(&m.id).copied().unwrap_or(m.data.relation)))
                }
            })
            .collect()
    }

    /// The rules over the household after the change (run again by storage under its lock):
    /// a wrong count of heads or spouses is placed at `new_head`, a relation that names the
    /// other sex beside that member's choice (`outgoing` for the old head).
    pub fn check(&self, members: &[Member]) -> Result<(), Vec<FieldError>> {
        let after = self.after(members);
        let mismatch = |(m, r): &(&Member, Relation)| {
            let expected = r.sex()?;
            (expected != m.data.sex).then(|| {
                let field = if m.id == self.old_head { "outgoing".to_owned() } else { relation_field(m.id) };
                FieldError::new(
                    field,
                    format!("{}：与户主关系“{}”与性别“{}”不符", m.data.name, r.label_zh(), m.data.sex.label_zh()),
                )
            })
        };
        // The old head's choice first (its field is above the others on the form), then the
        // household's rules, then each other member's relation.
        let (old, others): (Vec<_>, Vec<_>) = after.iter().partition(|(m, _)| m.id == self.old_head);
        let mut errors: Vec<FieldError> = old.iter().filter_map(&mismatch).collect();
        let data: Vec<MemberData> = after.iter().map(|(m, r)| MemberData { relation: *r, ..m.data.clone() }).collect();
        let refs: Vec<&MemberData> = data.iter().collect();
        errors.extend(check_members(&refs).into_iter().map(|e| FieldError::new("new_head", e.message)));
        errors.extend(others.iter().filter_map(mismatch));
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// The relation a member most likely has to the new head, from the relations both had to the
/// old head: a starting point the form shows, which the user confirms or corrects.
///
/// `member` is the member's relation to the old head, `new_head` the new head's, `sex` the member's.
pub fn suggested_relation(member: Relation, new_head: Relation, sex: Sex, old_head_sex: Sex) -> Relation {
    use Relation::*;
    let child = |s: Sex| if s == Sex::Male { Son } else { Daughter };
    match new_head {
        // The spouse takes over: the children stay children; the old head's parents become in-laws.
        Spouse => match member {
            Head => Spouse,
            Son | Daughter | DaughterInLaw | SonInLaw | Grandchild => member,
            Parent => {
                if old_head_sex == Sex::Male {
                    ParentInLawH
                } else {
                    ParentInLaw
                }
            }
            ParentInLaw | ParentInLawH => Parent,
            _ => Other,
        },
        // A son or daughter takes over.
        Son | Daughter => match member {
            Head | Spouse => Parent,
            Son | Daughter => Sibling,
            // The new head's own spouse: a son's wife, a daughter's husband.
            DaughterInLaw if new_head == Son => Spouse,
            SonInLaw if new_head == Daughter => Spouse,
            Grandchild => child(sex),
            Parent | ParentInLaw | ParentInLawH => Grandparent,
            _ => Other,
        },
        // A parent takes over (the old head was their child).
        Parent => match member {
            Head => child(old_head_sex),
            Parent => Spouse,
            Sibling => child(sex),
            Spouse => {
                if old_head_sex == Sex::Male {
                    DaughterInLaw
                } else {
                    SonInLaw
                }
            }
            Son | Daughter => Grandchild,
            _ => Other,
        },
        _ => Other,
    }
}

impl SplitHousehold {
    /// Reads a 分户 form: `move.<id>` = 1 for each member who moves, `relation.<id>` (to the new
    /// household's head) for each of them, `household_no` (may be blank), `effective_on`, `reason`.
    pub fn parse(
        f: &(impl Fields + ?Sized),
        members: &[Member],
        today: NaiveDate,
    ) -> Result<SplitHousehold, Vec<FieldError>> {
        let mut errors = Vec::new();
        let on = event_date(f, "effective_on", today, &mut errors);
        let why = reason(f, "reason", "请填写分户原因（如 子女成家另立户）", &mut errors);
        let moving_members: Vec<&Member> = current(members)
            .filter(|m| matches!(f.get(&move_field(m.id)).trim(), "1" | "on" | "true" | "是"))
            .collect();
        let mut moving = Vec::new();
        for m in &moving_members {
            not_before_joined(m, on, "effective_on", &mut errors);
            if let Some(r) = relation_of(f, m, "新户主", &mut errors) {
                moving.push((m.id, r));
            }
        }
        let no = f.get("household_no").trim();
        let split = SplitHousehold { moving, household_no: (!no.is_empty()).then(|| no.to_owned()), on, reason: why };
        if moving_members.is_empty() {
            errors.push(FieldError::new("members", "请勾选分出的成员"));
        }
        if errors.is_empty() {
            split.check(members)?;
            Ok(split)
        } else {
            Err(errors)
        }
    }

    /// Both households after the split keep a head and at least one person; the new one has
    /// exactly one head. (Run again by storage under its lock.)
    pub fn check(&self, members: &[Member]) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let moving: HashMap<MemberId, Relation> = self.moving.iter().copied().collect();
        let mut after = Vec::new();
        for (id, r) in &self.moving {
            match current(members).find(|m| m.id == *id) {
                Some(m) if m.data.relation == Relation::Head => errors.push(FieldError::new(
                    move_field(m.id),
                    format!("{}是本户户主，不能分出：请先办理户主变更", m.data.name),
                )),
                Some(m) => after.push((m, *r)),
                None => errors.push(FieldError::new("members", "分出的成员须是该户现有成员")),
            }
        }
        if after.is_empty() && errors.is_empty() {
            errors.push(FieldError::new("members", "请勾选分出的成员"));
        }
        if current(members).all(|m| moving.contains_key(&m.id)) {
            errors.push(FieldError::new("members", "不能分出全部成员：原户至少保留户主"));
        }
        if !after.is_empty() {
            check_new_household(&after, &mut errors);
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

impl MergeHouseholds {
    /// Reads the second step of a 合户 form: `relation.<id>` for each current member of the
    /// household merging in (`from_members`), `effective_on` and `reason`.
    pub fn parse(
        f: &(impl Fields + ?Sized),
        from: HouseholdId,
        into_members: &[Member],
        from_members: &[Member],
        today: NaiveDate,
    ) -> Result<MergeHouseholds, Vec<FieldError>> {
        let mut errors = Vec::new();
        let on = event_date(f, "effective_on", today, &mut errors);
        let why = reason(f, "reason", "请填写合户原因（如 老人随子女合户）", &mut errors);
        let mut relations = Vec::new();
        // The members merging in are related to the receiving household's own head.
        let head = current(into_members)
            .find(|m| m.data.relation == Relation::Head)
            .map_or_else(|| "户主".to_owned(), |h| format!("户主{}", h.data.name));
        for m in current(from_members) {
            not_before_joined(m, on, "effective_on", &mut errors);
            if let Some(r) = relation_of(f, m, &head, &mut errors) {
                relations.push((m.id, r));
            }
        }
        let merge = MergeHouseholds { from, relations, on, reason: why };
        if errors.is_empty() {
            merge.check(into_members, from_members)?;
            Ok(merge)
        } else {
            Err(errors)
        }
    }

    /// The merged household keeps exactly one head (this one's) and every relation fits.
    pub fn check(&self, into_members: &[Member], from_members: &[Member]) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let given: HashMap<MemberId, Relation> = self.relations.iter().copied().collect();
        let incoming: Vec<&Member> = current(from_members).collect();
        if incoming.is_empty() {
            errors.push(FieldError::new("from_household_no", "该户没有现有成员，无需合户"));
        }
        let mut after: Vec<(&Member, Relation)> = current(into_members).map(|m| (m, m.data.relation)).collect();
        for m in incoming {
            match given.get(&m.id) {
                Some(r) => after.push((m, *r)),
                None => {
                    errors.push(FieldError::new(relation_field(m.id), format!("请选择{}与户主的关系", m.data.name)))
                }
            }
        }
        if errors.is_empty() {
            check_new_household(&after, &mut errors);
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

impl Deregister {
    /// Reads a 注销 form: `deregister_reason` (自然消亡 / 迁出 / 其他; 合户 is done by 合户),
    /// `effective_on`, and `note` (required for 其他).
    pub fn parse(
        f: &(impl Fields + ?Sized),
        members: &[Member],
        today: NaiveDate,
    ) -> Result<Deregister, Vec<FieldError>> {
        let mut errors = Vec::new();
        let on = event_date(f, "effective_on", today, &mut errors);
        let raw = f.get("deregister_reason").trim();
        let kind = match DeregisterReason::parse(raw) {
            Some(DeregisterReason::Merged) => {
                errors.push(FieldError::new("deregister_reason", "合户请在“合户”中办理，以便成员并入另一户"));
                DeregisterReason::Merged
            }
            Some(k) => k,
            None if raw.is_empty() => {
                errors.push(FieldError::new("deregister_reason", "请选择注销原因"));
                DeregisterReason::Other
            }
            None => {
                errors.push(FieldError::new("deregister_reason", format!("“{raw}”不是有效的注销原因")));
                DeregisterReason::Other
            }
        };
        let note = f.get("note").trim().to_owned();
        if kind == DeregisterReason::Other && note.is_empty() {
            errors.push(FieldError::new("note", "注销原因为“其他”时请写明情况"));
        }
        crate::text::check_field(&mut errors, "note", &note);
        for m in current(members) {
            not_before_joined(m, on, "effective_on", &mut errors);
        }
        if errors.is_empty() { Ok(Deregister { kind, on, note }) } else { Err(errors) }
    }

    /// What the household history and each member's 减员原因 say: "整户注销：自然消亡".
    pub fn wording(&self) -> String {
        if self.note.is_empty() {
            format!("整户注销：{}", self.kind.label_zh())
        } else {
            format!("整户注销：{}（{}）", self.kind.label_zh(), self.note)
        }
    }
}

#[cfg(test)]
mod tests;
