//! In-process HTTP tests: the router answered without a network.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bangfu_core::store::AreaStore;
use bangfu_db::{Db, YICHENG_DIVISIONS, read_divisions};
use bangfu_web::{AppState, router};
use tower::ServiceExt;

async fn state() -> AppState {
    let db = Db::memory().await.unwrap();
    db.migrate().await.unwrap();
    db.upsert_areas(&read_divisions(YICHENG_DIVISIONS.as_bytes(), "x").unwrap()).await.unwrap();
    AppState { db }
}

async fn get(state: AppState, path: &str) -> (StatusCode, String) {
    let res = router(state).oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn the_health_check_answers_ok_with_the_backend() {
    let (status, body) = get(state().await, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, r#"{"backend":"sqlite","status":"ok"}"#);
}

#[tokio::test]
async fn the_start_page_lists_every_township_of_the_district_in_chinese() {
    let (status, body) = get(state().await, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=zh-CN>"));
    assert!(body.contains("驿城区 建档立卡户概况"));
    for t in ["沙河店镇", "蚁蜂镇", "胡庙乡", "人民街街道"] {
        assert!(body.contains(t), "{t} missing");
    }
}
