// The reference for bench/oidc: oidc-provider alone, with its default in-memory adapter and a static client,
// configured like Gatehouse's provider for what the benchmark measures (routes, client credentials, opaque
// tokens and their lifetimes, introspection and its policy), served by node:http. Prints one JSON line when ready:
//   {"url", "clientId", "clientSecret"}
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { ClientInstance, TokenInstance } from 'oidc-provider';
import { pino } from 'pino';
import { loadOidcProvider } from '../../server/src/providers/oidc/load.ts';
import { OIDC_ROUTES, TOKEN_TTL } from '../../server/src/providers/oidc/provider.ts';

const { Provider } = await loadOidcProvider(pino({ level: 'silent' }));
const clientId = 'reference-client';
const clientSecret = randomBytes(32).toString('base64url');
const server = http.createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(url, {
  clients: [{ client_id: clientId, client_secret: clientSecret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }],
  jwks: { keys: [{ ...signingKey, alg: 'RS256', use: 'sig' }] },
  routes: OIDC_ROUTES,
  ttl: { ...TOKEN_TTL },
  responseTypes: ['code'],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true, allowedPolicy: async (_ctx: unknown, client: ClientInstance, token: TokenInstance) => token.clientId === client.clientId },
    revocation: { enabled: true },
    resourceIndicators: { enabled: false },
  },
});
server.on('request', provider.callback());
process.stdout.write(JSON.stringify({ url, clientId, clientSecret }) + '\n');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
