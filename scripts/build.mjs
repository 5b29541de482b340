// Builds the CLI/core bundle (esbuild) and the renderer (Vite) into dist/.
import { build } from 'esbuild';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const only = process.argv[2];

if (!only || only === 'cli') {
  const result = await build({
    entryPoints: { airlock: 'electron/cli/airlock.ts' },
    outdir: 'dist/cli',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    sourcemap: 'linked',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
    write: false,
  });
  // Each file lands by rename, and old chunks stay: a process started from the previous build keeps
  // working, and nobody ever reads a half-written file.
  mkdirSync('dist/cli', { recursive: true });
  for (const file of result.outputFiles) {
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents, { mode: path.basename(file.path) === 'airlock.mjs' ? 0o755 : 0o644 });
    renameSync(temp, file.path);
  }
}

if ((!only || only === 'renderer') && existsSync('renderer/index.html')) {
  const vite = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
