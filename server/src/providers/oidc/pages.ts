// The few pages oidc-provider renders itself: errors (a bad redirect_uri ends here, never in a redirect),
// the logout confirmation (RP-initiated logout), and the device flow's user code pages (RFC 8628 §3.3).
// Plain server-rendered HTML without scripts; every value from a request or a client is escaped.
import type { KoaContextWithOIDC } from 'oidc-provider';

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// The same look as the React pages (renderer/src/styles.css): the brand line, the card, the accent colour.
const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}
header{display:flex;align-items:center;justify-content:center;gap:.6rem;margin:3rem 0 1.5rem;font-weight:700;font-size:1.2rem}
header svg{width:28px;height:28px}
main{max-width:26rem;margin:0 auto 3rem;background:#fff;border:1px solid #c9ced6;border-radius:8px;padding:2rem}
label{display:block;font-weight:600;margin-top:.5rem}
h1{font-size:1.3rem;margin:0 0 1rem}p{line-height:1.5}.error{color:#b00020}code{font-size:1.4rem;letter-spacing:.1em}
input[type=text]{width:100%;box-sizing:border-box;font-size:1.2rem;padding:.5rem;text-transform:uppercase;text-align:center;margin:.5rem 0 1rem}
button{font-size:1rem;font-weight:600;padding:.7rem 1rem;border-radius:6px;border:1px solid #1f4e79;background:#1f4e79;color:#fff;cursor:pointer;width:100%;margin-bottom:.5rem}
button:hover{background:#163a5b}button.secondary{background:#fff;color:#1f4e79}dl{font-size:.85rem;color:#555}dt{font-weight:600}`;

const BRAND = '<svg aria-hidden="true" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f4e79"/><path d="M8 26V13l8-6 8 6v13h-5v-7h-6v7z" fill="#fff"/></svg>';

/** `body` is trusted HTML built by the callers below from escaped values and oidc-provider's own forms. */
function page(ctx: KoaContextWithOIDC, title: string, body: string): void {
  ctx.type = 'html';
  ctx.body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · Gatehouse</title><style>${STYLE}</style></head>
<body><header>${BRAND}<span>Gatehouse</span></header><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function clientName(ctx: KoaContextWithOIDC): string | undefined {
  const client = ctx.oidc?.client;
  return client ? (client.clientName ?? client.clientId) : undefined;
}

/** oidc-provider's renderError: shown instead of redirecting when the app cannot be trusted with the answer. */
export async function renderError(ctx: KoaContextWithOIDC, out: { error?: string; error_description?: string }): Promise<void> {
  page(
    ctx,
    'Sign-in could not continue',
    `<p class="error">${escapeHtml(out.error_description ?? out.error ?? 'The request was not valid.')}</p>
<p>Go back to the application and try again. If this keeps happening, tell the person who runs Gatehouse (error: <code>${escapeHtml(out.error ?? 'server_error')}</code>).</p>`,
  );
}

/** RP-initiated logout: asks before signing out (OpenID Connect RP-Initiated Logout 1.0 §2), against logout CSRF. */
export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const name = clientName(ctx);
  page(
    ctx,
    'Sign out',
    `<p>${name ? `<strong>${escapeHtml(name)}</strong> asks to sign you out of Gatehouse.` : 'Do you want to sign out of Gatehouse?'}</p>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button class="secondary" type="submit" form="op.logoutForm">No, stay signed in</button>`,
  );
}

export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  const name = clientName(ctx);
  page(ctx, 'Signed out', `<p>You are signed out${name ? ` of ${escapeHtml(name)}` : ''}. You can close this page.</p>`);
}

/** RFC 8628 §3.3: the page where the user types the code their device shows. */
export async function userCodeInputSource(ctx: KoaContextWithOIDC, form: string, _out: unknown, error?: { name?: string; userCode?: unknown }): Promise<void> {
  let message = '<p>Enter the code your device shows.</p>';
  if (error && (error.userCode || error.name === 'NoCodeError')) message = '<p class="error">That code is not valid, or has expired. Check it and try again.</p>';
  else if (error?.name === 'AbortedError') message = '<p class="error">The sign-in on the device was cancelled.</p>';
  else if (error) message = '<p class="error">Something went wrong. Try again.</p>';
  // oidc-provider's form has an unlabelled input: give it an id and a visible label.
  const labelled = form.replace(/<input(?=[^>]*name="user_code")/, '<input id="user-code" autocomplete="off" autocapitalize="characters"');
  page(ctx, 'Connect a device', `${message}<label for="user-code">Code from your device</label>${labelled}<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

/** RFC 8628 §5.4: the user confirms the device, seeing the code and who asks, before signing in. */
export async function userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string, _client: unknown, deviceInfo: { ip?: string; ua?: string } | undefined, userCode: string): Promise<void> {
  page(
    ctx,
    'Connect a device',
    `<p><strong>${escapeHtml(clientName(ctx))}</strong> on a device asks to sign in as you. Continue only if the device shows this code:</p>
<p><code>${escapeHtml(userCode)}</code></p>
${deviceInfo?.ip ? `<dl><dt>Requested from</dt><dd>${escapeHtml(deviceInfo.ip)}</dd>${deviceInfo.ua ? `<dt>Device software</dt><dd>${escapeHtml(deviceInfo.ua)}</dd>` : ''}</dl>` : ''}
${form}
<button autofocus type="submit" form="op.deviceConfirmForm">Continue</button>
<button class="secondary" type="submit" form="op.deviceConfirmForm" value="yes" name="abort">Cancel</button>`,
  );
}

export async function deviceSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  const name = clientName(ctx);
  page(ctx, 'Device connected', `<p>${name ? `${escapeHtml(name)} is` : 'Your device is'} signed in. You can close this page and return to the device.</p>`);
}
