//! Typed ids: a plan's id cannot be passed where a visit's is wanted. Each is the row's id in
//! storage, serialised as a plain number (so the API's JSON is unchanged).

macro_rules! id_types {
    ($($(#[$meta:meta])* $name:ident;)*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    )*};
}

id_types! {
    /// 账号 (a user account)
    UserId;
    /// 帮扶单位
    UnitId;
    /// 结对帮扶
    PairingId;
    /// 帮扶责任人
    HelperId;
    /// 驻村工作队员 (one period in a team)
    TeamMemberId;
    /// 帮扶计划
    PlanId;
    /// 帮扶措施
    MeasureId;
    /// 佐证材料
    EvidenceId;
    /// 走访
    VisitId;
}
