//! The district's 支出进度目标 for 衔接资金, kept as a setting with its audit row.

use bangfu_core::DomainResult;
use bangfu_core::audit::Actor;
use bangfu_core::project::funds::{MONTHLY_TARGETS_SETTING, MonthlyTargets};

use crate::Db;

impl Db {
    /// The month-by-month spending targets (the default until the district sets its own).
    pub async fn monthly_targets(&self) -> DomainResult<MonthlyTargets> {
        Ok(MonthlyTargets::from_setting(self.setting(MONTHLY_TARGETS_SETTING).await?.as_deref()))
    }

    pub async fn set_monthly_targets(&self, t: MonthlyTargets, actor: &Actor) -> DomainResult<()> {
        self.set_setting(MONTHLY_TARGETS_SETTING, &t.to_setting(), actor).await
    }
}
