import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:8099';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'] });
const page = await browser.newPage();
const dump = async (path) => {
  await page.goto(base + path);
  const fields = await page.$$eval('form input, form select, form textarea, form button', (els) => els.map((e) => `${e.tagName.toLowerCase()}[name=${e.name}] type=${e.type} ${e.tagName==='SELECT' ? '['+[...e.options].slice(0,6).map(o=>o.value+':'+o.textContent.trim()).join('|')+']' : ''} ${e.tagName==='BUTTON'?e.textContent.trim():''}`));
  console.log('==', path, page.url(), await page.title()); console.log(fields.join('\n'));
};
await page.goto(base + '/login');
await page.fill('input[name=username]', 'admin'); await page.fill('input[name=password]', process.argv[2]);
await page.click('button[type=submit]'); await page.waitForLoadState();
console.log('after login', page.url());
for (const p of process.argv.slice(3)) await dump(p);
await browser.close();
