//! 开发式 or 保障性: whether a measure raises what the household earns by its own work, or
//! secures a condition or a transfer for it. A household that can work gets at least one
//! 开发式 measure (DOMAIN §4); one without labour gets 综合保障（兜底）.
//!
//! The choice, written down once: 开发式 are the measures whose benefit comes through the
//! household's own labour or production — 产业, 就业, 金融 (脱贫人口小额信贷 is lent for
//! production), and 公益岗位 (a 乡村公益性岗位 is paid work, and the monthly employment
//! report counts it among the employed, DOMAIN §8.2). Everything else secures a condition
//! (住房, 饮水, 义务教育, 健康, 基础设施, 生产生活条件, 搬迁) or brings a transfer
//! (综合保障, 社会帮扶, 雨露计划's term subsidy), and is 保障性.

use crate::household::MeasureKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureApproach {
    /// 开发式
    Developmental,
    /// 保障性
    Protective,
}

impl MeasureApproach {
    pub fn code(self) -> &'static str {
        match self {
            MeasureApproach::Developmental => "developmental",
            MeasureApproach::Protective => "protective",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            MeasureApproach::Developmental => "开发式",
            MeasureApproach::Protective => "保障性",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            MeasureApproach::Developmental => "Developmental",
            MeasureApproach::Protective => "Protective",
        }
    }
}

impl MeasureKind {
    pub fn approach(self) -> MeasureApproach {
        match self {
            MeasureKind::Industry | MeasureKind::Employment | MeasureKind::Finance | MeasureKind::PublicJob => {
                MeasureApproach::Developmental
            }
            MeasureKind::Housing
            | MeasureKind::Water
            | MeasureKind::Health
            | MeasureKind::Education
            | MeasureKind::OtherEducation
            | MeasureKind::Security
            | MeasureKind::Social
            | MeasureKind::Relocation
            | MeasureKind::Living
            | MeasureKind::Infrastructure
            | MeasureKind::Other => MeasureApproach::Protective,
        }
    }

    pub fn is_developmental(self) -> bool {
        self.approach() == MeasureApproach::Developmental
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_monitoring_forms_fourteen_categories_are_offered_in_its_order_then_other() {
        let labels: Vec<&str> = MeasureKind::ALL.iter().map(|k| k.label_zh()).collect();
        assert_eq!(
            labels,
            vec![
                "产业",
                "就业",
                "金融",
                "公益岗位",
                "住房安全保障",
                "饮水安全保障",
                "健康",
                "义务教育保障",
                "其他教育（雨露计划）",
                "综合保障（兜底）",
                "社会帮扶",
                "搬迁",
                "生产生活条件改善",
                "基础设施建设",
                "其他",
            ]
        );
    }

    #[test]
    fn industry_employment_finance_and_public_jobs_are_developmental_the_rest_protective() {
        let developmental: Vec<&str> =
            MeasureKind::ALL.iter().filter(|k| k.is_developmental()).map(|k| k.label_zh()).collect();
        assert_eq!(developmental, vec!["产业", "就业", "金融", "公益岗位"]);
        assert_eq!(MeasureKind::Security.approach().label_zh(), "保障性");
        assert_eq!(MeasureKind::OtherEducation.approach().label_zh(), "保障性");
    }

    #[test]
    fn the_old_cards_wordings_and_todays_names_still_read() {
        for (old, kind) in [
            ("产业帮扶", MeasureKind::Industry),
            ("就业帮扶", MeasureKind::Employment),
            ("扶贫车间", MeasureKind::Employment),
            ("金融帮扶", MeasureKind::Finance),
            ("扶贫小额信贷", MeasureKind::Finance),
            ("脱贫人口小额信贷", MeasureKind::Finance),
            ("乡村公益性岗位", MeasureKind::PublicJob),
            ("危房改造", MeasureKind::Housing),
            ("教育帮扶", MeasureKind::Education),
            ("雨露计划", MeasureKind::OtherEducation),
            ("其他教育(雨露计划)", MeasureKind::OtherEducation),
            ("健康帮扶", MeasureKind::Health),
            ("兜底保障", MeasureKind::Security),
            ("综合保障", MeasureKind::Security),
            ("易地扶贫搬迁", MeasureKind::Relocation),
            ("生活条件改善", MeasureKind::Living),
            ("基础设施", MeasureKind::Infrastructure),
            ("生态补偿", MeasureKind::Other),
        ] {
            assert_eq!(MeasureKind::parse(old), Some(kind), "{old}");
        }
        // Stored codes from before the realignment keep their meaning.
        for code in [
            "industry",
            "employment",
            "relocation",
            "public_job",
            "education",
            "health",
            "housing",
            "finance",
            "living",
            "security",
            "other",
        ] {
            assert!(MeasureKind::parse(code).is_some(), "{code}");
        }
    }

    #[test]
    fn no_spelling_of_a_measure_kind_stands_for_two_kinds() {
        let mut seen = std::collections::HashMap::new();
        for &k in MeasureKind::ALL {
            let mut spellings = vec![k.code(), k.label_zh(), k.label_en()];
            spellings.extend(k.aliases());
            for s in spellings {
                if let Some(other) = seen.insert(s.to_lowercase(), k) {
                    assert_eq!(other, k, "“{s}”");
                }
            }
        }
    }
}
