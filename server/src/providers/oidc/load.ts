// oidc-provider, loaded when the OIDC domain is created rather than when its modules are imported:
// every gatehouse command imports the domains, and only `serve` needs the provider.
// oidc-provider 9 prints "Unsupported runtime. Use Node.js v22.x LTS" when it loads on Node below 22.
// Gatehouse supports Node 20.19+ (package.json engines) and its tests run the provider there, so that one line
// goes to our log (once) instead of every server's stderr; any other warning passes through.
import type { Logger } from 'pino';

export type OidcProviderModule = typeof import('oidc-provider');

let loading: Promise<OidcProviderModule> | null = null;

export function loadOidcProvider(logger: Logger): Promise<OidcProviderModule> {
  loading ??= (async () => {
    const warn = console.warn;
    let runtimeWarning: string | undefined;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) runtimeWarning = args[0];
      else warn(...args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
      if (runtimeWarning) logger.debug({ node: process.version }, runtimeWarning);
    }
  })();
  return loading;
}
