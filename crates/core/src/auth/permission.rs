//! 权限: what a role may do, as a type. Handlers name the permission they need
//! (`Require<ManageUnits>` in the web layer), so a forgotten check is a missing type.

use super::Role;

/// One thing a user may or may not do. The area a user may do it in is their scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// 查看台账: households, members, incomes, work, printouts.
    ViewRegister,
    /// 更正台账: register and correct households, members, incomes; plans, measures, visits.
    EditRegister,
    /// 安排帮扶: register and move helpers, man the village teams.
    ArrangeWork,
    /// 审核走访建议: accept or reject the change a visit proposes.
    ReviewProposals,
    /// 结对帮扶: pair units with townships and villages, end pairings.
    PairUnits,
    /// 账号管理: add, disable, reset and unlock accounts (系统管理员).
    ManageUsers,
    /// 授权与安全策略: grant the role an account was asked for, change roles, and set the
    /// security policy (two factors, passwords) (安全管理员).
    ManageSecurity,
    /// 帮扶单位管理: create and correct units.
    ManageUnits,
    /// 全区设置: the visit interval, the lines and other district-wide business settings.
    ManageSettings,
    /// 查看审计日志 (审计管理员 only).
    ReadAudit,
    /// 查看完整证件号码 (each reveal is audited; 审计（只读台账） reads the masked register only).
    RevealId,
    /// 纳入监测、风险消除、更正脱贫状态: decisions that need a procedure, the district's until a
    /// procedure engine carries them; village and township staff propose through visits.
    DecideMonitoring,
    /// 资金管理: enter allocations, arrange them to projects, record payments and reversals.
    ManageFunds,
}

impl Permission {
    pub const ALL: &'static [Permission] = &[
        Permission::ViewRegister,
        Permission::EditRegister,
        Permission::ArrangeWork,
        Permission::ReviewProposals,
        Permission::PairUnits,
        Permission::ManageUsers,
        Permission::ManageSecurity,
        Permission::ManageUnits,
        Permission::ManageSettings,
        Permission::ReadAudit,
        Permission::RevealId,
        Permission::DecideMonitoring,
        Permission::ManageFunds,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Permission::ViewRegister => "查看台账",
            Permission::EditRegister => "更正台账",
            Permission::ArrangeWork => "安排帮扶",
            Permission::ReviewProposals => "审核走访建议",
            Permission::PairUnits => "结对帮扶",
            Permission::ManageUsers => "账号管理",
            Permission::ManageSecurity => "授权与安全策略",
            Permission::ManageUnits => "帮扶单位管理",
            Permission::ManageSettings => "全区设置",
            Permission::ReadAudit => "查看审计日志",
            Permission::RevealId => "查看完整证件号码",
            Permission::DecideMonitoring => "纳入监测、风险消除、更正脱贫状态",
            Permission::ManageFunds => "资金管理（下达、安排、拨付）",
        }
    }
}

impl Role {
    /// Whether this role may do `p` (inside the user's own area; the scope does the rest).
    pub fn may(self, p: Permission) -> bool {
        use Permission as P;
        match self {
            // 三员分立: the district office's business account does everything in the register
            // and nothing of the three administrators'.
            Role::DistrictAdmin => !matches!(p, P::ManageUsers | P::ManageSecurity | P::ReadAudit),
            Role::TownshipStaff => {
                matches!(p, P::ViewRegister | P::EditRegister | P::ArrangeWork | P::ReviewProposals | P::RevealId)
            }
            Role::VillageWorker => matches!(p, P::ViewRegister | P::EditRegister | P::RevealId),
            Role::Auditor => matches!(p, P::ViewRegister),
            Role::SystemAdmin => matches!(p, P::ManageUsers),
            Role::SecurityAdmin => matches!(p, P::ManageSecurity),
            Role::AuditAdmin => matches!(p, P::ReadAudit),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_may_do_exactly_what_its_table_row_says() {
        use Permission as P;
        let (y, n) = (true, false);
        // 查看 更正 安排 审核 结对 账号 授权 单位 设置 审计 证件 监测决定 资金
        let table: [(Role, [bool; 13]); 7] = [
            (Role::DistrictAdmin, [y, y, y, y, y, n, n, y, y, n, y, y, y]),
            (Role::TownshipStaff, [y, y, y, y, n, n, n, n, n, n, y, n, n]),
            (Role::VillageWorker, [y, y, n, n, n, n, n, n, n, n, y, n, n]),
            (Role::Auditor, [y, n, n, n, n, n, n, n, n, n, n, n, n]),
            (Role::SystemAdmin, [n, n, n, n, n, y, n, n, n, n, n, n, n]),
            (Role::SecurityAdmin, [n, n, n, n, n, n, y, n, n, n, n, n, n]),
            (Role::AuditAdmin, [n, n, n, n, n, n, n, n, n, y, n, n, n]),
        ];
        assert_eq!(P::ALL.len(), 13);
        for (role, row) in table {
            for (p, want) in P::ALL.iter().zip(row) {
                assert_eq!(role.may(*p), want, "{}：{}", role.label_zh(), p.label_zh());
            }
        }
    }

    #[test]
    fn only_the_district_admin_manages_units_pairings_and_business_settings() {
        for p in [
            Permission::ManageUnits,
            Permission::ManageSettings,
            Permission::PairUnits,
            Permission::DecideMonitoring,
            Permission::ManageFunds,
        ] {
            let allowed: Vec<Role> = Role::ALL.iter().copied().filter(|r| r.may(p)).collect();
            assert_eq!(allowed, vec![Role::DistrictAdmin], "{}", p.label_zh());
        }
    }

    #[test]
    fn each_of_the_three_administrators_holds_its_one_power_and_no_other_role_holds_it() {
        // 三员分立: accounts, security and the audit log each belong to exactly one role, and
        // that role may do nothing else (no register, not one of the other two).
        for (p, only) in [
            (Permission::ManageUsers, Role::SystemAdmin),
            (Permission::ManageSecurity, Role::SecurityAdmin),
            (Permission::ReadAudit, Role::AuditAdmin),
        ] {
            let allowed: Vec<Role> = Role::ALL.iter().copied().filter(|r| r.may(p)).collect();
            assert_eq!(allowed, vec![only], "{}", p.label_zh());
            let powers: Vec<Permission> = Permission::ALL.iter().copied().filter(|q| only.may(*q)).collect();
            assert_eq!(powers, vec![p], "{} 只能{}", only.label_zh(), p.label_zh());
        }
    }

    #[test]
    fn arranging_work_is_the_old_rule_for_district_and_township_staff() {
        for r in Role::ALL {
            assert_eq!(r.may(Permission::ArrangeWork), r.arranges_work(), "{}", r.label_zh());
        }
    }
}
