// What the window may load and do: navigation, redirects and window.open only to the app's origin (compared parsed),
// no <webview>, web permissions denied by default, and the shell's CSP beside the server's.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DESKTOP_CSP, withDesktopCsp } from '../../main/src/content-security-policy.ts';
import type { PreventableEvent, WebContentsPort, WindowOpenDetails } from '../../main/src/electron-ports.ts';
import { guardNavigation } from '../../main/src/navigation-guard.ts';
import { isPermissionAllowed } from '../../main/src/permission-guard.ts';
import { isSameOrigin, originOf } from '../../main/src/same-origin.ts';

const APP = 'http://127.0.0.1:9080';

class FakeContents extends EventEmitter implements WebContentsPort {
  windowOpenHandler: ((details: WindowOpenDetails) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  /** Emits `event` as Electron does and says whether a listener prevented it. */
  attempt(event: string, url?: string): boolean {
    let prevented = false;
    const preventable: PreventableEvent = { preventDefault: () => (prevented = true) };
    this.emit(event, preventable, url);
    return prevented;
  }
}

function guarded(appOrigin: string | null = APP) {
  const contents = new FakeContents();
  const openedInMainWindow: string[] = [];
  guardNavigation(contents, { appOrigin: () => appOrigin, openInMainWindow: (url) => openedInMainWindow.push(url) });
  return { contents, openedInMainWindow };
}

describe('same-origin checks', () => {
  it('compare parsed origins, not string prefixes', () => {
    expect(isSameOrigin('http://127.0.0.1:9080/admin/users?x=1', APP)).toBe(true);
    expect(isSameOrigin('HTTP://127.0.0.1:9080/', APP)).toBe(true);
    expect(isSameOrigin('https://idp.example.evil.net/', 'https://idp.example')).toBe(false);
    expect(isSameOrigin('https://idp.example:443/admin', 'https://idp.example')).toBe(true);
    expect(isSameOrigin('http://127.0.0.1:9080@evil.example/', APP)).toBe(false);
    expect(isSameOrigin('https://127.0.0.1:9080/', APP)).toBe(false);
    expect(isSameOrigin('http://127.0.0.1:9081/', APP)).toBe(false);
    expect(isSameOrigin('http://localhost:9080/', APP)).toBe(false);
  });

  it('never match what has no origin, or an app with no origin yet', () => {
    expect(originOf('file:///etc/passwd')).toBeNull();
    expect(originOf('data:text/html,<script>1</script>')).toBeNull();
    expect(originOf('javascript:alert(1)')).toBeNull();
    expect(originOf('not a url')).toBeNull();
    expect(isSameOrigin('file:///etc/passwd', APP)).toBe(false);
    expect(isSameOrigin(`${APP}/admin`, null)).toBe(false);
  });
});

describe('the navigation guard', () => {
  it('lets the window navigate and be redirected within the app', () => {
    const { contents } = guarded();
    expect(contents.attempt('will-navigate', `${APP}/admin/users`)).toBe(false);
    expect(contents.attempt('will-redirect', `${APP}/admin`)).toBe(false);
  });

  it('stops navigation and redirects to any other origin', () => {
    const { contents } = guarded();
    expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.attempt('will-navigate', 'http://127.0.0.1:9080.evil.example/')).toBe(true);
    expect(contents.attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.attempt('will-redirect', 'https://evil.example/')).toBe(true);
  });

  it('stops every navigation while the server is not ready', () => {
    const { contents } = guarded(null);
    expect(contents.attempt('will-navigate', `${APP}/admin`)).toBe(true);
  });

  it('opens no window: an app page loads in the main window, any other URL nowhere', () => {
    const { contents, openedInMainWindow } = guarded();
    expect(contents.windowOpenHandler!({ url: `${APP}/admin/events` })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(openedInMainWindow).toEqual([`${APP}/admin/events`]);
  });

  it('refuses every <webview>', () => {
    const { contents } = guarded();
    expect(contents.attempt('will-attach-webview')).toBe(true);
  });
});

describe('web permissions', () => {
  it('are denied by default, even to the app', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'fullscreen', 'clipboard-read', 'unknown']) {
      expect(isPermissionAllowed(permission, `${APP}/admin`, APP)).toBe(false);
    }
  });

  it('let the app, and only the app, write to the clipboard', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', `${APP}/admin/applications`, APP)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/', APP)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined, APP)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', `${APP}/admin`, null)).toBe(false);
  });
});

describe("the shell's Content-Security-Policy", () => {
  it('allows no inline script or style and nothing from another origin but https images', () => {
    const directives = new Map(DESKTOP_CSP.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(DESKTOP_CSP).not.toMatch(/unsafe-|\*/);
  });

  it("is added beside the server's own policy, which stays", () => {
    const headers = withDesktopCsp({ 'content-security-policy': ["default-src 'none'"], 'x-frame-options': ['DENY'] });
    expect(headers['content-security-policy']).toEqual(["default-src 'none'", DESKTOP_CSP]);
    expect(headers['x-frame-options']).toEqual(['DENY']);
    expect(withDesktopCsp(undefined)).toEqual({ 'Content-Security-Policy': [DESKTOP_CSP] });
  });
});
