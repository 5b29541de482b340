// Builds the CLI/core bundle (esbuild) and the renderer (Vite) into dist/.
import { build } from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const only = process.argv[2];

if (!only || only === 'cli') {
  // No clean first: processes already running keep their (content-hashed) chunks while a new build lands.
  await build({
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
  });
  chmodSync('dist/cli/airlock.mjs', 0o755);
}

if ((!only || only === 'renderer') && existsSync('renderer/index.html')) {
  const vite = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
