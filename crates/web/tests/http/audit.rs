//! Who reads the audit log (the audit administrator only, 三员分立), and an auditor reads the
//! register but never edits.

use super::*;

both!(an_auditor_reads_but_cannot_edit_and_only_the_audit_administrator_reads_the_audit_log, |app| {
    let (auditor, _) = app.sign_in("auditor").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    assert_eq!(app.household_page(h, &auditor).await.status, StatusCode::OK);
    assert_eq!(app.member_edit_page(h, m, &auditor).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/audit", &auditor).await.status, StatusCode::FORBIDDEN);
    for other in ["shahedian", "admin", "sysadmin", "secadmin"] {
        let (clerk, _) = app.sign_in(other).await;
        let page = app.get("/audit", &clerk).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{other}");
        let named = if other.ends_with("admin") && other != "admin" { "三员分立" } else { "查看审计日志" };
        assert!(page.body.contains(named), "{other}: {}", page.body);
    }
    let (audit_admin, _) = app.sign_in("auditadmin").await;
    assert_eq!(app.get("/audit", &audit_admin).await.status, StatusCode::OK);
    // Its reading is itself audited: what it looked for, on which page.
    app.get("/audit?username=shahedian&page=2", &audit_admin).await;
    let filter = AuditFilter { action: Some(bangfu_core::audit::AuditAction::ReadAudit), ..Default::default() };
    let (reads, _) = app.db.audit_entries(&filter, 10, 0).await.unwrap();
    assert_eq!(reads.len(), 2);
    assert_eq!(reads[0].username.as_deref(), Some("auditadmin"));
    assert_eq!(reads[0].after_value.as_deref(), Some("用户名 shahedian，第2页"));
    assert_eq!(reads[1].after_value.as_deref(), Some("全部，第1页"));
    assert!(app.get("/audit", &audit_admin).await.body.contains("用户名 shahedian，第2页"), "shown as the others");
    // …and nothing of the register: the audit administrator reads the log only.
    assert_eq!(app.household_page(h, &audit_admin).await.status, StatusCode::FORBIDDEN);
});
