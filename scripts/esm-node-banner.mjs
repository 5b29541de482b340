// ESM bundles for Node that still contain CommonJS dependencies need `require`, `__filename` and
// `__dirname`; this banner defines them from import.meta.url. Shared by scripts/build.mjs and
// vite.main.config.ts.
export const ESM_NODE_BANNER = [
  "import { createRequire as __airlockRequire } from 'node:module';",
  "import { fileURLToPath as __airlockPath } from 'node:url';",
  "import { dirname as __airlockDir } from 'node:path';",
  'const require = __airlockRequire(import.meta.url);',
  'const __filename = __airlockPath(import.meta.url);',
  'const __dirname = __airlockDir(__filename);',
].join('\n');
