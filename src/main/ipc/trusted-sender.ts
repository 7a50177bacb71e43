/**
 * Which pages may call the handlers: only the app's own renderer, in its main frame. In the
 * packaged app that is `file://…/renderer/index.html`; in development the electron-vite dev server
 * (`ELECTRON_RENDERER_URL`); in the end-to-end tests the loopback server of the built renderer.
 */

/** What the handler layer knows about who sent a request. */
export interface IpcSender {
  /** URL of the frame that sent the request ('' when unknown). */
  url: string;
  /** True when it came from the window's top frame (not an iframe). */
  isMainFrame: boolean;
}

export type SenderCheck = (sender: IpcSender) => boolean;

/**
 * Trusts the main frame of a page whose URL starts with one of `origins` (an origin such as
 * `http://127.0.0.1:5173`) or equals one of `files` (a `file://` URL of the renderer's index.html).
 */
export function trustPages(options: { origins?: string[]; files?: string[] }): SenderCheck {
  const origins = (options.origins ?? []).map((o) => new URL(o).origin);
  const files = (options.files ?? []).map((f) => stripHashAndQuery(f));
  return (sender) => {
    if (!sender.isMainFrame || sender.url === '') return false;
    let url: URL;
    try {
      url = new URL(sender.url);
    } catch {
      return false;
    }
    if (url.protocol === 'file:') return files.includes(stripHashAndQuery(sender.url));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return origins.includes(url.origin);
  };
}

function stripHashAndQuery(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  parsed.search = '';
  return parsed.toString();
}
