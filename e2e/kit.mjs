// What the browser tests share: the binary, where screenshots go, a valid ID number, a running
// `bangfu serve` and Debian's chromium with the flags this machine needs.

import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = process.env.E2E_ARTIFACTS || join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });
export const bin = process.env.BANGFU_BIN;
if (!bin) throw new Error('BANGFU_BIN must name the bangfu binary (scripts/test sets it)');
export const divisions = join(here, '..', 'data', 'divisions-yicheng.csv');

// A valid resident ID number (GB 11643 check character).
export function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

// Starts `bangfu serve` on a free port; resolves once it prints its address, with everything it
// printed so far (the first run prints the admin's one-time password there).
export function serve(db) {
  const server = spawn(bin, ['serve', '--database', db, '--listen', '127.0.0.1:0'], { env: { ...process.env, BANGFU_LOG: 'error' } });
  return new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/(127\.0\.0\.1:\d+)\//);
      if (m) resolve({ server, base: `http://${m[1]}`, out });
    });
    server.on('exit', (code) => reject(new Error(`bangfu serve exited with ${code}: ${out}`)));
  });
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// The phone: an authenticator app's TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s) for each
// account whose phone was bound in these tests, with the last step it showed (the server
// accepts each code once).
import { createHmac } from 'node:crypto';

function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

export function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = mac[19] & 0xf;
  const n = ((mac[o] & 0x7f) << 24) | (mac[o + 1] << 16) | (mac[o + 2] << 8) | mac[o + 3];
  return String(n % 1000000).padStart(6, '0');
}

const phones = new Map();

// The code the phone shows: the earliest step after the last one shown that stays valid for
// ten more seconds.
export async function phoneCode(username) {
  const phone = phones.get(username);
  if (!phone) throw new Error(`no phone bound for ${username}`);
  for (;;) {
    const now = Math.floor(Date.now() / 1000);
    const stepNow = Math.floor(now / 30);
    const step = Math.max(now % 30 < 20 ? stepNow - 1 : stepNow, phone.last + 1);
    if (step <= stepNow + 1) {
      phone.last = step;
      return totp(phone.secret, step);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// On the 两步验证 page: types the secret shown for manual entry into the "phone", gives its
// code, and returns the recovery codes shown once (with a screenshot of each step if named).
export async function bindPhone(page, username, shot) {
  await page.waitForSelector('#totp-secret');
  if (shot) await page.screenshot({ path: join(artifacts, `${shot}-qr.png`), fullPage: true });
  phones.set(username, { secret: (await page.textContent('#totp-secret')).trim(), last: 0 });
  await page.fill('form[action="/two-factor/bind"] input[name=code]', await phoneCode(username));
  await page.click('form[action="/two-factor/bind"] button[type=submit]');
  await page.waitForSelector('#recovery-codes');
  const codes = await page.$$eval('#recovery-codes code', (els) => els.map((e) => e.textContent.trim()));
  if (shot) await page.screenshot({ path: join(artifacts, `${shot}-recovery-codes.png`), fullPage: true });
  await page.click('#recovery-codes a:has-text("已抄好")');
  await page.waitForLoadState();
  return codes;
}

// After the password form: gives the code if the session owes one, and binds a phone if the
// role must use two factors and none is bound yet.
export async function secondStep(page, username) {
  await page.waitForLoadState();
  if (/\/login\/code/.test(page.url())) {
    await page.fill('input[name=code]', await phoneCode(username));
    await page.click('main button[type=submit]');
    await page.waitForLoadState();
  }
  if (new URL(page.url()).pathname === '/two-factor' && (await page.locator('#totp-secret').count())) {
    await bindPhone(page, username);
  }
}

/** A real 1×1 PNG: a photographed paper for uploads (承诺授权书). */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
