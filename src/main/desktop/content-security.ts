/**
 * The renderer's Content-Security-Policy: nothing from the network at all (only main talks to
 * Crisp). The same policy is in src/renderer/index.html; main also sends it as a response header
 * so a page can never load without it.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** In development the Vite dev server needs its own origin and websocket for hot reload. */
export function developmentCsp(devServerUrl: string): string {
  const origin = new URL(devServerUrl).origin;
  const ws = origin.replace(/^http/, 'ws');
  return RENDERER_CSP.replace("script-src 'self'", `script-src 'self' ${origin}`)
    .replace("style-src 'self'", `style-src 'self' 'unsafe-inline' ${origin}`)
    .replace("connect-src 'none'", `connect-src ${origin} ${ws}`);
}

/**
 * The only addresses the app opens in the system browser: the pages it links to itself (the Help
 * menu's guide). Any other address, from a link, a navigation or window.open in the page, is
 * refused: the page cannot use the browser as a way out past its CSP.
 */
export const REST_API_GUIDE_URL = 'https://docs.crisp.chat/guides/rest-api/';
export const APP_LINKS: readonly string[] = [REST_API_GUIDE_URL];

/** The address to open for `url` (one of APP_LINKS, exactly), or null when it is not one. */
export function allowedExternalUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return null;
  if (parsed.search !== '') return null;
  const address = `${parsed.origin}${parsed.pathname}`;
  return APP_LINKS.find((link) => link === address) ?? null;
}

/** What guardNavigation needs of Electron's WebContents (a plain object in the tests). */
export interface NavigationSource {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-attach-webview',
    listener: (event: { preventDefault(): void }, url: string) => void,
  ): unknown;
}

/**
 * The page never navigates and never opens a window: every attempt is refused, and an address
 * the app links to (APP_LINKS) is opened in the system browser instead.
 */
export function guardNavigation(
  contents: NavigationSource,
  openInBrowser: (url: string) => void,
): void {
  const openIfAllowed = (url: string): void => {
    const allowed = allowedExternalUrl(url);
    if (allowed !== null) openInBrowser(allowed);
  };
  contents.setWindowOpenHandler(({ url }) => {
    openIfAllowed(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openIfAllowed(url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
