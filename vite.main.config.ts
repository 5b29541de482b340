import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { ESM_NODE_BANNER } from './scripts/esm-node-banner.mjs';

const require = createRequire(import.meta.url);

/**
 * Some bundled dependencies load a file from beside their own script (node-sqlite3-wasm reads its
 * .wasm from __dirname). Once bundled, "beside the script" is the build folder, so copy it there.
 */
function copyBesideBundle(files: string[]): Plugin {
  return {
    name: 'airlock:copy-beside-bundle',
    writeBundle(options) {
      const out = options.dir ?? path.dirname(options.file ?? '.');
      for (const file of files) {
        let source: string;
        try {
          source = require.resolve(file);
        } catch {
          continue; // not installed: nothing imports it either
        }
        fs.copyFileSync(source, path.join(out, path.basename(source)));
      }
    },
  };
}

/**
 * The Electron main process (electron-forge's Vite plugin supplies the output folder). The package
 * is "type": "module", so main is emitted as ESM (`main.js`). Everything but Electron and Node's
 * built-ins is bundled, because the packaged app ships only the `.vite` folder; the banner gives
 * bundled CommonJS code the `require`, `__filename` and `__dirname` it expects.
 */
export default defineConfig({
  build: {
    lib: { entry: 'electron/main.ts', formats: ['es'], fileName: () => 'main.js' },
    rollupOptions: {
      external: ['electron', 'electron/main', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
      output: {
        banner: ESM_NODE_BANNER,
      },
    },
    sourcemap: true,
    target: 'node22',
    ssr: false,
  },
  resolve: { conditions: ['node'], mainFields: ['module', 'jsnext:main', 'jsnext'] },
  plugins: [copyBesideBundle(['node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm'])],
});
