//! Who reads the audit log, and an auditor reads but never edits.

use super::*;

both!(an_auditor_reads_but_cannot_edit_and_only_admins_and_auditors_read_the_audit_log, |app| {
    let (auditor, _) = app.sign_in("auditor").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    assert_eq!(app.household_page(h, &auditor).await.status, StatusCode::OK);
    assert_eq!(app.member_edit_page(h, m, &auditor).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/audit", &auditor).await.status, StatusCode::OK);
    let (clerk, _) = app.sign_in("shahedian").await;
    assert_eq!(app.get("/audit", &clerk).await.status, StatusCode::FORBIDDEN);
});
