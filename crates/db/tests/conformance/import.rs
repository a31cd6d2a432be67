//! Bulk import: all or nothing, every bad row reported, never duplicated.

use bangfu_core::money::Fen;
use bangfu_core::store::{HouseholdFilter, HouseholdStore, IncomeStore, Page};
use bangfu_db::{Db, ImportError, ImportOutcome, import_register};

use crate::conformance;
use crate::fixtures::*;
use crate::harness::everything;

const H_HEADER: &str = "户编号,村代码,村民小组,识别标准,贫困户属性,主要致贫原因,其他致贫原因,脱贫状态,首次识别时间,脱贫年度,收入年度,工资性收入（元）,转移性收入（元）,生产经营性支出（元）\n";
const M_HEADER: &str = "户编号,姓名,性别,证件号码,与户主关系,健康状况,务工状况,务工时间（月）,务工地点\n";

fn good_households() -> String {
    format!(
        "{H_HEADER}\
         4117021012010001,{SHAHEDIAN_VILLAGE},第1组,国家标准,一般贫困户,因病,缺技术,已脱贫（享受政策）,2014-10-01,2018,2025,\"18,000.00\",2400.50,0\n\
         4117021012010002,{SHAHEDIAN_VILLAGE},第2组,国家标准,低保贫困户,因残,,未脱贫,2015-03-01,,2025,3000,6000,200\n"
    )
}

fn good_members() -> String {
    format!(
        "{M_HEADER}\
         4117021012010001,王建国,男,{},户主,长期慢性病,,,\n\
         4117021012010001,李秀英,女,{},配偶,健康,省外,10,广东省东莞市\n\
         4117021012010002,张桂兰,女,{},户主,残疾,,,\n",
        id("19650312", 1, true),
        id("19680705", 2, false).to_lowercase(),
        // Typed with full-width digits, as often happens on Chinese keyboards.
        id("19500101", 3, false)
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
                c => c,
            })
            .collect::<String>(),
    )
}

async fn import(db: &Db, dir: &TempDir) -> Result<ImportOutcome, ImportError> {
    import_register(db, dir.path(), today(), &bangfu_core::audit::Actor::command_line(), &|_| {}).await
}

async fn household_count(db: &Db) -> i64 {
    db.list_households(&everything(), &HouseholdFilter::default(), Page { number: 1, size: 1 }).await.unwrap().1
}

conformance!(a_valid_register_imports_with_members_income_and_history, |db: Db| async move {
    let dir = register_dir(&good_households(), &good_members());
    let outcome = import(&db, &dir).await.unwrap();
    let ImportOutcome::Imported(report) = outcome else { panic!("expected an import, got {outcome:?}") };
    assert_eq!((report.households, report.members, report.incomes), (2, 3, 2));
    let (list, _) =
        db.list_households(&everything(), &HouseholdFilter::default(), Page { number: 1, size: 10 }).await.unwrap();
    let first = list.iter().find(|h| h.household_no == "4117021012010001").unwrap();
    assert_eq!(first.head_name.as_deref(), Some("王建国"));
    assert_eq!(first.size, 2);
    let incomes = db.incomes(&everything(), first.id).await.unwrap();
    assert_eq!(incomes[0].wages, Some(Fen(1_800_000)));
    assert_eq!(incomes[0].transfer, Some(Fen(240_050)));
    assert_eq!(incomes[0].household_size, 2, "the size the import registered, stored with the income");
    let history = db.history(&everything(), first.id).await.unwrap();
    assert_eq!(history.len(), 2, "identified, then exited");
    assert_eq!(history[1].to_value.as_deref(), Some("exited"));
    let members = db.members(&everything(), first.id).await.unwrap();
    assert!(members[1].data.id_number.as_str().ends_with(&id("19680705", 2, false)[17..]));
});

conformance!(importing_the_same_register_twice_is_a_no_op, |db: Db| async move {
    let dir = register_dir(&good_households(), &good_members());
    assert!(matches!(import(&db, &dir).await.unwrap(), ImportOutcome::Imported(_)));
    assert!(matches!(import(&db, &dir).await.unwrap(), ImportOutcome::AlreadyImported { .. }));
    assert_eq!(household_count(&db).await, 2);
});

conformance!(an_overlapping_register_is_refused_row_by_row, |db: Db| async move {
    let dir = register_dir(&good_households(), &good_members());
    import(&db, &dir).await.unwrap();
    // Same households, a slightly different file: the hash differs but the households exist.
    let dir2 = register_dir(&good_households().replace("第2组", "第3组"), &good_members());
    let Err(ImportError::Rows(errors)) = import(&db, &dir2).await else { panic!("expected row errors") };
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        shown
            .contains(&"households.csv:2: 户编号: 户编号“4117021012010001”已在系统中（同一户不能重复导入）".to_owned()),
        "{shown:#?}"
    );
    assert!(shown.iter().any(|s| s.starts_with("members.csv:2: 证件号码: 此人已是系统中另一户")), "{shown:#?}");
    assert_eq!(household_count(&db).await, 2);
});

conformance!(a_register_with_bad_rows_changes_nothing_and_lists_every_bad_row, |db: Db| async move {
    let mut bad_id = id("19650312", 1, true);
    bad_id.replace_range(17.., if bad_id.ends_with('0') { "1" } else { "0" });
    let households = format!(
        "{H_HEADER}\
         4117021012010001,{SHAHEDIAN_VILLAGE},第1组,国家标准,一般贫困户,因病,,未脱贫,2014-10-01,,,,,\n\
         4117021012010002,{SHAHEDIAN_VILLAGE},第1组,国家标准,一般贫困户,因懒,,未脱贫,2014-10-01,,,,,\n\
         4117021012010003,411702101999,第1组,国家标准,一般贫困户,因病,,已脱贫（享受政策）,2014-10-01,,,,,\n\
         4117021012010001,{SHAHEDIAN_VILLAGE},第1组,国家标准,一般贫困户,因病,,未脱贫,2014-10-01,,,,,\n"
    );
    let members = format!(
        "{M_HEADER}\
         4117021012010001,王建国,男,{bad_id},户主,,,,\n\
         4117021012010001,李秀英,男,{},配偶,,,,\n\
         4117021012010009,赵六,男,{},户主,,,,\n\
         4117021012010001,王小明,男,{},之子,,,13,\n",
        id("19680705", 2, false),
        id("19700101", 5, true),
        id("19950101", 7, true),
    );
    let dir = register_dir(&households, &members);
    let Err(ImportError::Rows(errors)) = import(&db, &dir).await else { panic!("expected row errors") };
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    let expect = [
        "households.csv:3: 主要致贫原因: “因懒”不是有效的致贫原因",
        "households.csv:4: 脱贫年度: 已脱贫户须填写脱贫年度",
        "households.csv:5: 户编号: 户编号“4117021012010001”与第2行重复",
        "members.csv:2: 证件号码: 校验位错误",
        "members.csv:3: 证件号码: 证件号码第17位表示女性",
        "members.csv:4: 户编号: 户编号“4117021012010009”在 households.csv 中不存在",
        "members.csv:5: 务工时间（月）: 务工时间应为0到12之间的整数",
    ];
    for e in expect {
        assert!(shown.iter().any(|s| s.starts_with(e)), "missing {e:?} in {shown:#?}");
    }
    assert_eq!(household_count(&db).await, 0, "nothing may be half-written");
    // The register can still be imported once fixed.
    let dir = register_dir(&good_households(), &good_members());
    assert!(matches!(import(&db, &dir).await.unwrap(), ImportOutcome::Imported(_)));
});

conformance!(a_village_code_missing_from_the_area_tree_is_reported, |db: Db| async move {
    let households =
        good_households().replace(&format!("4117021012010002,{SHAHEDIAN_VILLAGE}"), "4117021012010002,411702101999");
    let dir = register_dir(&households, &good_members());
    let Err(ImportError::Rows(errors)) = import(&db, &dir).await else { panic!("expected row errors") };
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0].to_string(),
        "households.csv:3: 村代码: 村代码“411702101999”不在系统的区划中（请先导入区划，或检查代码）"
    );
});

conformance!(unknown_and_missing_columns_are_named_on_line_one, |db: Db| async move {
    let households = good_households().replace("户编号,村代码", "户号,村代码");
    let dir = register_dir(&households, &good_members());
    let Err(ImportError::Rows(errors)) = import(&db, &dir).await else { panic!("expected row errors") };
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(shown, vec!["households.csv:1: 户号: 无法识别的列名", "households.csv:1: 户编号: 缺少必填列"]);
});

conformance!(a_household_without_a_head_in_members_csv_is_reported_on_its_row, |db: Db| async move {
    let members = good_members().replace(",户主,残疾", ",之女,残疾");
    let dir = register_dir(&good_households(), &members);
    let Err(ImportError::Rows(errors)) = import(&db, &dir).await else { panic!("expected row errors") };
    assert_eq!(errors[0].to_string(), "households.csv:3: 户编号: 该户在 members.csv 中没有户主");
});

conformance!(a_first_load_leaves_exactly_the_migrated_indexes_and_foreign_keys, |db: Db| async move {
    let before = db.schema_fingerprint().await.unwrap();
    assert!(before.iter().any(|d| d.starts_with("members_active_id_number")), "{before:#?}");
    let dir = register_dir(&good_households(), &good_members());
    assert!(matches!(import(&db, &dir).await.unwrap(), ImportOutcome::Imported(_)));
    assert_eq!(db.schema_fingerprint().await.unwrap(), before);
    // And the unique rule still holds after the rebuild.
    let dir2 = register_dir(
        &good_households()
            .replace("40117", "x")
            .replace("4117021012010001", "4117021012010011")
            .replace("4117021012010002", "4117021012010012"),
        &good_members().replace("4117021012010001", "4117021012010011").replace("4117021012010002", "4117021012010012"),
    );
    let Err(ImportError::Rows(errors)) = import(&db, &dir2).await else {
        panic!("expected the same people to be refused")
    };
    assert!(errors.iter().all(|e| e.message.contains("现有成员")), "{errors:#?}");
});

conformance!(a_row_with_the_wrong_number_of_columns_is_named_with_the_expected_and_found_counts, |db: Db| async move {
    // Line 3 has an unquoted comma inside the group name: one column too many.
    let households = good_households().replacen(",第2组,", ",第2组,北头,", 1);
    let dir = register_dir(&households, &good_members());
    let Err(ImportError::Rows(errors)) = import(&db, &dir).await else { panic!("expected row errors") };
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        shown.contains(
            &"households.csv:3: 整行: 应有 14 列（与表头相同），实际 15 列：请检查是否多了或少了逗号".to_owned()
        ),
        "{shown:#?}"
    );
    assert_eq!(household_count(&db).await, 0);
});

conformance!(line_numbers_are_right_in_a_file_saved_with_windows_line_endings, |db: Db| async move {
    let households = good_households().replace("因残,,未脱贫", "因懒,,未脱贫").replace('\n', "\r\n");
    let members = good_members().replace('\n', "\r\n");
    let dir = register_dir(&households, &members);
    let Err(ImportError::Rows(errors)) = import(&db, &dir).await else { panic!("expected row errors") };
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert!(shown[0].starts_with("households.csv:3: 主要致贫原因: “因懒”不是有效的致贫原因"), "{shown:#?}");
    // Fixed, the same CRLF file imports whole.
    let dir = register_dir(&good_households().replace('\n', "\r\n"), &members);
    assert!(matches!(import(&db, &dir).await.unwrap(), ImportOutcome::Imported(_)));
});

conformance!(a_finished_import_is_in_the_audit_log_with_who_ran_it_and_what_it_loaded, |db: Db| async move {
    let dir = register_dir(&good_households(), &good_members());
    import(&db, &dir).await.unwrap();
    let filter =
        bangfu_db::audit::AuditFilter { action: Some(bangfu_core::audit::AuditAction::Import), ..Default::default() };
    let (entries, total) = db.audit_entries(&filter, 10, 0).await.unwrap();
    assert_eq!(total, 1);
    assert!(entries[0].username.as_deref().unwrap().starts_with("命令行（"), "{:?}", entries[0].username);
    assert!(
        entries[0].after_value.as_deref().unwrap().ends_with("2 户、3 名成员、2 条收入"),
        "{:?}",
        entries[0].after_value
    );
    // A refused import leaves no audit row of an import.
    let dir = register_dir(&good_households().replace("因残", "因懒"), &good_members());
    assert!(import(&db, &dir).await.is_err());
    assert_eq!(db.audit_entries(&filter, 10, 0).await.unwrap().1, 1);
});

// A register as the national system exports it: 属性 as code 05, the old relation wording 之父,
// 省外务工, two health values in one cell, a 20-digit 残疾人证, and unanswered yes/no cells.
conformance!(a_register_in_the_national_wordings_imports_and_reads_back, |db: Db| async move {
    use bangfu_core::household::*;
    let households = format!(
        "{H_HEADER}\
         4117021012010001,{SHAHEDIAN_VILLAGE},第1组,国家标准,05,因病,,已脱贫（享受政策）,2014-10-01,2019,2025,12000,2400,0\n"
    );
    let father = id("19450301", 1, true);
    let members = format!(
        "户编号,姓名,性别,证件类型,证件号码,人编号,与户主关系,政治面貌,健康状况,务工状况,务工时间（月）,务工地点,\
         参加基本医疗保险,参加大病保险,享受低保\n\
         4117021012010001,王建国,男,居民身份证,{},41170200000123,户主,中共党员,长期慢性病,,,,城乡居民基本医疗保险,是,否\n\
         4117021012010001,王老汉,男,残疾人证,{father}42,,之父,群众,\"残疾,长期慢性病\",,,,是,,\n\
         4117021012010001,王小军,男,,{},,之子,共青团员,健康,省外务工,10,广东省东莞市,,,\n",
        id("19700312", 3, true),
        id("19950101", 5, true),
    );
    let dir = register_dir(&households, &members);
    let outcome = import(&db, &dir).await.unwrap();
    assert!(matches!(outcome, ImportOutcome::Imported(_)), "{outcome:?}");
    let (list, _) =
        db.list_households(&everything(), &HouseholdFilter::default(), Page { number: 1, size: 10 }).await.unwrap();
    let h = db.household(&everything(), list[0].id).await.unwrap();
    assert_eq!(h.data.attribute, Some(PovertyAttribute::Ordinary));
    let members = db.members(&everything(), h.id).await.unwrap();
    let by_name = |n: &str| &members.iter().find(|m| m.data.name == n).unwrap().data;

    let head = by_name("王建国");
    assert_eq!(head.person_no.as_deref(), Some("41170200000123"));
    assert_eq!(head.political_status, Some(PoliticalStatus::PartyMember));
    assert_eq!(head.medical_insurance, Some(MedicalInsurance::Resident));
    assert_eq!((head.serious_illness, head.dibao), (Some(true), Some(false)));
    assert_eq!((head.tekun, head.soldier, head.pension_insurance), (None, None, None), "blank stays 未填");

    let old = by_name("王老汉");
    assert_eq!((old.relation, old.sex), (Relation::Parent, Sex::Male));
    assert_eq!(old.relation.wording(old.sex), "之父");
    assert_eq!(old.id_kind, IdKind::DisabilityCert);
    assert_eq!(old.id_number.as_str(), father, "the person is known by the 18-digit number");
    assert_eq!(old.document_number(), format!("{father}42"));
    assert_eq!(
        (old.disability_category, old.disability_grade),
        (Some(DisabilityCategory::Physical), Some(DisabilityGrade::Two))
    );
    assert_eq!(old.health, Some(HealthSet::of(&[Health::Disabled, Health::Chronic])));
    assert_eq!(old.medical_insurance, Some(MedicalInsurance::Insured), "是 in the old column: insured, scheme unknown");
    assert_eq!(old.dibao, None);

    let son = by_name("王小军");
    assert_eq!(son.id_kind, IdKind::ResidentId);
    assert_eq!(son.migrant_work, Some(MigrantWork::Outside));
    assert_eq!((son.migrant_months, son.migrant_place.as_deref()), (Some(10), Some("广东省东莞市")));
    assert_eq!(son.political_status, Some(PoliticalStatus::LeagueMember));
    assert_eq!(son.medical_insurance, None);
});

// The person behind a 残疾人证 is the 18-digit ID: the same person cannot be current in two
// households whether the number was given as a certificate or as an ID card.
conformance!(a_certificate_holder_is_the_same_person_as_the_id_card_holder, |db: Db| async move {
    let person = id("19450301", 1, true);
    let first = format!(
        "{M_HEADER}4117021012010001,王建国,男,{},户主,,,,\n4117021012010002,张桂兰,女,{},户主,,,,\n\
         4117021012010002,王老汉,男,{person}42,之父,残疾,,,\n",
        id("19650312", 1, true),
        id("19500101", 3, false),
    );
    import(&db, &register_dir(&good_households(), &first)).await.unwrap();
    let h =
        db.list_households(&everything(), &HouseholdFilter::default(), Page { number: 1, size: 10 }).await.unwrap().0;
    let one = h.iter().find(|x| x.household_no == "4117021012010001").unwrap().id;
    let twin = member("王老汉", "男", &person, "父母");
    let err = db.add_member(&everything(), one, &joins(&twin), &actor()).await.unwrap_err();
    assert!(matches!(&err, bangfu_core::DomainError::Conflict { field, .. } if field == "id_number"), "{err}");
});

conformance!(incomes_csv_brings_earlier_years_with_their_sizes_in_the_same_all_or_nothing_load, |db: Db| async move {
    let dir = register_dir(&good_households(), &good_members());
    let header = "户编号,收入期间,该期家庭人口,工资性收入（元）,转移性收入（元）\n";
    let write = |rows: &str| std::fs::write(dir.path().join("incomes.csv"), format!("{header}{rows}")).unwrap();
    let good = "4117021012010001,2023,3,9000,\n4117021012010001,2024,,8000,1200\n";
    // A bad period, an unknown household, a period given twice and one already in households.csv:
    // each is named by line, and nothing at all is imported (households and members neither).
    write(&format!(
        "{good}4117021012010002,去年,1,1,\n4117021012019999,2023,1,1,\n4117021012010001,2023,3,1,\n\
         4117021012010002,2025,1,1,\n"
    ));
    let Err(ImportError::Rows(errors)) = import(&db, &dir).await else { panic!("expected row errors") };
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        (errors[0].file, errors[0].line, errors[0].column.as_str()),
        ("incomes.csv", 4, "收入期间"),
        "{shown:#?}"
    );
    let expect = [
        "incomes.csv:5: 户编号: 户编号“4117021012019999”不在 households.csv 中，也不在系统中",
        "incomes.csv:6: 收入期间: 该户收入期间“2023”与第2行重复",
        "incomes.csv:7: 收入期间: 该户收入期间“2025”的收入已在 households.csv 第3行填写",
    ];
    for e in expect {
        assert!(shown.iter().any(|s| s == e), "missing {e:?} in {shown:#?}");
    }
    assert_eq!(errors.len(), 4, "{shown:#?}");
    assert_eq!(household_count(&db).await, 0, "a bad incomes.csv row imports nothing");

    write(good);
    let ImportOutcome::Imported(report) = import(&db, &dir).await.unwrap() else { panic!("expected an import") };
    assert_eq!(report.incomes, 4, "two from households.csv, two from incomes.csv");
    let (list, _) =
        db.list_households(&everything(), &HouseholdFilter::default(), Page { number: 1, size: 10 }).await.unwrap();
    let first = list.iter().find(|h| h.household_no == "4117021012010001").unwrap();
    let incomes = db.incomes(&everything(), first.id).await.unwrap();
    let seen: Vec<_> = incomes.iter().map(|i| (i.period.code(), i.household_size, i.transfer)).collect();
    assert_eq!(
        seen,
        [
            ("2025".to_owned(), 2, Some(Fen(240_050))),
            ("2024".to_owned(), 2, Some(Fen(120_000))),
            ("2023".to_owned(), 3, None)
        ],
        "a blank size is the number of members imported"
    );
    let filter =
        bangfu_db::audit::AuditFilter { action: Some(bangfu_core::audit::AuditAction::Import), ..Default::default() };
    let (entries, _) = db.audit_entries(&filter, 10, 0).await.unwrap();
    assert!(
        entries[0].after_value.as_deref().unwrap().ends_with("2 户、3 名成员、4 条收入"),
        "{:?}",
        entries[0].after_value
    );
    // A later register's incomes.csv may bring a period of a household already in the register:
    // a blank size is then its current number of members.
    let households = format!(
        "{H_HEADER}4117021012010003,{SHAHEDIAN_VILLAGE},第1组,国家标准,一般贫困户,因病,,未脱贫,2015-03-01,,,,,\n"
    );
    let members = format!("{M_HEADER}4117021012010003,赵四,男,{},户主,,,,\n", id("19700101", 9, true));
    let dir = register_dir(&households, &members);
    write_incomes(&dir, "4117021012010003,2024,,100,\n4117021012010001,2022,,200,\n");
    let ImportOutcome::Imported(report) = import(&db, &dir).await.unwrap() else { panic!("expected an import") };
    assert_eq!(report.incomes, 2);
    let sizes = |incomes: Vec<bangfu_core::household::Income>| -> Vec<(String, i64)> {
        incomes.iter().map(|i| (i.period.code(), i.household_size)).collect()
    };
    assert_eq!(sizes(db.incomes(&everything(), first.id).await.unwrap())[3], ("2022".to_owned(), 2));
    let (list, _) =
        db.list_households(&everything(), &HouseholdFilter::default(), Page { number: 1, size: 10 }).await.unwrap();
    let third = list.iter().find(|h| h.household_no == "4117021012010003").unwrap();
    assert_eq!(sizes(db.incomes(&everything(), third.id).await.unwrap()), [("2024".to_owned(), 1)]);
});

fn write_incomes(dir: &TempDir, rows: &str) {
    let header = "户编号,收入期间,该期家庭人口,工资性收入（元）,转移性收入（元）\n";
    std::fs::write(dir.path().join("incomes.csv"), format!("{header}{rows}")).unwrap();
}
