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
