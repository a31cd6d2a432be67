//! 选择村 (issue 8 §3): the village picker — a search box that loads choices as the user types,
//! a grouped drop-down where the area is small — and pages that stay small at a province's size.

use super::*;

const HENAN_DIVISIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/divisions-henan.csv");

fn picks(body: &str) -> usize {
    body.matches("data-pick=").count()
}

both!(the_village_picker_loads_villages_as_typed_grouped_by_township_and_only_inside_the_scope, |app| {
    // The district has 206 villages: a search box, with the chosen code in a hidden input.
    let (admin, _) = app.sign_in("admin").await;
    let form = app.get("/households/new", &admin).await;
    assert!(form.body.contains(r#"name="village_code_q""#), "{}", form.body);
    assert!(form.body.contains(r#"<input type="hidden" name="village_code" value="" data-draft data-picker-code>"#));
    assert!(form.body.contains(r#"hx-trigger="input changed delay:300ms"#));
    assert!(!form.body.contains("老庄村民委员会"), "no village is listed before typing");
    // Its script is a static file: the page carries no inline script (a CSP is coming).
    assert!(form.body.contains(r#"<script src="/static/picker.js" defer></script>"#));
    assert!(!form.body.contains("<script>") && !form.body.contains(" onchange="));
    for (file, says) in [("picker.js", "data-pick"), ("evidence.js", "createImageBitmap"), ("print.js", "data-print")] {
        let js = app.static_file(file).await;
        assert_eq!(js.status, StatusCode::OK, "{file}");
        assert!(js.body.contains(says), "{file}");
    }
    // No template carries an inline script or handler (a Content-Security-Policy is coming).
    let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for entry in std::fs::read_dir(templates).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for bad in ["<script>", " onclick=", " onsubmit=", " onchange=", " oninput="] {
            assert!(!text.contains(bad), "{} has {bad}", path.display());
        }
    }
    let r =
        app.get(&format!("/areas/search?name=village_code&level=village&village_code_q={}", enc("老庄")), &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"<span class="picker-town">蚁蜂镇</span>"#), "{}", r.body);
    assert!(
        r.body.contains(r#"data-pick="411702104201" data-label="蚁蜂镇 · 老庄村民委员会">老庄村民委员会</button>"#)
    );
    assert!(r.body.contains("诸市镇 · 马老庄村民委员会"));
    assert!(!r.body.contains("<html"), "a fragment, not a page");
    // The JSON API: the same search.
    let api = app.get(&format!("/api/v1/areas?level=village&q={}", enc("蚁蜂 老庄")), &admin).await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let labels: Vec<&str> = v["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["蚁蜂镇 · 老庄村民委员会", "蚁蜂镇 · 南老庄村民委员会"]);
    // 沙河店镇 has 16 villages: a drop-down grouped by township; 蚁蜂镇's are never found.
    let (clerk, _) = app.sign_in("shahedian").await;
    let form = app.get("/households/new", &clerk).await;
    assert!(form.body.contains(r#"<optgroup label="沙河店镇"><option value="411702101200">沙西村民委员会</option>"#));
    assert!(!form.body.contains("village_code_q"));
    // A village worker's one village is chosen already.
    let (worker, _) = app.sign_in("shadong").await;
    let form = app.get("/households/new", &worker).await;
    assert!(
        form.body.contains(r#"<select name="village_code" id="picker-village_code"><optgroup label="沙河店镇"><option value="411702101201" selected>沙东村民委员会</option></optgroup></select>"#),
        "{}",
        form.body
    );
    let r = app.get(&format!("/areas/search?level=village&q={}", enc("老庄")), &clerk).await;
    assert_eq!(picks(&r.body), 0);
    assert!(r.body.contains("本人管辖范围内没有找到"), "{}", r.body);
    let api = app.get("/api/v1/areas?q=411702104201", &clerk).await;
    assert_eq!(api.body, r#"{"items":[],"limit":20}"#);
});

both!(a_village_typed_without_picking_is_looked_up_and_shown_by_name_when_the_form_comes_back, |app| {
    let (admin, csrf) = app.sign_in("admin").await;
    let form = |village: &str, typed: &str| {
        format!(
            "_csrf={csrf}&household_no=&village_code={village}&village_code_q={}&household_type={}&head_name={}&head_sex={}&head_id_number={}",
            enc(typed),
            enc("监测户（非脱贫户）"),
            enc("刘德华"),
            enc("男"),
            id("19610927", 13)
        )
    };
    // Several villages match 庄: nothing is guessed; the typed text and its matches come back.
    let r = app.register_household(&admin, &form("", "沙河店 庄")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&format!(r#"value="{}""#, "沙河店 庄")), "{}", r.body);
    assert!(r.body.contains(r#"data-label="沙河店镇 · 杨庄村民委员会""#), "the matches are shown with the form");
    // One match: that village (its next 户编号 given).
    let r = app.register_household(&admin, &form("", "沙河店 杨庄")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location.unwrap();
    let page = app.get(&path, &admin).await;
    assert!(page.body.contains("刘德华户") && page.body.contains("杨庄村民委员会"));
    // The edit form shows the village by township and name, its code hidden beside it.
    let edit = app.household_edit_page(path.strip_prefix("/households/").unwrap(), &admin).await;
    assert!(edit.body.contains(r#"name="village_code" value="411702101202""#), "{}", edit.body);
    assert!(edit.body.contains(r#"value="沙河店镇 · 杨庄村民委员会""#));
});

both!(the_household_list_filters_by_a_typed_or_picked_area, |app| {
    let (admin, _) = app.sign_in("admin").await;
    let r = app.get(&format!("/households?area_q={}", enc("蚁蜂镇")), &admin).await;
    assert!(r.body.contains("共 1 户") && r.body.contains("赵铁柱"), "{}", r.body);
    assert!(r.body.contains(r#"name="area" value="411702104000""#));
    assert!(r.body.contains(r#"value="驿城区 · 蚁蜂镇""#));
    let r = app.get("/households?area=411702101201", &admin).await;
    assert!(r.body.contains("共 1 户") && r.body.contains(r#"value="沙河店镇 · 沙东村民委员会""#));
    // A township clerk's few villages are a drop-down; a village worker has nothing to choose.
    let (clerk, _) = app.sign_in("shahedian").await;
    let r = app.get("/households", &clerk).await;
    assert!(
        r.body.contains(
            r#"<select name="area" id="picker-area"><option value="">全部</option><optgroup label="沙河店镇">"#
        )
    );
    let (worker, _) = app.sign_in("shadong").await;
    assert!(!app.get("/households", &worker).await.body.contains("picker-area"));
});

both!(a_province_admin_over_all_of_henan_gets_small_pages_and_finds_villages_by_typing, |app| {
    let henan = read_divisions(std::fs::File::open(HENAN_DIVISIONS).unwrap(), "divisions-henan.csv").unwrap();
    assert_eq!(henan.iter().filter(|a| a.level == bangfu_core::area::AreaLevel::Village).count(), 52_378);
    app.db.upsert_areas(&henan).await.unwrap();
    app.db
        .create_user(
            &NewUser {
                username: "henan".into(),
                display_name: "省扶贫办".into(),
                phone: None,
                role: Role::DistrictAdmin,
                area_code: AreaCode::parse("410000000000").unwrap(),
                password_hash: hash_password("correct-horse").unwrap(),
                must_change_password: false,
            },
            &actor(),
        )
        .await
        .unwrap();
    let (session, _) = app.sign_in("henan").await;
    for path in [
        "/",
        "/households",
        "/households/new",
        "/teams",
        "/helpers",
        "/helpers/new",
        "/pairings",
        "/pairings/new",
        "/units",
        "/units/new",
        "/worklist",
    ] {
        let r = app.get(path, &session).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.len() < 200_000, "{path} is {} bytes for a province", r.body.len());
        eprintln!("{path}: {} bytes", r.body.len());
    }
    // The province's system administrator: the accounts pages are as small.
    super::admin::insert_user(&app, "henan-xt", Role::SystemAdmin, "410000000000").await;
    let (sys, _) = app.sign_in("henan-xt").await;
    for path in ["/users", "/users/new"] {
        let r = app.get(path, &sys).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.len() < 200_000, "{path} is {} bytes for a province", r.body.len());
    }
    // 胡庙乡's 16 villages, grouped under it; 张庄 is in 324 villages: the first 20, and a note.
    let r = app
        .get(&format!("/areas/search?name=village_code&level=village&village_code_q={}", enc("胡庙乡")), &session)
        .await;
    assert_eq!(picks(&r.body), 16, "{}", r.body);
    assert_eq!(r.body.matches("picker-town").count(), 1);
    assert!(r.body.contains(r#"data-label="胡庙乡 · 胡庙村民委员会""#));
    let r = app.get(&format!("/areas/search?level=village&q={}", enc("张庄")), &session).await;
    assert_eq!(picks(&r.body), 20);
    assert!(r.body.contains("只列出前 20 个"));
    assert!(r.body.len() < 20_000);
    // Forms that may name the user's own area (helpers, accounts, units) search it too.
    let form = app.get("/users/new", &sys).await;
    assert!(form.body.contains(r#"name="area_code_q""#) && form.body.contains("root=1"), "{}", form.body);
    let r = app.get(&format!("/areas/search?root=1&required=1&q={}", enc("河南")), &session).await;
    assert!(r.body.contains(r#"data-pick="410000000000" data-label="河南省">河南省</button>"#), "{}", r.body);
    let r = app.get(&format!("/areas/search?q={}", enc("河南")), &session).await;
    assert!(!r.body.contains(r#"data-pick="410000000000""#), "a filter's 全部 is the user's own area already");
    // A household of 驿城区 is still found by filtering on its village, typed.
    let r = app.get(&format!("/households?area_q={}", enc("蚁蜂镇 老庄村民委员会")), &session).await;
    assert!(r.body.contains("共 1 户") && r.body.contains("赵铁柱"), "{}", r.body);
});

both!(a_pairing_is_made_with_a_township_found_by_typing_its_name, |app| {
    use bangfu_core::store::{TeamStore, UnitStore};
    let unit = app
        .db
        .create_unit(
            &Scope::everything(),
            &bangfu_core::assistance::UnitData {
                name: "人民街道办事处".into(),
                level: bangfu_core::assistance::UnitLevel::Township,
                area_code: AreaCode::parse("411702001000").unwrap(),
            },
            &actor(),
        )
        .await
        .unwrap();
    let (admin, csrf) = app.sign_in("admin").await;
    let page = app.get("/pairings/new", &admin).await;
    assert!(page.body.contains(r#"name="area_code_q""#), "a search box, not 227 options");
    let r = app
        .add_pairing(
            &admin,
            &format!("_csrf={csrf}&unit_id={unit}&area_code=&area_code_q={}&start_on=2024-01-01", enc("沙河店镇")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (pairings, _) =
        app.db.pairing_page(&Scope::everything(), bangfu_core::store::Page { number: 1, size: 5 }).await.unwrap();
    assert_eq!(pairings[0].area_code.as_str(), "411702101000");
});
