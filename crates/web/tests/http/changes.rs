//! Daily changes from the household page: 增员, 减员, 录入收入 and the status, in history and audit.

use super::*;

both!(daily_changes_join_leave_income_and_status_check_their_input_and_land_in_history_and_audit, |app| {
    let (session, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    // 增员 with a wrong check digit: refused with the reason beside the field.
    let mut bad = id("20200101", 21);
    bad.replace_range(17.., if bad.ends_with('0') { "1" } else { "0" });
    let form = |idn: &str| {
        format!(
            "_csrf={csrf}&name={}&sex={}&id_number={idn}&relation={}&joined_on=2020-01-01&join_reason={}",
            enc("王小宝"),
            enc("男"),
            enc("之子"),
            enc("出生")
        )
    };
    let r = app.join_member(h, &session, &form(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("校验位错误"));
    let r = app.join_member(h, &session, &form(&id("20200101", 21))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("王小宝") && page.body.contains("家庭人口</dt><dd>2 人"));
    // 减员 in the future is refused; today with a reason is kept as history.
    let m = app
        .db
        .members(&Scope::everything(), app.shahedian_household)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.data.name == "王小宝")
        .unwrap()
        .id
        .0;
    let r =
        app.leave_member(h, m, &session, &format!("_csrf={csrf}&left_on=2999-01-01&left_reason={}", enc("迁出"))).await;
    assert!(r.body.contains("日期不能晚于今天"));
    let r =
        app.leave_member(h, m, &session, &format!("_csrf={csrf}&left_on=2024-05-01&left_reason={}", enc("迁出"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("已减员") && page.body.contains("2024年5月1日 迁出"));
    // Income: a negative amount is refused; a good one shows net income per person.
    let r = app.record_income(h, &session, &format!("_csrf={csrf}&income_year=2025&wages=-5")).await;
    assert!(r.body.contains("工资性收入不能为负数"), "{}", r.body);
    let r = app.record_income(h, &session, &format!("_csrf={csrf}&income_year=2025&wages=12000&transfer=2400.5")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("14,400.50"), "one person: net per person = total");
    // Status: a village worker no longer changes it directly (a visit proposes it for review) …
    let status_form =
        |reason: &str, csrf: &str| format!("_csrf={csrf}&status=exited&effective_on=2025-12-01&reason={}", enc(reason));
    let r = app.change_status(h, &session, &status_form("2025年度脱贫", &csrf)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!app.household_page(h, &session).await.body.contains(&format!("/households/{h}/status")));
    // … the district corrects it: it needs a reason, then it is in the dated history, coloured green.
    let (admin, acsrf) = app.sign_in("admin").await;
    let r = app.change_status(h, &admin, &status_form("", &acsrf)).await;
    assert!(r.body.contains("请填写变更原因"));
    let r = app.change_status(h, &admin, &status_form("2025年度脱贫", &acsrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("tag green") && page.body.contains("脱贫状态：未脱贫 → 已脱贫（享受政策）"));
    let (_, n) = app
        .db
        .audit_entries(&AuditFilter { username: Some("shadong".into()), ..Default::default() }, 50, 0)
        .await
        .unwrap();
    assert_eq!(n, 1 + 3, "a sign-in and three changes (the refused status change left nothing)");
});
