// Browser tests: a township clerk signs in, finds a household by pinyin initials, reads it
// on a phone-sized screen, and cannot reach another township's household by URL; the 帮扶
// work — a helper assigned, a plan written, a visit recorded on a phone — and the
// worklists changing as a result.
// Runs Debian's chromium through playwright-core against a real `bangfu serve`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifacts, bin, divisions, idNumber, serve, launchBrowser, secondStep, PNG } from '../kit.mjs';

const work = mkdtempSync(join(tmpdir(), 'bangfu-e2e-'));
// SQLite by default; BANGFU_E2E_DATABASE (a postgres:// URL of an empty database) runs the same tests on PostgreSQL.
const db = process.env.BANGFU_E2E_DATABASE || join(work, 'e2e.db');
let server, base, browser;

const WANG_ID = idNumber('41170219800101001');

function bangfu(args, input) {
  return execFileSync(bin, args, { input, env: { ...process.env, BANGFU_LOG: 'error' } }).toString();
}

// Appends a row to a CSV, placing values by their Chinese header.
function appendRow(file, values) {
  const text = readFileSync(file, 'utf8');
  const header = text.split('\n')[0].replace(/^\ufeff/, '').split(',');
  const row = header.map((h) => values[h] ?? '');
  writeFileSync(file, text + row.join(',') + '\n');
}

before(async () => {
  const reg = join(work, 'reg');
  bangfu(['generate', '--households', '300', '--out', reg, '--seed', '11']);
  for (const [no, village, head, id] of [
    ['4117021012019999', '411702101201', '王小明', WANG_ID],
    ['4117021042019999', '411702104201', '赵铁柱', idNumber('41170219700101003')],
  ]) {
    appendRow(join(reg, 'households.csv'), {
      户编号: no, 村代码: village, 识别标准: '国家标准', 贫困户属性: '一般贫困户', 主要致贫原因: '因病', 脱贫状态: '未脱贫',
    });
    appendRow(join(reg, 'members.csv'), { 户编号: no, 姓名: head, 性别: '男', 证件号码: id, 与户主关系: '户主' });
  }
  bangfu(['areas', 'import', divisions, '--database', db]);
  bangfu(['import', '--database', db, reg]);
  bangfu(['user', 'add', '--database', db, '--username', 'shahe', '--name', '沙河店镇李干事', '--role', 'township_staff', '--area', '411702101000'], 'shahe-2026\n');
  bangfu(['user', 'add', '--database', db, '--username', 'quban', '--name', '区农业农村局', '--role', 'district_admin', '--area', '411702000000'], 'quban-2026\n');
  // 三员分立: accounts are the system administrator's, the audit log the audit administrator's.
  bangfu(['user', 'add', '--database', db, '--username', 'xitong', '--name', '区系统管理员', '--role', 'system_admin', '--area', '411702000000'], 'xitong-2026\n');
  bangfu(['user', 'add', '--database', db, '--username', 'shenji', '--name', '区审计管理员', '--role', 'audit_admin', '--area', '411702000000'], 'shenji-2026\n');
  bangfu(['user', 'add', '--database', db, '--username', 'shadong', '--name', '沙东村张队员', '--role', 'village_worker', '--area', '411702101201'], 'shadong-2026\n');

  ({ server, base } = await serve(db));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(work, { recursive: true, force: true });
});

async function signIn(page, username, password) {
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login/);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await secondStep(page, username);
  // The register's start page, or an administrator's own page (三员 read no register).
  await page.waitForURL((u) => !/^\/(login|two-factor)/.test(u.pathname));
}

test('a township clerk on a phone finds 王小明 by typing wxm and sees a masked ID number', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await signIn(page, 'shahe', 'shahe-2026');
  assert.match(await page.textContent('h1'), /沙河店镇/);
  await page.screenshot({ path: join(artifacts, 'phone-overview.png'), fullPage: true });
  await page.click('text=农户');
  // Typing is enough: the list updates as the clerk types (htmx), no need to press 查询.
  await page.locator('input[name=q]').pressSequentially('wxm', { delay: 80 });
  // Nobody else in the generated 沙河店镇 has the initials wxm: the list narrows to his household
  // as the clerk types.
  await page.waitForSelector('text=共 1 户');
  await page.waitForSelector('a:has-text("王小明")');
  assert.match(page.url(), /q=wxm/);
  await page.screenshot({ path: join(artifacts, 'phone-search-wxm.png'), fullPage: true });
  await page.click('a:has-text("王小明")');
  await page.waitForSelector('h1:has-text("王小明户")');
  const body = await page.textContent('body');
  assert.ok(!body.includes(WANG_ID), 'the full ID number never appears');
  assert.ok(body.includes(`${WANG_ID.slice(0, 4)}**********${WANG_ID.slice(14)}`));
  // Fits a 360-px screen: no sideways scrolling of the page itself.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
  await page.screenshot({ path: join(artifacts, 'phone-household.png'), fullPage: true });
  await context.close();
});

test('a township clerk cannot reach another township household by its URL', async () => {
  const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const ap = await admin.newPage();
  await signIn(ap, 'quban', 'quban-2026');
  await ap.goto(`${base}/households?q=ztz`);
  const href = await ap.getAttribute('a:has-text("赵铁柱")', 'href');
  assert.match(href, /^\/households\/\d+$/);
  await ap.screenshot({ path: join(artifacts, 'desktop-households.png'), fullPage: true });
  await admin.close();

  const clerk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await clerk.newPage();
  await signIn(page, 'shahe', 'shahe-2026');
  const res = await page.goto(`${base}${href}`);
  assert.equal(res.status(), 404);
  assert.match(await page.textContent('h1'), /找不到该记录/);
  const missing = await page.goto(`${base}/households/99999999`);
  assert.equal(missing.status(), 404);
  await page.screenshot({ path: join(artifacts, 'desktop-not-found.png') });
  await clerk.close();
});

test('a clerk edits a member with a bad ID number, sees the error, fixes it, and the change is in the audit log', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await signIn(page, 'shahe', 'shahe-2026');
  await page.goto(`${base}/households?q=wxm`);
  await page.click('a:has-text("王小明")');
  await page.click('td a:text-is("修改")');
  await page.waitForSelector('h1:has-text("修改成员")');
  const bad = WANG_ID.slice(0, 17) + (WANG_ID.endsWith('0') ? '1' : '0');
  await page.fill('input[name=id_number]', bad);
  await page.fill('input[name=phone]', '13912345678');
  await page.click('button:has-text("保存")');
  await page.waitForSelector('.field-error');
  const error = await page.textContent('.field-error');
  assert.match(error, /校验位错误/);
  await page.screenshot({ path: join(artifacts, 'phone-member-bad-id.png'), fullPage: true });
  // Fix it: the right number, typed with full-width digits as Chinese keyboards often do.
  const fullWidth = [...WANG_ID].map((c) => (/[0-9]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
  await page.fill('input[name=id_number]', fullWidth);
  await page.click('button:has-text("保存")');
  await page.waitForSelector('h1:has-text("王小明户")');
  await context.close();

  const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const ap = await admin.newPage();
  await signIn(ap, 'shenji', 'shenji-2026');
  assert.match(ap.url(), /\/audit$/, 'the audit administrator starts on the audit log');
  await ap.goto(`${base}/audit?username=shahe`);
  const log = await ap.textContent('table');
  assert.match(log, /联系电话：（空） → 139\*\*\*\*5678/, "the phone is kept masked in the log");
  assert.ok(!log.includes("13912345678"));
  assert.ok(!log.includes(WANG_ID));
  await ap.screenshot({ path: join(artifacts, 'desktop-audit.png'), fullPage: true });
  await admin.close();
});

test('signing out ends the session', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'shahe', 'shahe-2026');
  await page.click('header button:has-text("退出")');
  await page.waitForURL(/\/login/);
  await page.goto(`${base}/households`);
  assert.match(page.url(), /\/login/);
  await context.close();
});

// The count on a worklist tab, e.g. 无帮扶责任人 12.
async function worklistCount(page, reason) {
  await page.goto(`${base}/worklist?reason=${reason}`);
  return Number(await page.textContent(`a[data-reason=${reason}] .count`));
}

async function openWang(page) {
  await page.goto(`${base}/households?q=wxm`);
  await page.click('a:has-text("王小明")');
  await page.waitForSelector('h1:has-text("王小明户")');
}

test('a township clerk registers a helper, assigns him and writes a plan; the worklists shrink', async () => {
  const year = new Date().getFullYear();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await signIn(page, 'shahe', 'shahe-2026');
  const noHelper = await worklistCount(page, 'no_helper');
  const noPlan = await worklistCount(page, 'no_plan');
  assert.ok(noHelper > 0 && noPlan > 0, `${noHelper} without a helper, ${noPlan} without a plan`);
  await page.screenshot({ path: join(artifacts, 'desktop-worklist.png'), fullPage: true });

  await page.goto(`${base}/helpers/new`);
  await page.fill('input[name=name]', '李帮扶');
  await page.fill('input[name=phone]', '13911112222');
  await page.fill('input[name=post]', '镇农业服务中心');
  await page.selectOption('select[name=area_code]', '411702101201');
  await page.click('button:has-text("保存")');
  await page.waitForSelector('td:has-text("李帮扶")');

  await openWang(page);
  assert.ok((await page.textContent('body')).includes('尚无帮扶责任人'));
  await page.click('a:has-text("指派/更换")');
  await page.selectOption('select[name=helper_id]', { label: '李帮扶（镇农业服务中心）' });
  await page.click('button:has-text("保存")');
  await page.waitForSelector('h1:has-text("王小明户")');
  assert.ok((await page.textContent('dl.facts')).includes('李帮扶 13911112222'));
  assert.equal(await worklistCount(page, 'no_helper'), noHelper - 1);

  // The plan: written with the household; a measure due before the plan year is refused.
  await openWang(page);
  await page.click(`a:has-text("制定${year}年帮扶计划")`);
  assert.equal(await page.inputValue('input[name=written_with]'), '户主王小明');
  await page.click('button:has-text("保存")');
  await page.waitForSelector('h1:has-text("王小明户")');
  await page.click('a:has-text("增加措施")');
  await page.selectOption('select[name=kind]', 'health');
  await page.fill('textarea[name=content]', '办理慢性病卡，落实家庭医生签约');
  assert.equal(await page.inputValue('input[name=responsible]'), '李帮扶');
  await page.fill('input[name=due_on]', `${year - 1}-12-31`);
  await page.click('button:has-text("保存")');
  await page.waitForSelector('.field-error');
  assert.equal((await page.textContent('.field-error')).trim(), `完成期限不能早于计划年度（${year}年1月1日）`);
  await page.screenshot({ path: join(artifacts, 'desktop-measure-bad-due-date.png'), fullPage: true });
  await page.fill('input[name=due_on]', `${year}-12-31`);
  await page.click('button:has-text("保存")');
  await page.waitForSelector('td:has-text("办理慢性病卡，落实家庭医生签约")');
  await page.screenshot({ path: join(artifacts, 'desktop-household-plan.png'), fullPage: true });
  assert.equal(await worklistCount(page, 'no_plan'), noPlan - 1);

  // The household card prints what was entered, nothing typed again.
  await openWang(page);
  await page.click('a:has-text("明白卡")');
  await page.waitForSelector('h1:has-text("帮扶明白卡")');
  const card = await page.textContent('body');
  assert.ok(card.includes('李帮扶') && card.includes('13911112222') && card.includes('办理慢性病卡'));
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: join(artifacts, 'print-card.png'), fullPage: true });
  await page.pdf?.({ path: join(artifacts, 'card.pdf'), format: 'A4' }).catch(() => {});
  await context.close();
});

test('a village worker records a visit on a phone in a few taps and the household leaves the not-visited list', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN', hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await signIn(page, 'shadong', 'shadong-2026');
  const notVisited = await worklistCount(page, 'not_visited');
  assert.ok(notVisited > 0);
  await page.screenshot({ path: join(artifacts, 'phone-worklist.png'), fullPage: true });
  await openWang(page);
  await page.click('a:has-text("记录走访")');
  await page.waitForSelector('h1:has-text("记录走访")');
  // Date and visitor are filled in; what was found is the only thing to type.
  assert.equal(await page.inputValue('input[name=visitors]'), '沙东村张队员');
  assert.ok((await page.inputValue('input[name=visited_on]')).length === 10);
  await page.fill('textarea[name=found]', '户主腰痛好转，能下地干活；慢性病卡已在办理');
  await page.fill('textarea[name=follow_up]', '下周陪同到镇卫生院复查');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the visit form is ${width}px wide`);
  await page.screenshot({ path: join(artifacts, 'phone-visit-form.png'), fullPage: true });
  await page.click('button:has-text("保存")');
  await page.waitForSelector('.visit:has-text("户主腰痛好转")');
  await page.screenshot({ path: join(artifacts, 'phone-household-visit.png'), fullPage: true });
  assert.equal(await worklistCount(page, 'not_visited'), notVisited - 1);
  await context.close();
});

test('evidence: a text file posing as a photo is refused in Chinese, a large phone photo is shrunk and stored', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN', hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await signIn(page, 'shadong', 'shadong-2026');
  await openWang(page);
  await page.click('a:has-text("上传佐证")');
  await page.waitForSelector('h1:has-text("上传佐证材料")');
  await page.setInputFiles('input[name=file]', { name: '照片.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo') });
  await page.click('button:has-text("上传")');
  await page.waitForSelector('.error');
  assert.match(await page.textContent('.error'), /只能上传照片（JPG、PNG、WebP）或 PDF 文件/);
  await page.screenshot({ path: join(artifacts, 'phone-evidence-refused.png'), fullPage: true });
  // A camera-sized photo, over the 5 MB limit: the page makes it smaller before sending it.
  const size = await page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 3000; c.height = 2400;
    const ctx = c.getContext('2d');
    const img = ctx.createImageData(c.width, c.height);
    for (let i = 0; i < img.data.length; i += 4) {
      const x = (i / 4) % c.width;
      img.data[i] = (x / 12 + Math.random() * 24) | 0; img.data[i + 1] = 120 + ((Math.random() * 24) | 0);
      img.data[i + 2] = 80 + ((Math.random() * 24) | 0); img.data[i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    const blob = await new Promise((ok) => c.toBlob(ok, 'image/png'));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'IMG_2026.png', { type: 'image/png' }));
    document.querySelector('input[name=file]').files = dt.files;
    return blob.size;
  });
  assert.ok(size > 5 * 1024 * 1024, `the test photo is ${size} bytes`);
  await page.fill('textarea[name=note]', '户主在卫生院签约家庭医生');
  await page.click('button:has-text("上传")');
  await page.waitForSelector('a:has-text("IMG_2026.jpg")');
  assert.ok((await page.textContent('body')).includes('户主在卫生院签约家庭医生'));
  await page.screenshot({ path: join(artifacts, 'phone-evidence-stored.png'), fullPage: true });
  const href = await page.getAttribute('a:has-text("IMG_2026.jpg")', 'href');
  const res = await page.request.get(`${base}${href}`);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'image/jpeg');
  assert.ok((await res.body()).length <= 5 * 1024 * 1024);
  await context.close();
});

test('a form typed while the session runs out is filled in again after signing in, then saved with 已保存', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await signIn(page, 'shahe', 'shahe-2026');
  await openWang(page);
  await page.click('td a:text-is("修改")');
  await page.waitForSelector('h1:has-text("修改成员")');
  // The session ends on the server (as after 30 idle minutes) while the browser keeps its cookie.
  const cookies = await context.cookies();
  await page.evaluate(async () => {
    const csrf = document.querySelector('input[name=_csrf]').value;
    await fetch('/logout', { method: 'POST', body: new URLSearchParams({ _csrf: csrf }) });
  });
  await context.addCookies(cookies);
  await page.fill('input[name=phone]', '13800001111');
  await page.click('button:has-text("保存")');
  await page.waitForURL(/\/login\?next=.*expired=1/);
  assert.match(await page.textContent('main'), /登录已超时/);
  assert.match(await page.textContent('main'), /已暂存在本浏览器标签页中/);
  await page.screenshot({ path: join(artifacts, 'phone-session-expired.png'), fullPage: true });
  await page.fill('input[name=username]', 'shahe');
  await page.fill('input[name=password]', 'shahe-2026');
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("修改成员")');
  assert.equal(await page.inputValue('input[name=phone]'), '13800001111', 'what was typed is back');
  assert.match(await page.textContent('main'), /已恢复您重新登录前填写的内容/);
  await page.screenshot({ path: join(artifacts, 'phone-draft-restored.png'), fullPage: true });
  await page.click('button:has-text("保存")');
  await page.waitForSelector('h1:has-text("王小明户")');
  assert.match(await page.textContent('.flash[data-saved]'), /已保存/);
  // Opening the form again shows what the register now holds, with no note of an old draft.
  await page.click('td a:text-is("修改")');
  await page.waitForSelector('h1:has-text("修改成员")');
  assert.equal(await page.inputValue('input[name=phone]'), '13800001111', 'saved in the register');
  assert.equal(await page.locator('.draft-note').count(), 0);
  await context.close();
});

test('two clerks correct the same household at once: the second is told who changed what, keeps what was typed, and saves after checking', async () => {
  const open = async (username, password) => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signIn(page, username, password);
    await page.goto(`${base}/households?q=wxm`);
    await page.click('a:has-text("王小明")');
    await page.click('a:has-text("修改农户信息")');
    await page.waitForSelector('h1:has-text("修改农户信息")');
    return { context, page };
  };
  const district = await open('quban', 'quban-2026');
  const township = await open('shahe', 'shahe-2026');
  // The district office saves a new phone number first.
  await district.page.fill('input[name=phone]', '13611112222');
  await district.page.click('button:has-text("保存")');
  await district.page.waitForSelector('h1:has-text("王小明户")');
  // The township clerk, on the page opened before, saves a bank name.
  await township.page.fill('input[name=bank_name]', '驿城农商银行');
  await township.page.click('button:has-text("保存")');
  await township.page.waitForSelector('.error[role=alert]');
  const alert = await township.page.textContent('.error[role=alert]');
  assert.match(alert, /该记录已于 \d\d:\d\d 被 区农业农村局 修改：联系电话；请核对后再保存/);
  assert.equal(await township.page.inputValue('input[name=bank_name]'), '驿城农商银行', 'what was typed is still there');
  const beside = await township.page.textContent('label.invalid:has(input[name=phone]) .field-error');
  assert.match(beside, /区农业农村局 已改为“136\*\*\*\*2222”/, "masked, as the log keeps it");
  await township.page.screenshot({ path: join(artifacts, 'phone-stale-save.png'), fullPage: true });
  // Checked: take the other office's phone number and save again.
  await township.page.fill('input[name=phone]', '13611112222');
  await township.page.click('button:has-text("保存")');
  await township.page.waitForSelector('h1:has-text("王小明户")');
  const body = await township.page.textContent('body');
  assert.ok(body.includes('13611112222'));
  await district.context.close();
  await township.context.close();
});

test('the district office types part of a village name in the new-household form, picks it, saves, and finds the household', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await signIn(page, 'quban', 'quban-2026');
  await page.goto(`${base}/households/new`);
  await page.waitForSelector('h1:has-text("新增农户")');
  // 206 villages: no drop-down of all of them, a box that loads a few as the user types.
  assert.equal(await page.locator('select[name=village_code]').count(), 0);
  assert.equal(await page.locator('button[data-pick]').count(), 0, 'nothing listed before typing');
  await page.locator('input[name=village_code_q]').pressSequentially('蚁蜂 老', { delay: 80 });
  const pick = page.locator('button[data-pick="411702104201"]');
  await pick.waitFor();
  assert.match(await page.textContent('.picker-choices'), /蚁蜂镇/, 'choices are grouped under their township');
  assert.ok(await page.locator('button[data-pick]').count() <= 20);
  await page.screenshot({ path: join(artifacts, 'phone-village-picker.png'), fullPage: true });
  await pick.click();
  assert.equal(await page.inputValue('input[name=village_code_q]'), '蚁蜂镇 · 老庄村民委员会');
  assert.equal(await page.inputValue('input[name=village_code]'), '411702104201');
  assert.equal(await page.locator('button[data-pick]').count(), 0, 'the choices close once one is picked');
  // The draft kept for an expiring session carries the picked village, not only its name.
  const draft = await page.evaluate(() => JSON.stringify(Object.assign({}, window.sessionStorage)));
  assert.ok(draft.includes('411702104201'), draft);
  await page.selectOption('select[name=household_type]', { label: '监测户（非脱贫户）' });
  await page.fill('input[name=head_name]', '孙丽娟');
  await page.selectOption('select[name=head_sex]', { label: '女' });
  await page.fill('input[name=head_id_number]', idNumber('41170219850505002'));
  await page.click('button:has-text("保存")');
  await page.waitForSelector('h1:has-text("孙丽娟户")');
  assert.match(await page.textContent('main'), /老庄村民委员会/);
  // The list finds it by the same kind of box, filtering on the village.
  await page.goto(`${base}/households`);
  await page.locator('input[name=area_q]').pressSequentially('老庄', { delay: 80 });
  await page.locator('button[data-pick="411702104201"]').click();
  await page.click('button:has-text("查询")');
  await page.waitForSelector('a:has-text("孙丽娟")');
  assert.match(page.url(), /area=411702104201/);
  await context.close();
});

test('a destructive button asks first, from a static script (no inline handler), and does nothing when declined', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const sys = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const sp = await sys.newPage();
  await signIn(sp, 'xitong', 'xitong-2026');
  assert.match(sp.url(), /\/users$/, 'the system administrator starts on the accounts');
  assert.equal(await sp.locator('[onsubmit], [onclick], [onchange]').count(), 0);
  let asked = '';
  sp.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await sp.locator('form[action$="/reset-password"] button').first().click();
  await sp.waitForTimeout(300);
  assert.match(asked, /重置/);
  assert.match(sp.url(), /\/users$/, 'declined: nothing was sent');
  await sys.close();
  await signIn(page, 'quban', 'quban-2026');
  // The printout's 打印 button, from print.js.
  await openWang(page);
  await page.click('a:has-text("明白卡")');
  await page.waitForSelector('h1:has-text("帮扶明白卡")');
  await page.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
  await page.click('button[data-print]');
  assert.equal(await page.evaluate(() => window.printed), 1);
  await context.close();
});

test('the head of a household dies: 减员 on the head asks who takes over, and the household carries on under its new head', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await signIn(page, 'shahe', 'shahe-2026');
  await page.goto(`${base}/households?q=wxm`);
  await page.click('a:has-text("王小明")');
  await page.waitForSelector('h1:has-text("王小明户")');
  // His wife joins first (增员).
  await page.click('a:has-text("增加成员")');
  await page.fill('input[name=name]', '李秀英');
  await page.selectOption('select[name=sex]', '女');
  await page.fill('input[name=id_number]', idNumber('41170219820202002'));
  await page.selectOption('select[name=relation]', '配偶');
  await page.fill('input[name=join_reason]', '婚入');
  await page.click('button:has-text("保存")');
  await page.waitForSelector('h1:has-text("王小明户")');
  // 减员 on the head: the page asks for a new head instead.
  await page.click('tr:has(td:text-is("王小明")) a:has-text("减员")');
  await page.waitForSelector('h1:has-text("户主变更")');
  assert.equal(await page.inputValue('select[name=outgoing]'), 'leaves');
  assert.match(await page.textContent('select[name=new_head] option:checked'), /李秀英/);
  await page.fill('textarea[name=reason]', '原户主去世，由配偶接任');
  // Saved without saying why the old head leaves: refused in Chinese, nothing lost.
  await page.click('button:has-text("保存")');
  await page.waitForSelector('.error[role=alert]');
  assert.match(await page.textContent('.error[role=alert]'), /请填写王小明减员的原因/);
  assert.equal(await page.inputValue('textarea[name=reason]'), '原户主去世，由配偶接任');
  await page.fill('input[name=left_reason]', '死亡');
  await page.screenshot({ path: join(artifacts, 'phone-change-of-head.png'), fullPage: true });
  await page.click('button:has-text("保存")');
  await page.waitForSelector('h1:has-text("李秀英户")');
  const body = await page.textContent('body');
  assert.ok(body.includes('户主变更：王小明 → 李秀英'), 'the dated history names both heads');
  assert.ok(body.includes('死亡（户主变更）'), 'the old head is listed as having left');
  await page.screenshot({ path: join(artifacts, 'phone-after-change-of-head.png'), fullPage: true });
  await context.close();
});

test('a villager scans the notice on a 360 px phone, objects, the township answers from its pending list, and the villager reads the answer by receipt', async () => {
  const phone = { viewport: { width: 360, height: 740 }, locale: 'zh-CN', hasTouch: true, isMobile: true };
  // The village worker logs the lead and does the village's steps; the district compares.
  const vctx = await browser.newContext(phone);
  const v = await vctx.newPage();
  await signIn(v, 'shadong', 'shadong-2026');
  // A household of the village not monitored yet (王小明's may have changed in the tests before).
  await v.goto(`${base}/households?monitoring_type=`);
  const links = await v.locator('main table a[href^="/households/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  let head;
  for (const href of links) {
    await v.goto(`${base}${href}`);
    if ((await v.locator('a:has-text("发起纳入监测")').count()) > 0) {
      head = (await v.textContent('h1')).split('户')[0].trim();
      break;
    }
  }
  assert.ok(head, 'a household to identify');
  await v.click('a:has-text("发起纳入监测")');
  await v.selectOption('select[name=monitoring_type]', { label: '突发严重困难户' });
  await v.fill('input[name=risks]', '因病');
  await v.selectOption('select[name=found_by]', { label: '干部排查' });
  await v.fill('[name=reason]', '户主腰痛，不能外出务工');
  await v.click('main button:has-text("发起程序")');
  await v.waitForSelector('h1:has-text("纳入监测")');
  const procedure = v.url();
  const complete = async (page, note) => {
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
    await form.locator('button[type=submit]').click();
    await page.waitForLoadState();
    assert.doesNotMatch(await page.textContent('main'), /未办理：/, await page.textContent('main'));
  };
  await v.setInputFiles('#evidence-form input[type=file]', { name: '承诺授权书.png', mimeType: 'image/png', buffer: PNG });
  await v.click('#evidence-form button[type=submit]');
  await v.waitForSelector('a:has-text("承诺授权书.png")');
  await complete(v, '入户核实：已签承诺授权书');
  const dctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const d = await dctx.newPage();
  await signIn(d, 'quban', 'quban-2026');
  await complete(d, '比对无异常');
  await complete(v, '评议：实到11人，同意11票');
  // The printed notice carries the public address as a QR code, and no ID number.
  await v.goto(procedure);
  const notice = await v.getAttribute('a:has-text("打印公示")', 'href');
  await v.goto(`${base}${notice}`);
  const printed = await v.textContent('body');
  assert.ok(await v.locator('svg').count() > 0, 'a QR code');
  assert.doesNotMatch(printed, /\d{17}[\dX]/, 'no ID number on the notice');
  const url = printed.match(/https?:\/\/\S+\/gs\/[A-Z0-9]+/)[0];
  await vctx.close();

  // A villager, not signed in, on a 360 px phone.
  const pctx = await browser.newContext(phone);
  const p = await pctx.newPage();
  await p.goto(url);
  assert.match(await p.textContent('main'), new RegExp(head));
  assert.match(await p.textContent('main'), /拟纳入防止返贫致贫监测对象/);
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the notice is ${width}px wide`);
  await p.fill('input[name=name]', '李大爷');
  await p.fill('input[name=phone]', '13800001111');
  await p.fill('textarea[name=text]', '他家儿子在外打工，收入不低');
  await p.screenshot({ path: join(artifacts, 'phone-notice-objection.png'), fullPage: true });
  await p.click('button:has-text("提交异议")');
  const receipt = (await p.textContent('.receipt')).trim();
  assert.match(receipt, /^\d{8}-[A-Z0-9]{8}$/);

  // The township finds it on its pending list and answers it.
  const tctx = await browser.newContext(phone);
  const t = await tctx.newPage();
  await signIn(t, 'shahe', 'shahe-2026');
  await t.goto(`${base}/procedures`);
  await t.click(`a[href="${new URL(procedure).pathname}"]`);
  assert.match(await t.textContent('main'), new RegExp(receipt));
  const answer = t.locator('form:has(input[name=action][value=answer])');
  await answer.locator('input[name=upheld][value="0"]').check();
  await answer.locator('textarea[name=answer]').fill('经核实，其子已分户单独生活，异议不成立');
  await t.screenshot({ path: join(artifacts, 'phone-objection-answer.png'), fullPage: true });
  await answer.locator('button[type=submit]').click();
  await t.waitForLoadState();
  assert.match(await t.textContent('main'), /异议不成立/);
  await tctx.close();
  await dctx.close();

  // The villager reads the answer by receipt number.
  await p.goto(`${base}/gs/receipt?no=${receipt}`);
  const shown = await p.textContent('main');
  assert.match(shown, /经核实，异议不成立/);
  assert.match(shown, /其子已分户单独生活/);
  await p.screenshot({ path: join(artifacts, 'phone-objection-receipt.png'), fullPage: true });
  await pctx.close();
});

test('a township writes a project, is refused at 村申报 without targets, submits it; the district approves it and pays within what remains; the household sees the project and its money', async () => {
  const tctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const t = await tctx.newPage();
  await signIn(t, 'shahe', 'shahe-2026');
  await t.goto(`${base}/projects`);
  await t.click('a:has-text("新建项目")');
  await t.fill('input[name=name]', '沙东村香菇种植基地');
  await t.selectOption('select[name=category]', { label: '产业发展' });
  if (await t.locator('select[name=area_code]').count()) {
    await t.selectOption('select[name=area_code]', '411702101201');
  } else {
    await t.locator('input[name=area_code_q]').pressSequentially('沙东', { delay: 80 });
    await t.locator('button[data-pick="411702101201"]').click();
  }
  await t.fill('input[name=year]', '2026');
  await t.selectOption('select[name=nature]', { label: '新建' });
  await t.fill('input[name=start_on]', '2026-10-01');
  await t.fill('input[name=end_on]', '2026-12-31');
  for (const [name, value] of [
    ['responsible_unit', '沙河店镇人民政府'], ['implementing_unit', '沙东村股份经济合作社'], ['tasks', '新建香菇大棚20座'],
    ['investment', '1,000,000'], ['beneficiary_households', '60'], ['beneficiary_exited', '40'], ['benefit_mechanism', '务工工资、大棚租金分红'],
  ]) await t.fill(`[name=${name}]`, value);
  await t.click('main button:has-text("保存")');
  await t.waitForSelector('h1:has-text("沙东村香菇种植基地")');
  const project = t.url();
  // 村申报 without 绩效目标 is refused, naming the missing ones.
  await t.fill('form[action$="/submit"] input[name=on]', '2026-10-08');
  await t.click('button:has-text("提交村申报")');
  await t.waitForLoadState();
  assert.match(await t.textContent('.error'), /缺少绩效目标（产出指标、效益指标、满意度指标）/);
  for (const [level, indicator, value] of [['产出指标', '新建香菇大棚', '20'], ['效益指标', '户均增收', '≥3000'], ['满意度指标', '受益群众满意度', '≥95%']]) {
    const f = t.locator('form[action$="/targets"]');
    await f.locator('select[name=level]').selectOption(level);
    await f.locator('input[name=indicator]').fill(indicator);
    await f.locator('input[name=value]').fill(value);
    await f.locator('button[type=submit]').click();
    await t.waitForSelector(`li:has-text("${indicator}")`);
  }
  await t.fill('form[action$="/submit"] input[name=on]', '2026-10-08');
  await t.click('button:has-text("提交村申报")');
  await t.waitForSelector('h2:has-text("当前环节：村内公示")');
  const step = async (page, on, note, extra) => {
    const form = page.locator('form:has(input[name=action][value=complete])');
    await form.locator('textarea[name=note]').fill(note);
    await form.locator('input[name=on]').fill(on);
    if (extra) await form.locator('input[name=approval_no]').fill(extra);
    await form.locator('button[type=submit]').click();
    await page.waitForLoadState();
    assert.doesNotMatch(await page.textContent('main'), /未办理：/, await page.textContent('main'));
  };
  // Ten working days of notice from 10-08 (10-10 is a make-up working day): it may close from 10-21.
  await step(t, '2026-10-22', '公示10个工作日，无异议');
  await step(t, '2026-10-23', '乡镇审核同意');
  assert.match(await t.textContent('main'), /当前环节：县级审定入库/);
  const b = t.locator('form[action$="/beneficiaries"]');
  await b.locator('input[name=household_no]').fill('4117021012019999');
  await b.locator('select[name=kind]').selectOption('务工工资');
  await b.locator('input[name=amount]').fill('6400');
  await b.locator('button[type=submit]').click();
  await t.waitForSelector('td a:has-text("4117021012019999")');
  // The district: the allocation, the approval with its 批复文号, the money.
  const dctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const d = await dctx.newPage();
  await signIn(d, 'quban', 'quban-2026');
  await d.goto(`${base}/funds`);
  await d.selectOption('form[action="/funds"] select[name=source]', '中央衔接资金');
  await d.fill('form[action="/funds"] input[name=year]', '2026');
  await d.fill('form[action="/funds"] input[name=doc_no]', '驻财预〔2026〕12号');
  await d.fill('form[action="/funds"] input[name=issued_on]', '2026-02-20');
  await d.fill('form[action="/funds"] input[name=amount]', '3,000,000');
  await d.click('form[action="/funds"] button[type=submit]');
  await d.waitForSelector('td:has-text("驻财预〔2026〕12号")');
  await d.goto(project);
  await step(d, '2026-10-26', '县级审定入库', '驿政〔2026〕15号');
  assert.match(await d.textContent('main'), /当前环节：入库公告/);
  const money = async (kind, amount, payee) => {
    const f = d.locator('form[action$="/funds"]');
    await f.locator('select[name=kind]').selectOption(kind);
    await f.locator('select[name=allocation_id]').selectOption({ index: 1 });
    await f.locator('input[name=amount]').fill(amount);
    await f.locator('input[name=on]').fill('2026-11-02');
    await f.locator('input[name=payee]').fill(payee);
    await f.locator('button[type=submit]').click();
    await d.waitForLoadState();
  };
  await money('commit', '500,000', '');
  await money('payment', '500,000.01', '沙东村股份经济合作社');
  assert.match(await d.textContent('.error'), /本次拨付 500,000\.01元，超过该项目尚未拨付的 500,000\.00元（已安排 500,000\.00元，已拨付 0\.00元）/);
  assert.equal(await d.inputValue('form[action$="/funds"] input[name=amount]'), '500,000.01', 'what was typed is kept');
  await money('payment', '320,000', '沙东村股份经济合作社');
  assert.match(await d.textContent('main'), /已拨付 320,000\.00元/);
  await d.screenshot({ path: join(artifacts, 'project-funds.png'), fullPage: true });
  // The household's page shows the project and its money.
  await t.goto(project);
  await t.click('a:has-text("4117021012019999")');
  await t.waitForSelector('h2:has-text("帮扶项目")');
  const hh = await t.textContent('main');
  assert.match(hh, /沙东村香菇种植基地/);
  assert.match(hh, /6,400\.00元/);
  await t.screenshot({ path: join(artifacts, 'phone-household-projects.png'), fullPage: true });
  await tctx.close();
  await dctx.close();
});

test('no page breaks its Content-Security-Policy, and ten ID numbers that find nobody stop the ID search for the hour', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  // Every violation the browser reports, on every page of this context.
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await signIn(page, 'quban', 'quban-2026');
  const visit = async (path, act) => {
    await page.goto(`${base}${path}`);
    if (act) await act();
    const seen = await page.evaluate(() => window.__csp);
    assert.deepEqual(seen, [], `${path}: ${seen.join('; ')}`);
  };
  // Typing a household number (htmx swaps the results in as the user types).
  await visit('/households', async () => {
    await page.locator('input[name=q]').pressSequentially('4117021012019999', { delay: 40 });
    await page.waitForSelector('text=共 1 户');
  });
  const href = await page.getAttribute('#results tbody a', 'href');
  await visit(href);
  await visit(`${href}/handbook`);
  await visit('/households/new', async () => {
    await page.locator('input[name=village_code_q]').pressSequentially('蚁蜂 老', { delay: 60 });
    await page.locator('button[data-pick="411702104201"]').waitFor();
  });
  await visit('/worklist');
  assert.deepEqual(errors, []);

  // Completing a masked number by trying its candidates: after ten misses the search stops.
  for (let seq = 200; seq < 210; seq++) {
    await page.goto(`${base}/households?q=${idNumber(`41170219800101${seq}`)}`);
  }
  await page.goto(`${base}/households?q=${WANG_ID}`);
  const alert = await page.textContent('[role=alert]');
  assert.match(alert, /按证件号码查找一小时内已有10次未找到，已暂停一小时/);
  assert.match(await page.textContent('#results'), /共 0 户/, 'not run, even for the right number');
  await page.screenshot({ path: join(artifacts, 'id-search-paused.png'), fullPage: true });
  // The audit log shows the searches, each number masked, to the audit administrator.
  const auditor = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  await auditor.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const lp = await auditor.newPage();
  await signIn(lp, 'shenji', 'shenji-2026');
  await lp.goto(`${base}/audit`);
  assert.deepEqual(await lp.evaluate(() => window.__csp), [], '/audit');
  const log = await lp.textContent('body');
  assert.match(log, /按证件号码查找/);
  assert.ok(!log.includes(WANG_ID), 'the full number is never shown in the log');
  await lp.screenshot({ path: join(artifacts, 'audit-id-search.png'), fullPage: true });
  await auditor.close();
  await context.close();
});
