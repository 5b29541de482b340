#!/usr/bin/env node
// `npm start`: the desktop app when Electron can run here; otherwise one line saying why, and
// browser mode (`airlock serve`) instead. Extra arguments go to `airlock serve` (e.g. --port 7777).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const passThrough = process.argv.slice(2);

/** Why Electron cannot start on this machine, or undefined when it can. */
export function electronUnavailable(env = process.env, platform = process.platform) {
  if (env.AIRLOCK_BROWSER_MODE === '1') return 'AIRLOCK_BROWSER_MODE=1 is set';
  const pkg = path.join(repo, 'node_modules/electron');
  if (!fs.existsSync(path.join(pkg, 'package.json'))) return 'the electron package is not installed';
  const pathFile = path.join(pkg, 'path.txt');
  const binary = fs.existsSync(pathFile) ? path.join(pkg, 'dist', fs.readFileSync(pathFile, 'utf8').trim()) : undefined;
  if (!binary || !fs.existsSync(binary)) return 'the Electron binary is not installed (its download is not available here)';
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  return undefined;
}

function run(command, args) {
  const child = spawn(command, args, { cwd: repo, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const reason = electronUnavailable();
if (!reason) {
  run(process.execPath, [path.join(repo, 'node_modules/@electron-forge/cli/dist/electron-forge.js'), 'start']);
} else {
  process.stdout.write(`Airlock: not starting the desktop app because ${reason}; running browser mode instead.\n`);
  const cli = path.join(repo, 'dist/cli/airlock.mjs');
  if (!fs.existsSync(cli) || !fs.existsSync(path.join(repo, 'dist/renderer/index.html'))) {
    const built = spawnSync(process.execPath, [path.join(repo, 'scripts/build.mjs')], { cwd: repo, stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  run(process.execPath, [cli, 'serve', ...passThrough]);
}
