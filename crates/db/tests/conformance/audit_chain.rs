//! The audit log's hash chain: a row changed or removed directly in the database is found.

use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_db::{Db, Pool};

use crate::conformance;

async fn exec(db: &Db, sql: &str) {
    match db.pool() {
        Pool::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(p).await.map(|_| ()).unwrap(),
        Pool::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(p).await.map(|_| ()).unwrap(),
    }
}

async fn write(db: &Db, n: usize, what: &str) {
    let actor = Actor { user_id: None, username: "张三".into(), role: None, ip: Some("10.0.0.1".into()) };
    for i in 0..n {
        let e = AuditEntry::new(&actor, AuditAction::Update).object("household", i, Some("411702101201")).change(
            "phone",
            Some(format!("1390000{i:04}")),
            Some(format!("{what}{i}")),
        );
        db.audit(&e).await.unwrap();
    }
}

conformance!(a_row_changed_or_removed_directly_in_the_database_is_named_by_the_verification, |db: Db| async move {
    write(&db, 5, "第一批").await;
    let later = chrono::Utc::now() + chrono::Duration::seconds(1);
    assert_eq!(db.seal_audit(later).await.unwrap(), 5);
    write(&db, 3, "第二批").await;
    assert_eq!(db.seal_audit(chrono::Utc::now() + chrono::Duration::seconds(1)).await.unwrap(), 3, "only the new rows");
    let ok = db.verify_audit().await.unwrap();
    assert_eq!((ok.sealed, ok.unsealed, ok.broken.clone()), (8, 0, None));
    assert_eq!(ok.last_hash.as_ref().map(String::len), Some(64));

    // Someone with database access changes what the fourth row says.
    let fourth: i64 = match db.pool() {
        Pool::Sqlite(p) => {
            sqlx::query_scalar("select audit_id from audit_log where chain_seq = 4").fetch_one(p).await.unwrap()
        }
        Pool::Postgres(p) => {
            sqlx::query_scalar("select audit_id from audit_log where chain_seq = 4").fetch_one(p).await.unwrap()
        }
    };
    exec(&db, &format!("update audit_log set after_value = '13800000000' where audit_id = {fourth}")).await;
    let r = db.verify_audit().await.unwrap();
    assert_eq!(r.sealed, 3, "the three before it check out");
    let (seq, id, why) = r.broken.unwrap();
    assert_eq!((seq, id), (4, Some(fourth)));
    assert_eq!(why, format!("第 4 条记录（编号 {fourth}）的内容或哈希被改动"));

    // Put back, then a row removed: the gap is named.
    exec(&db, &format!("update audit_log set after_value = '第一批3' where audit_id = {fourth}")).await;
    assert_eq!(db.verify_audit().await.unwrap().broken, None, "restored, the chain holds again");
    exec(&db, "delete from audit_log where chain_seq = 6").await;
    let (seq, id, why) = db.verify_audit().await.unwrap().broken.unwrap();
    assert_eq!((seq, id, why.as_str()), (6, None, "第 6 条记录缺失（被删除）"));
});
