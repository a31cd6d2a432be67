//! Request logs: the route in every line, never a full ID number, a failure logged once.

use super::*;

/// Collects log output in memory for one test.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

both!(log_lines_name_routes_and_never_carry_a_full_id_number, |app| {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (session, csrf) = app.sign_in("admin").await;
    app.get(&format!("/households?q={}", app.full_id), &session).await;
    let token = api_token(&app, "admin").await;
    app.api("GET", &format!("/api/v1/households?q={}", app.full_id), &token, None).await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let mut bad = app.full_id.clone();
    bad.replace_range(17.., if bad.ends_with('0') { "1" } else { "0" });
    app.correct_member(
        h,
        m,
        &session,
        &format!("_csrf={csrf}&name=x&sex=%E7%94%B7&relation=%E6%88%B7%E4%B8%BB&id_number={bad}"),
    )
    .await;
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(text.contains("route=/households"), "requests are logged by route: {text}");
    assert!(!text.contains(&app.full_id) && !text.contains(&bad), "a full ID number reached the log: {text}");
});

both!(a_failure_of_the_system_is_logged_once_and_its_page_gives_the_request_number, |app| {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (session, _) = app.sign_in("admin").await;
    // Storage breaks under the page: its history table is gone.
    let sql = "alter table household_history rename to household_history_gone";
    match app.db.pool() {
        bangfu_db::Pool::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        bangfu_db::Pool::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
    .unwrap();
    let r = app.household_page(app.shahedian_household.0, &session).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.contains("出错了") && r.body.contains("系统暂时无法完成这项操作"), "{}", r.body);
    let number: String = r
        .body
        .split("请求编号 ")
        .nth(1)
        .expect("the page names the request")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(!number.is_empty());
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(" ERROR ")).collect();
    assert_eq!(errors.len(), 1, "one failure, one error line: {text}");
    assert!(errors[0].contains(&format!("request_id={number}")) && errors[0].contains("page failed"), "{}", errors[0]);
    // The API says the same, with the number in its message.
    let token = api_token(&app, "admin").await;
    let r = app.api_household(app.shahedian_household.0, &token).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.contains("系统暂时无法完成这项操作（请求编号 "), "{}", r.body);
});
