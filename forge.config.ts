import { spawnSync } from 'node:child_process';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerDMG } from '@electron-forge/maker-dmg';
import { MakerRpm } from '@electron-forge/maker-rpm';
import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * Packaging for the desktop app. The fuses switch off every way to turn the shipped binary into
 * a general-purpose Node (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect) and make it refuse an
 * app.asar that was tampered with or replaced by loose files.
 */
const config: ForgeConfig = {
  packagerConfig: {
    name: 'Airlock',
    executableName: 'airlock-desktop',
    appBundleId: 'dev.airlock.desktop',
    icon: 'assets/icon',
    asar: true,
    // Tray and window icons, read at run time from process.resourcesPath/assets; and the CLI that
    // protected host entries run with a system Node (resources/cli/airlock.mjs, built by the hook below).
    extraResource: ['assets', 'dist/desktop/cli'],
  },
  rebuildConfig: {},
  hooks: {
    // The RunAsNode fuse is off, so the app's binary cannot run the CLI; ship it as a plain Node script.
    generateAssets: async () => {
      const built = spawnSync(process.execPath, ['scripts/build.mjs', 'desktop-cli'], { stdio: 'inherit' });
      if (built.status !== 0) throw new Error('building the desktop CLI (scripts/build.mjs desktop-cli) failed');
    },
  },
  makers: [
    new MakerZIP({}, ['darwin', 'linux', 'win32']),
    new MakerDeb({ options: { name: 'airlock', productName: 'Airlock', icon: 'assets/icon.png', categories: ['Development', 'Utility'] } }),
    new MakerRpm({ options: { name: 'airlock', productName: 'Airlock', icon: 'assets/icon.png' } }),
    new MakerDMG({ format: 'ULFO', icon: 'assets/icon.icns' }),
    new MakerSquirrel({ name: 'Airlock', setupIcon: 'assets/icon.ico' }),
  ],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    }),
  ],
};

export default config;
