//! 个人信息加密存储: ID numbers, phone numbers and TOTP secrets are in the database only
//! sealed; a household is still found by a member's full ID number (through the keyed hash);
//! values written before sealing began are sealed when the register is next opened; and a
//! register refuses a key ring it was not sealed with.

use super::*;
use bangfu_db::Pool;
use bangfu_db::sealed;

/// The raw stored (id_number, id_number_key, phone) of every member, as the database holds them.
async fn stored_members(db: &Db) -> Vec<(i64, String, Option<String>, Option<String>)> {
    let sql = "select member_id, id_number, id_number_key, phone from members order by member_id";
    match db.pool() {
        Pool::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await,
        Pool::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await,
    }
    .unwrap()
}

async fn execute(db: &Db, sql: &str, binds: &[&str]) {
    match db.pool() {
        Pool::Sqlite(p) => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for b in binds {
                q = q.bind(*b);
            }
            q.execute(p).await.unwrap();
        }
        Pool::Postgres(p) => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for b in binds {
                q = q.bind(*b);
            }
            q.execute(p).await.unwrap();
        }
    };
}

async fn found_by(db: &Db, query: &str) -> i64 {
    let filter = HouseholdFilter { query: Some(query.to_owned()), ..Default::default() };
    db.list_households(&everything(), &filter, Page { number: 1, size: 20 }).await.unwrap().1
}

conformance!(
    id_and_phone_numbers_are_stored_only_sealed_and_a_household_is_found_by_the_full_id,
    |db: Db| async move {
        let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
        let mut son = member("王小明", "男", &id("19900101", 11, true), "之子");
        son.phone = Some("13912345678".into());
        db.add_member(&everything(), h, &joins(&son), &actor()).await.unwrap();
        let plain: Vec<String> =
            db.members(&everything(), h).await.unwrap().iter().map(|m| m.data.id_number.as_str().to_owned()).collect();
        assert_eq!(plain.len(), 3);
        let stored = stored_members(&db).await;
        for (_, id_number, key, _) in &stored {
            assert!(id_number.starts_with(sealed::PREFIX), "{id_number}");
            assert!(
                plain.iter().all(|p| !id_number.contains(&p[..10])),
                "no part of a number in the clear: {id_number}"
            );
            let key = key.as_deref().unwrap();
            assert!(plain.iter().any(|p| sealed::id_index(p) == key), "the keyed hash of the number");
        }
        let phone = stored.iter().find_map(|(_, _, _, p)| p.clone()).unwrap();
        assert!(phone.starts_with(sealed::PREFIX) && !phone.contains("1391234"), "{phone}");
        // Read back in the clear; found by the full number, in either form users type it.
        let back = db.members(&everything(), h).await.unwrap();
        assert_eq!(back.iter().find(|m| m.data.name == "王小明").unwrap().data.phone.as_deref(), Some("13912345678"));
        assert_eq!(found_by(&db, &son.id_number.as_str().to_lowercase()).await, 1);
        assert_eq!(found_by(&db, &id("19900101", 13, true)).await, 0);
        // The same person still cannot be a current member twice (the unique keyed hash).
        let other = registered(&db, "4117021012010002", SHAHEDIAN_VILLAGE, 3).await;
        let err = db.add_member(&everything(), other, &joins(&son), &actor()).await.unwrap_err();
        assert!(matches!(&err, DomainError::Conflict { field, .. } if field == "id_number"), "{err}");
    }
);

conformance!(numbers_written_before_sealing_began_are_sealed_when_the_register_is_opened, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let head = id("19650312", 1, true);
    // As a register of an earlier version holds them: in the clear, with no keyed hash.
    execute(&db, "update members set id_number = $1, id_number_key = null, phone = '13800000000' where member_id = (select min(member_id) from members)", &[&head]).await;
    execute(&db, "update households set phone = '0396-1234567'", &[]).await;
    assert_eq!(found_by(&db, &head).await, 0, "not findable until sealed");
    assert_eq!(db.members(&everything(), h).await.unwrap()[0].data.id_number.as_str(), head, "still readable");
    let n = db.seal_stored_values().await.unwrap();
    assert_eq!(n, 2, "the head's row and the household's");
    let stored = stored_members(&db).await;
    assert!(stored.iter().all(|(_, i, k, _)| i.starts_with(sealed::PREFIX) && k.is_some()));
    assert!(stored.iter().any(|(_, _, _, p)| p.as_deref().is_some_and(|p| p.starts_with(sealed::PREFIX))));
    assert_eq!(found_by(&db, &head).await, 1);
    assert_eq!(db.household(&everything(), h).await.unwrap().data.phone.as_deref(), Some("0396-1234567"));
    assert_eq!(db.seal_stored_values().await.unwrap(), 0, "nothing left: running again changes nothing");
});

conformance!(a_register_refuses_a_key_ring_it_was_not_sealed_with, |db: Db| async move {
    assert!(!db.has_sealed_data().await.unwrap());
    db.check_keys().await.unwrap();
    assert!(db.has_sealed_data().await.unwrap());
    db.check_keys().await.unwrap();
    execute(&db, "update settings set value = 'another ring' where key = 'data_key_check'", &[]).await;
    let err = db.check_keys().await.unwrap_err();
    assert!(err.to_string().contains("密钥文件与这本台账不符"), "{err}");
});
