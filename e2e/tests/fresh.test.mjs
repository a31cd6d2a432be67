// A new district starts from an empty register, as a real office would: `bangfu migrate`,
// `bangfu areas import`, the first `serve` makes the district admin and the three
// administrators (三员); then everything in the browser: the first password changes and phones,
// a 帮扶单位, a township account made by the system administrator and granted by the security
// administrator, a household with members, its income, a monitoring episode opened and
// cleared, and the audit administrator reading the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifacts, bin, divisions, idNumber, serve, launchBrowser, bindPhone, phoneCode, secondStep, PNG } from '../kit.mjs';

const work = mkdtempSync(join(tmpdir(), 'bangfu-fresh-'));
const db = join(work, 'district.db');
let server, base, browser, adminName, adminPassword;
const printed = {}; // role → [username, password], as the first serve printed them

before(async () => {
  execFileSync(bin, ['migrate', '--database', db], { stdio: 'pipe' });
  execFileSync(bin, ['areas', 'import', divisions, '--database', db], { stdio: 'pipe' });
  let out;
  ({ server, base, out } = await serve(db));
  for (const m of out.matchAll(/已新建(\S+?)账号 (\S+)（.*?），初始密码 (\S+)/g)) printed[m[1]] = [m[2], m[3]];
  [adminName, adminPassword] = printed['区级管理员'];
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(work, { recursive: true, force: true });
});

async function signIn(page, username, password) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await secondStep(page, username);
}

async function setPassword(page, current, next) {
  await page.waitForSelector('input[name=new]');
  await page.fill('input[name=current]', current);
  await page.fill('input[name=new]', next);
  await page.fill('input[name=repeat]', next);
  await page.click('form:has(input[name=new]) button[type=submit]');
  // A district admin or one of the three administrators goes on to bind a phone (两步验证);
  // everyone else to the start page.
  await page.waitForURL((u) => u.pathname === '/' || u.pathname === '/two-factor');
}

// An administrator's first sign-in: the printed password changed, a phone bound.
async function firstSignIn(page, role, password) {
  const [name, first] = printed[role];
  await signIn(page, name, first);
  await setPassword(page, first, password);
  await bindPhone(page, name);
  return name;
}

// Picks an area: from the drop-down a small area gets, or by typing into the search box.
async function pickArea(page, name, typed, code) {
  if (await page.locator(`select[name=${name}]`).count()) {
    await page.selectOption(`select[name=${name}]`, code);
    return;
  }
  await page.locator(`input[name=${name}_q]`).pressSequentially(typed, { delay: 60 });
  await page.locator(`button[data-pick="${code}"]`).click();
  assert.equal(await page.inputValue(`input[name=${name}]`), code);
}

async function dump(page) {
  return (await page.$$eval('main form input, main form select, main form textarea', (els) => els.map((e) => `${e.name}=${e.value}`))).join(' ');
}

test('a new district: first passwords, a unit, a township account made and granted by two administrators, a household with members, its income, a monitoring episode opened by its procedure', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await signIn(page, adminName, adminPassword);
  assert.match(page.url(), /\/password/, 'the first account must change its printed password first');
  await setPassword(page, adminPassword, 'Yicheng-2026-admin');
  assert.match(await page.textContent('main'), /已保存/);
  // 两步验证: a district admin binds the authenticator app of a phone before anything else.
  assert.match(page.url(), /\/two-factor$/, 'the district admin must bind a phone next');
  assert.match(await page.textContent('main'), /必须使用两步验证/);
  assert.equal(await page.locator('.qr svg').count(), 1, 'a QR code to scan');
  await page.goto(`${base}/households`);
  assert.match(page.url(), /\/two-factor$/, 'no other page until the phone is bound');
  const recovery = await bindPhone(page, adminName, 'fresh-two-factor');
  assert.equal(recovery.length, 10, 'ten recovery codes, shown once');
  assert.equal(new URL(page.url()).pathname, '/');
  // The district's start page on an empty register: every township, no households yet.
  assert.match(await page.textContent('main'), /沙河店镇/);

  // 帮扶单位: made in the browser by the district admin.
  await page.goto(`${base}/units/new`);
  await page.fill('input[name=name]', '驿城区农业农村局');
  await page.selectOption('select[name=level]', { label: '县直' });
  await pickArea(page, 'area_code', '驿城', '411702000000');
  await page.click('main button:has-text("保存")');
  await page.waitForURL(/\/units/);
  assert.match(await page.textContent('main'), /驿城区农业农村局/, await dump(page));

  // 三员分立: the district office cannot make accounts; the system administrator does.
  await page.goto(`${base}/users/new`);
  assert.match(await page.textContent('main'), /账号管理/, 'refused, naming what');
  await context.close();
  assert.deepEqual(Object.keys(printed).sort(), ['区级管理员', '审计管理员', '安全管理员', '系统管理员'].sort());

  // A township account, made by the system administrator, its one-time password shown once.
  const sys = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const sp = await sys.newPage();
  await firstSignIn(sp, '系统管理员', 'Yicheng-2026-system');
  assert.equal(new URL(sp.url()).pathname, '/users', 'the system administrator starts on the accounts');
  await sp.goto(`${base}/households`);
  assert.match(await sp.textContent('main'), /三员分立/, 'and reads no register');
  await sp.goto(`${base}/users/new`);
  await sp.fill('input[name=username]', 'shahe');
  await sp.fill('input[name=display_name]', '沙河店镇李干事');
  await sp.selectOption('select[name=role]', 'township_staff');
  await pickArea(sp, 'area_code', '沙河店', '411702101000');
  await sp.click('main button:has-text("新建账号")');
  await sp.waitForLoadState();
  const shown = await sp.textContent('main');
  const once = shown.match(/一次性密码\s*(\S+)/);
  assert.ok(once, `the one-time password is shown: ${shown}`);
  await sp.screenshot({ path: join(artifacts, 'fresh-user-created.png'), fullPage: true });
  assert.match(shown, /须由安全管理员在“授权”页面授予角色后才能登录/);
  await sys.close();

  // The security administrator grants it the role it was asked for.
  const sec = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const qp = await sec.newPage();
  await firstSignIn(qp, '安全管理员', 'Yicheng-2026-security');
  assert.equal(new URL(qp.url()).pathname, '/grants');
  const row = qp.locator('tr', { hasText: 'shahe' });
  assert.equal(await row.locator('select[name=role]').inputValue(), 'township_staff');
  await qp.screenshot({ path: join(artifacts, 'fresh-grant.png'), fullPage: true });
  await row.locator('button:has-text("授权")').first().click();
  await qp.waitForLoadState();
  assert.match(await qp.textContent('main'), /没有待授权的账号/);
  // The security settings: who must use two factors, and the password policy, never looser
  // than level 3 (a looser number is refused with the field named).
  await qp.goto(`${base}/settings/security`);
  await qp.fill('input[name=min_length]', '6');
  await qp.click('form[action="/settings/security/passwords"] button[type=submit]');
  await qp.waitForLoadState();
  assert.match(await qp.textContent('main'), /最短长度（位）应为8到64之间的整数（等级保护三级要求至少8位）/);
  assert.equal(await qp.inputValue('input[name=min_length]'), '6', 'what was typed is kept');
  await qp.fill('input[name=min_length]', '10');
  await qp.click('form[action="/settings/security/passwords"] button[type=submit]');
  await qp.waitForLoadState();
  assert.match(await qp.textContent('main'), /现行：至少10位/);
  await qp.screenshot({ path: join(artifacts, 'fresh-security-settings.png'), fullPage: true });
  await sec.close();

  // The township clerk signs in, sets a password and registers a household.
  const clerk = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const p = await clerk.newPage();
  await signIn(p, 'shahe', once[1]);
  await setPassword(p, once[1], 'Shahe-2026-clerk');
  await p.goto(`${base}/households/new`);
  await pickArea(p, 'village_code', '杨庄', '411702101202');
  await p.selectOption('select[name=household_type]', { label: '监测户（非脱贫户）' });
  await p.fill('input[name=head_name]', '刘德华');
  await p.selectOption('select[name=head_sex]', { label: '男' });
  await p.fill('input[name=head_id_number]', idNumber('41170219610927001'));
  await p.click('main button:has-text("保存")');
  await p.waitForSelector('h1:has-text("刘德华户")');
  const household = p.url();
  // 增员: his wife joins, with the date and reason the form asks for.
  await p.goto(`${household}/members/new`);
  assert.equal(await p.inputValue('select[name=sex]'), '', 'nothing is chosen for the user');
  await p.fill('input[name=name]', '王秀英');
  await p.selectOption('select[name=sex]', { label: '女' });
  await p.fill('input[name=id_number]', idNumber('41170219630312002'));
  await p.selectOption('select[name=relation]', { label: '配偶' });
  await p.fill('input[name=join_reason]', '婚入');
  await p.click('main button:has-text("保存")');
  await p.waitForSelector('h1:has-text("刘德华户")');
  assert.match(await p.textContent('main'), /王秀英/);

  // 2025's income: wages and a transfer; per person against the line of that year.
  await p.goto(`${household}/income`);
  assert.equal(await p.inputValue('input[name=household_size]'), '2', 'the household has two people now');
  await p.fill('input[name=wages]', '18000');
  await p.fill('input[name=transfer]', '2400');
  await p.click('main button:has-text("保存")');
  await p.waitForSelector('h1:has-text("刘德华户")');
  const withIncome = await p.textContent('main');
  assert.match(withIncome, /已保存/);
  assert.match(withIncome, /10[,\s]?200/, `net per person 20 400 ÷ 2 = 10 200 元 shown: ${withIncome}`);
  await p.screenshot({ path: join(artifacts, 'fresh-household.png'), fullPage: true });

  // 纳入监测 is a procedure: the township clerk logs the lead and does the village's steps, the
  // district does 信息比对 and 县级审批; only the approval opens the episode. The steps are
  // entered with the days they were done (the notice lasts five days).
  const admin = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const a = await admin.newPage();
  // The admin's next sign-in: the password, then the phone's code.
  await a.goto(`${base}/login`);
  await a.fill('input[name=username]', adminName);
  await a.fill('input[name=password]', 'Yicheng-2026-admin');
  await a.click('button[type=submit]');
  await a.waitForURL(/\/login\/code/);
  await a.fill('input[name=code]', '000000');
  await a.click('main button[type=submit]');
  assert.match(await a.textContent('main'), /验证码不正确或已用过/);
  await a.fill('input[name=code]', await phoneCode(adminName));
  await a.screenshot({ path: join(artifacts, 'fresh-sign-in-code.png'), fullPage: true });
  await a.click('main button[type=submit]');
  await a.waitForURL(`${base}/`);

  await p.goto(household);
  await p.click('a:has-text("发起纳入监测")');
  assert.equal(await p.inputValue('select[name=monitoring_type]'), '', 'the type is the clerk\'s answer');
  await p.selectOption('select[name=monitoring_type]', { label: '边缘易致贫户' });
  await p.fill('input[name=risks]', '因病');
  await p.selectOption('select[name=found_by]', { label: '干部排查' });
  await p.fill('[name=reason]', '户主患慢性病，医疗支出大');
  await p.fill('input[name=started_on]', '2026-03-02');
  await p.click('main button:has-text("发起程序")');
  await p.waitForSelector('h1:has-text("纳入监测")');
  const procedure = p.url();
  const step = async (page, on, note) => {
    await page.goto(procedure);
    const form = page.locator('form:has(input[name=action][value=complete])');
    await form.locator('textarea[name=note]').fill(note);
    // An appraisal records its meeting and votes; a cross-check its hits (none here).
    if (await form.locator('input[name=meeting_place]').count()) {
      await form.locator('input[name=meeting_place]').fill('村委会会议室');
      await form.locator('input[name=attendees]').fill('12');
      await form.locator('input[name=votes_for]').fill('12');
      await form.locator('input[name=votes_against]').fill('0');
      await form.locator('input[name=votes_abstain]').fill('0');
    }
    if (await form.locator('input[name=hits]').count()) await form.locator('input[name=hits]').fill('0');
    await form.locator('input[name=on]').fill(on);
    await form.locator('button[type=submit]').click();
    await page.waitForLoadState();
    assert.doesNotMatch(await page.textContent('main'), /未办理：/, await dump(page));
  };
  // The home check carries the household's signed 承诺授权书: photographed and uploaded first.
  assert.match(await p.textContent('main'), /本环节须有：承诺授权书\s*未上传/);
  await p.setInputFiles('#evidence-form input[type=file]', { name: '承诺授权书.png', mimeType: 'image/png', buffer: PNG });
  await p.selectOption('#evidence-form select[name=kind]', { label: '承诺授权书' });
  await p.click('#evidence-form button[type=submit]');
  await p.waitForSelector('a:has-text("承诺授权书.png")');
  assert.match(await p.textContent('main'), /本环节须有：承诺授权书\s*已上传/);
  await step(p, '2026-03-03', '入户核实：户主慢性病，年医疗支出约1.2万元');
  await step(a, '2026-03-04', '比对车辆、房产、工商、财政供养：无');
  await step(p, '2026-03-05', '民主评议：实到12人，同意12票');
  assert.match(await p.textContent('main'), /参会 12 人，赞成 12 票、反对 0 票、弃权 0 票/, 'the votes on the timeline');
  assert.match(await p.textContent('main'), /打印公示/);
  await step(p, '2026-03-11', '公示5天，无异议');
  await step(p, '2026-03-12', '乡镇审核同意');
  await p.goto(household);
  assert.doesNotMatch(await p.textContent('main'), /监测中/, 'not monitored before the county approves');
  await step(a, '2026-03-13', '县级审批同意纳入');
  await step(p, '2026-03-14', '已公告');
  assert.match(await p.textContent('main'), /已批准/);
  await p.goto(household);
  const monitored = await p.textContent('main');
  assert.match(monitored, /边缘易致贫户2026年3月13日因病干部排查监测中/, monitored);
  await p.screenshot({ path: join(artifacts, 'fresh-identified.png'), fullPage: true });
  await clerk.close();
  await admin.close();

  // The audit administrator reads who made the account and who granted it, and nothing else.
  const aud = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const lp = await aud.newPage();
  await firstSignIn(lp, '审计管理员', 'Yicheng-2026-auditlog');
  assert.equal(new URL(lp.url()).pathname, '/audit');
  const log = await lp.textContent('main');
  assert.match(log, /已授权：乡镇（街道）工作人员/, log);
  assert.match(log, new RegExp(printed['安全管理员'][0]));
  await lp.screenshot({ path: join(artifacts, 'fresh-audit-admin.png'), fullPage: true });
  await lp.goto(`${household}`);
  assert.match(await lp.textContent('main'), /三员分立/);
  await aud.close();
});
