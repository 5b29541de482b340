import { checkBrowserUrl, type EgressPolicy } from './url-policy';

/**
 * Opens a validated authorization URL in the system browser with the `open` package, which runs
 * the platform's opener as a program with the URL as one argument (no shell). The URL is checked
 * again here so no caller can skip it: https or loopback http, no userinfo, nothing a shell would read.
 */
export async function openInBrowser(url: URL, policy: EgressPolicy): Promise<void> {
  const checked = checkBrowserUrl(url, policy);
  const { default: open } = await import('open');
  const child = await open(checked.href, { wait: false });
  child.on('error', () => {
    /* no opener on this machine: the caller also prints the URL */
  });
}
