// Builds the CLI/core bundle (esbuild) and the renderer (Vite) into dist/.
import { build } from 'esbuild';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ESM_NODE_BANNER } from './esm-node-banner.mjs';

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

// The CLI the desktop app ships (forge.config.ts extraResource → <resources>/cli/airlock.mjs): one
// self-contained script, every dependency inlined, because the packaged app has no node_modules and a
// system Node cannot read inside app.asar. Only on request: `node scripts/build.mjs desktop-cli`.
if (only === 'desktop-cli') {
  await build({
    entryPoints: { airlock: 'electron/cli/airlock.ts' },
    outdir: 'dist/desktop/cli',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // ESM builds first: UMD builds (jsonc-parser's) require their parts dynamically, which a bundle cannot follow.
    mainFields: ['module', 'main'],
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    banner: { js: `#!/usr/bin/env node\n${ESM_NODE_BANNER}` },
    logLevel: 'warning',
  });
}

if ((!only || only === 'renderer') && existsSync('renderer/index.html')) {
  const vite = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
