import { defineConfig } from 'vite';

/**
 * The preload script. Sandboxed preloads run as classic scripts with a limited `require`, so it is
 * one CommonJS file (`preload.cjs`, since the package is "type": "module") with everything inlined.
 */
export default defineConfig({
  build: {
    rollupOptions: {
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: 'preload.cjs', inlineDynamicImports: true },
    },
    target: 'chrome130',
  },
});
