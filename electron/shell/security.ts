/**
 * App-wide hardening (Electron security checklist; security-tests B3): no navigation away from
 * our origin, no new windows, no webviews, every permission request denied, CSP on every
 * response the default session sees.
 */
import type { App, Session } from 'electron';
import { APP_CSP, devCsp } from './csp';
import { originOf } from './sender';

export function hardenApp(app: App, session: Session, allowedOrigins: readonly string[], devServerUrl?: string): void {
  const ours = (url: string) => {
    const origin = originOf(url);
    return origin !== undefined && allowedOrigins.includes(origin);
  };

  app.on('web-contents-created', (_event, contents) => {
    // Reloading our own page is fine; anything else (a link, location = …, a redirect) is not.
    contents.on('will-navigate', (event, url) => {
      if (!ours(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!ours(url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!event.isMainFrame || !ours(event.url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => event.preventDefault());

  const csp = devServerUrl ? devCsp(devServerUrl) : APP_CSP;
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}
