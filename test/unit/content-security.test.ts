// The page cannot use the system browser as a way out (issue 13): only the addresses the app
// links to open outside; every navigation and new window of the page is refused.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  APP_LINKS,
  REST_API_GUIDE_URL,
  allowedExternalUrl,
  guardNavigation,
  type NavigationSource,
} from '../../src/main/desktop/content-security';

describe('addresses opened in the browser', () => {
  it('opens the pages the app links to, and nothing else', () => {
    expect(APP_LINKS).toEqual([REST_API_GUIDE_URL]);
    expect(allowedExternalUrl(REST_API_GUIDE_URL)).toBe(REST_API_GUIDE_URL);
    expect(allowedExternalUrl(`${REST_API_GUIDE_URL}#auth`)).toBe(REST_API_GUIDE_URL);
    for (const url of [
      'https://evil.example/',
      'http://docs.crisp.chat/guides/rest-api/',
      'https://docs.crisp.chat/guides/rest-api/?next=https://evil.example',
      'https://docs.crisp.chat.evil.example/guides/rest-api/',
      'https://user:pass@docs.crisp.chat/guides/rest-api/',
      'https://docs.crisp.chat/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(allowedExternalUrl(url), url).toBeNull();
    }
  });
});

class FakeContents extends EventEmitter {
  windowOpen: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpen = handler;
  }
}

function attempt(contents: FakeContents, event: string, url: string): boolean {
  let prevented = false;
  contents.emit(event, { preventDefault: () => (prevented = true) }, url);
  return prevented;
}

describe('navigation of the page', () => {
  it('refuses every navigation and window; only an app link goes to the browser', () => {
    const contents = new FakeContents();
    const opened: string[] = [];
    guardNavigation(contents as unknown as NavigationSource, (url) => opened.push(url));
    expect(attempt(contents, 'will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(attempt(contents, 'will-navigate', REST_API_GUIDE_URL)).toBe(true);
    expect(attempt(contents, 'will-redirect', 'https://evil.example/')).toBe(true);
    expect(attempt(contents, 'will-attach-webview', 'https://evil.example/')).toBe(true);
    expect(contents.windowOpen?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpen?.({ url: REST_API_GUIDE_URL })).toEqual({ action: 'deny' });
    expect(opened).toEqual([REST_API_GUIDE_URL, REST_API_GUIDE_URL]);
  });
});
