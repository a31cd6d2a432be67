//! 结对帮扶 (pairings of units with townships or villages) and 驻村工作队 (village work teams).

use bangfu_core::area::{AreaCode, AreaLevel, Scope};
use bangfu_core::assistance::{Pairing, PairingData, Team, TeamMember, TeamMemberData, TeamRole};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::ids::*;
use bangfu_core::store::{AreaStore, Page, TeamStore};
use bangfu_core::{DomainError, DomainResult};
use chrono::NaiveDate;

use crate::row::Get;
use crate::{BeginWrite, Db, dispatch, domain_err};

const PAIRING_SELECT: &str = "select p.pairing_id, p.unit_id, u.name as unit_name, p.area_code, a.name as area_name, \
    p.start_on, p.end_on, p.note from pairings p join units u on u.unit_id = p.unit_id join areas a on a.area_code = p.area_code";

fn pairing_row(r: &impl Get) -> DomainResult<Pairing> {
    Ok(Pairing {
        id: PairingId(r.int("pairing_id")?),
        unit_id: UnitId(r.int("unit_id")?),
        unit_name: r.text("unit_name")?,
        area_code: AreaCode::parse(&r.text("area_code")?).map_err(DomainError::Internal)?,
        area_name: r.text("area_name")?,
        start_on: r.opt_date("start_on")?.ok_or_else(|| DomainError::Internal("start_on".into()))?,
        end_on: r.opt_date("end_on")?,
        note: r.opt_text("note")?,
    })
}

const MEMBER_SELECT: &str = "select t.team_member_id, t.village_code, t.name, t.phone, t.unit_id, u.name as unit_name, \
    t.role, t.start_on, t.end_on, t.end_reason from team_members t left join units u on u.unit_id = t.unit_id";

fn member_row(r: &impl Get) -> DomainResult<TeamMember> {
    Ok(TeamMember {
        id: TeamMemberId(r.int("team_member_id")?),
        village_code: AreaCode::parse(&r.text("village_code")?).map_err(DomainError::Internal)?,
        data: TeamMemberData {
            name: r.text("name")?,
            phone: r.opt_sealed("phone")?,
            unit_id: r.opt_i64("unit_id")?.map(UnitId),
            role: crate::row::code_of(r, "role")?,
            start_on: r.opt_date("start_on")?.ok_or_else(|| DomainError::Internal("start_on".into()))?,
        },
        unit_name: r.opt_text("unit_name")?,
        end_on: r.opt_date("end_on")?,
        end_reason: r.opt_text("end_reason")?,
    })
}

/// First secretary, then leader, then members; by start date.
fn role_rank(role: TeamRole) -> u8 {
    match role {
        TeamRole::FirstSecretary => 0,
        TeamRole::Leader => 1,
        TeamRole::Member => 2,
    }
}

impl TeamStore for Db {
    async fn pairings(&self, scope: &Scope) -> DomainResult<Vec<Pairing>> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "{PAIRING_SELECT} where p.area_code between $1 and $2 \
             order by (case when p.end_on is null then 0 else 1 end), p.area_code, p.start_on desc"
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(pairing_row).collect()
        })
    }

    async fn pairing_page(&self, scope: &Scope, page: Page) -> DomainResult<(Vec<Pairing>, i64)> {
        let (lo, hi) = scope.bounds();
        let (size, offset) = crate::limit_offset(page);
        let sql = format!(
            "{PAIRING_SELECT} where p.area_code between $1 and $2 \
             order by (case when p.end_on is null then 0 else 1 end), p.area_code, p.start_on desc, p.pairing_id limit $3 offset $4"
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(lo).bind(hi).bind(size).bind(offset)
                .fetch_all(pool).await.map_err(domain_err)?;
            let (total,): (i64,) = sqlx::query_as("select count(*) from pairings where area_code between $1 and $2")
                .bind(lo).bind(hi).fetch_one(pool).await.map_err(domain_err)?;
            Ok((rows.iter().map(pairing_row).collect::<DomainResult<Vec<_>>>()?, total))
        })
    }

    async fn create_pairing(&self, scope: &Scope, data: &PairingData, actor: &Actor) -> DomainResult<PairingId> {
        let area = self.area(&data.area_code).await?.filter(|a| scope.contains(&a.code));
        let Some(area) = area.filter(|a| matches!(a.level, AreaLevel::Township | AreaLevel::Village)) else {
            return Err(DomainError::invalid("area_code", "结对对象应为您管辖范围内的乡镇或村"));
        };
        let unit = bangfu_core::store::UnitStore::units(self, scope).await?.into_iter().find(|u| u.id == data.unit_id);
        let Some(unit) = unit else { return Err(DomainError::invalid("unit_id", "帮扶单位不存在")) };
        let now = self.clock().now();
        dispatch!(self, pool => {
            let open: Option<i64> = sqlx::query_scalar("select pairing_id from pairings where unit_id = $1 and area_code = $2 and end_on is null")
                .bind(unit.id.0).bind(area.code.as_str()).fetch_optional(pool).await.map_err(domain_err)?;
            if open.is_some() {
                return Err(DomainError::conflict("area_code", format!("{}与{}已在结对帮扶中", unit.name, area.name)));
            }
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into pairings (unit_id, area_code, start_on, note, created_at) values ($1, $2, $3, $4, $5) returning pairing_id")
                .bind(unit.id.0).bind(area.code.as_str()).bind(data.start_on).bind(data.note.as_deref()).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).object("pairing", id, Some(area.code.as_str()))
                .change("pairing", None, Some(format!("{} ↔ {}（{}起）", unit.name, area.name, data.start_on)));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(PairingId(id))
        })
    }

    async fn end_pairing(&self, scope: &Scope, pairing: PairingId, on: NaiveDate, actor: &Actor) -> DomainResult<()> {
        let Some(p) = self.pairings(scope).await?.into_iter().find(|p| p.id == pairing) else {
            return Err(DomainError::NotFound);
        };
        p.check_end(on, self.clock().today()).map_err(|e| DomainError::Invalid(vec![e]))?;
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let ended = sqlx::query("update pairings set end_on = $1 where pairing_id = $2 and end_on is null")
                .bind(on).bind(pairing.0).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if ended != 1 {
                return Err(DomainError::invalid("end_on", "该结对已结束"));
            }
            let entry = AuditEntry::new(actor, AuditAction::Update).object("pairing", pairing, Some(p.area_code.as_str()))
                .change("end_on", None, Some(on.to_string()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    async fn teams(&self, scope: &Scope, under: Option<&AreaCode>, page: Page) -> DomainResult<(Vec<Team>, i64)> {
        let (mut lo, mut hi) = (scope.bounds().0.to_owned(), scope.bounds().1.to_owned());
        if let Some(under) = under {
            let (ulo, uhi) = under.subtree_range(under.implied_level());
            lo = lo.max(ulo);
            hi = hi.min(uhi);
        }
        let (size, offset) = crate::limit_offset(page);
        // One page of villages (a province has 52 378), then the members of just those villages.
        let (villages, total) = dispatch!(self, pool => {
            let villages = sqlx::query("select area_code, name from areas where level = 'village' and area_code between $1 and $2 \
                order by area_code limit $3 offset $4")
                .bind(&lo).bind(&hi).bind(size).bind(offset).fetch_all(pool).await.map_err(domain_err)?
                .iter().map(|r| Ok((r.text("area_code")?, r.text("name")?))).collect::<DomainResult<Vec<_>>>()?;
            let (total,): (i64,) = sqlx::query_as("select count(*) from areas where level = 'village' and area_code between $1 and $2")
                .bind(&lo).bind(&hi).fetch_one(pool).await.map_err(domain_err)?;
            (villages, total)
        });
        let (Some((first, _)), Some((last, _))) = (villages.first(), villages.last()) else {
            return Ok((Vec::new(), total));
        };
        let sql = format!("{MEMBER_SELECT} where t.end_on is null and t.village_code between $1 and $2");
        let members = dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(first).bind(last).fetch_all(pool).await.map_err(domain_err)?
                .iter().map(member_row).collect::<DomainResult<Vec<_>>>()?
        });
        let key: Option<std::collections::HashSet<String>> =
            self.key_villages().await?.map(|list| list.iter().map(|c| c.as_str().to_owned()).collect());
        let mut by_village: std::collections::HashMap<String, Vec<TeamMember>> = std::collections::HashMap::new();
        for m in members {
            by_village.entry(m.village_code.as_str().to_owned()).or_default().push(m);
        }
        let teams = villages
            .into_iter()
            .map(|(code, name)| {
                let mut members = by_village.remove(&code).unwrap_or_default();
                members.sort_by_key(|m| (role_rank(m.data.role), m.data.start_on, m.id));
                Ok(Team {
                    key_village: key.as_ref().map(|k| k.contains(&code)),
                    village_code: AreaCode::parse(&code).map_err(DomainError::Internal)?,
                    village_name: name,
                    members,
                })
            })
            .collect::<DomainResult<Vec<_>>>()?;
        Ok((teams, total))
    }

    async fn team(&self, scope: &Scope, village: &AreaCode) -> DomainResult<Team> {
        match self.area(village).await? {
            Some(a) if a.level == AreaLevel::Village && scope.contains(village) => {}
            _ => return Err(DomainError::NotFound),
        }
        let (teams, _) = self.teams(scope, Some(village), Page { number: 1, size: 1 }).await?;
        teams.into_iter().next().ok_or(DomainError::NotFound)
    }

    async fn team_member(&self, scope: &Scope, member: TeamMemberId) -> DomainResult<TeamMember> {
        let sql = format!("{MEMBER_SELECT} where t.team_member_id = $1");
        let found = dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(member.0).fetch_optional(pool).await.map_err(domain_err)?
                .map(|r| member_row(&r)).transpose()?
        });
        found.filter(|m| scope.contains(&m.village_code)).ok_or(DomainError::NotFound)
    }

    async fn add_team_member(
        &self,
        scope: &Scope,
        village: &AreaCode,
        data: &TeamMemberData,
        actor: &Actor,
    ) -> DomainResult<TeamMemberId> {
        let team = self.team(scope, village).await?;
        if team.members.iter().any(|m| m.data.name == data.name) {
            return Err(DomainError::invalid("name", format!("“{}”已在本村工作队中", data.name)));
        }
        if data.role == TeamRole::FirstSecretary
            && let Some(m) = team.members.iter().find(|m| m.data.role == TeamRole::FirstSecretary)
        {
            return Err(DomainError::invalid("role", format!("本村已有第一书记（{}），请先召回", m.data.name)));
        }
        if let Some(unit) = data.unit_id
            && !bangfu_core::store::UnitStore::units(self, scope).await?.iter().any(|u| u.id == unit)
        {
            return Err(DomainError::invalid("unit_id", "派出单位不存在"));
        }
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into team_members (village_code, name, phone, unit_id, role, start_on, created_at) \
                values ($1, $2, $3, $4, $5, $6, $7) returning team_member_id")
                .bind(village.as_str()).bind(&data.name).bind(crate::sealed::seal_opt(data.phone.as_deref()))
                .bind(data.unit_id.map(|x| x.0))
                .bind(data.role.code()).bind(data.start_on).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).object("team_member", id, Some(village.as_str()))
                .change("team_member", None, Some(format!("{}（{}）", data.name, data.role.label_zh())));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(TeamMemberId(id))
        })
    }

    async fn end_team_member(
        &self,
        scope: &Scope,
        member: TeamMemberId,
        on: NaiveDate,
        reason: &str,
        actor: &Actor,
    ) -> DomainResult<()> {
        let reason = reason.trim();
        let m = self.team_member(scope, member).await?;
        m.check_recall(on, reason, self.clock().today()).map_err(|e| DomainError::Invalid(vec![e]))?;
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let ended = sqlx::query("update team_members set end_on = $1, end_reason = $2 where team_member_id = $3 and end_on is null")
                .bind(on).bind(reason).bind(member.0).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if ended != 1 {
                return Err(DomainError::invalid("end_on", "该队员已召回"));
            }
            let entry = AuditEntry::new(actor, AuditAction::Update).object("team_member", member, Some(m.village_code.as_str()))
                .change("end_on", None, Some(format!("{on}（{reason}）")));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    async fn key_villages(&self) -> DomainResult<Option<Vec<AreaCode>>> {
        let value: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select value from settings where key = 'key_villages'")
                .fetch_optional(pool).await.map_err(domain_err)?
        });
        value
            .map(|v| {
                v.split(',')
                    .filter(|c| !c.is_empty())
                    .map(|c| AreaCode::parse(c).map_err(DomainError::Internal))
                    .collect::<DomainResult<Vec<_>>>()
            })
            .transpose()
    }

    async fn set_key_villages(&self, scope: &Scope, villages: &[AreaCode], actor: &Actor) -> DomainResult<()> {
        if !scope.is_district_wide() {
            return Err(DomainError::Forbidden);
        }
        for v in villages {
            match self.area(v).await? {
                Some(a) if a.level == AreaLevel::Village => {}
                _ => return Err(DomainError::invalid("key_villages", format!("{v} 不是本区的村（社区）"))),
            }
        }
        let mut codes: Vec<&str> = villages.iter().map(AreaCode::as_str).collect();
        codes.sort_unstable();
        codes.dedup();
        let value = codes.join(",");
        let before = self.key_villages().await?.map(|l| l.len());
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("insert into settings (key, value, updated_at) values ('key_villages', $1, $2) \
                on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at")
                .bind(&value).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Update).object("setting", "key_villages", None).change(
                "key_villages",
                before.map(|n| format!("{n} 个重点帮扶村")),
                Some(format!("{} 个重点帮扶村：{value}", codes.len())),
            );
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}
