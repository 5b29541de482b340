import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ConfigEnv } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * The approval window. One bundle serves both the Electron window (built by electron-forge's Vite
 * plugin into .vite/renderer/main_window) and browser mode (`npm run build` → dist/renderer, served
 * by `airlock serve`). Relative asset URLs (`base: './'`) work under app:// and http:// alike.
 */
export default defineConfig((env: ConfigEnv & { forgeConfigSelf?: { name?: string } }) => {
  const underForge = env.forgeConfigSelf !== undefined;
  return {
    root: path.join(root, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: underForge ? path.join(root, '.vite/renderer', env.forgeConfigSelf?.name ?? 'main_window') : path.join(root, 'dist/renderer'),
      emptyOutDir: true,
      // No inline scripts or styles: the CSP is default-src 'self' with no 'unsafe-inline'.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      sourcemap: false,
      target: 'es2022',
      chunkSizeWarningLimit: 1500,
    },
    server: { host: '127.0.0.1', strictPort: false },
    clearScreen: false,
  };
});
