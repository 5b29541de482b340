#!/usr/bin/env node
// Renders the SVG sources in this folder to the PNG, ICO and ICNS files the app and its
// installers need, using the system Chromium (never a downloaded browser):
//   node assets/generate-icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const dir = path.dirname(fileURLToPath(import.meta.url));
const browser = await chromium.launch({
  executablePath: process.env.AIRLOCK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();

async function render(svgFile, size) {
  const svg = fs.readFileSync(path.join(dir, svgFile), 'utf8');
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `)}</body></html>`);
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}

const written = [];
function write(name, data) {
  fs.writeFileSync(path.join(dir, name), data);
  written.push(`${name} (${data.length} bytes)`);
}

// App icon: 512 for Linux/packager, plus the sizes ICO and ICNS embed.
const appSizes = [16, 32, 48, 64, 128, 256, 512, 1024];
const app = {};
for (const size of appSizes) app[size] = await render('icon.svg', size);
write('icon.png', app[512]);
write('icon@2x.png', app[1024]);

// Tray: 16 px with a 32 px @2x companion that Electron picks up on HiDPI screens.
for (const name of ['tray', 'tray-pending', 'tray-paused']) {
  write(`${name}.png`, await render(`${name}.svg`, 16));
  write(`${name}@2x.png`, await render(`${name}.svg`, 32));
}

// ICO with PNG-compressed entries (Windows Vista and later read these).
{
  const sizes = [16, 32, 48, 64, 128, 256];
  const header = Buffer.alloc(6 + 16 * sizes.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(sizes.length, 4);
  let offset = header.length;
  sizes.forEach((size, i) => {
    const png = app[size];
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  write('icon.ico', Buffer.concat([header, ...sizes.map((s) => app[s])]));
}

// ICNS with PNG entries: icp4 16, icp5 32, icp6 64, ic07 128, ic08 256, ic09 512, ic10 1024.
{
  const types = [['icp4', 16], ['icp5', 32], ['icp6', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024]];
  const chunks = types.map(([type, size]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(app[size].length + 8, 4);
    return Buffer.concat([head, app[size]]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  write('icon.icns', Buffer.concat([head, body]));
}

await browser.close();
console.log(`wrote ${written.join(', ')}`);
