//! A project's papers (项目档案): the 四议两公开 minutes, the approvals, the acceptance reports,
//! site photos and the voucher of each payment — kept for good with the step they were added at,
//! so every yuan and every decision can be traced to its paper.

/// The kinds of paper: (code, wording).
pub const DOCUMENT_KINDS: &[(&str, &str)] = &[
    ("minutes", "会议记录（四议两公开）"),
    ("approval", "批复文件"),
    ("acceptance", "验收报告"),
    ("voucher", "拨付凭证"),
    ("photo", "现场照片"),
    ("other", "其他材料"),
];

pub fn document_kind_zh(code: &str) -> &'static str {
    DOCUMENT_KINDS.iter().find(|(c, _)| *c == code).map_or("材料", |(_, z)| z)
}

/// The kind, by code or wording; a voucher must name the payment it proves.
pub fn parse_kind(raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    DOCUMENT_KINDS.iter().find(|(c, z)| *c == raw || *z == raw).map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_read_by_code_or_wording() {
        assert_eq!(parse_kind("voucher"), Some("voucher"));
        assert_eq!(parse_kind("会议记录（四议两公开）"), Some("minutes"));
        assert_eq!(parse_kind("发票"), None);
        assert_eq!(document_kind_zh("acceptance"), "验收报告");
    }
}
