// `gatehouse serve --lan` as shipped: the ready line names the LAN URL (the issuer) beside the loopback URL, the CA
// is made on the first start and reused on the next, a new host name gets a new CA, and SIGTERM closes it all.
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { randomBytes, X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDataDir, runGatehouse, startServe, tempDataDir } from '../helpers/serve.ts';

const dataDir = tempDataDir('gh-lan-');
const hostname = `gh-${randomBytes(4).toString('hex')}.local`;
// mDNS off: this test is about start-up; lan-mdns.test.ts covers the advertisement.
const env = { GATEHOUSE_LAN_MDNS: 'false' };
const lanArgs = (name = hostname) => ['--lan', '--lan-port', '0', '--lan-hostname', name];

afterAll(() => removeDataDir(dataDir));

function getJson(port: number, servername: string, ca: string, urlPath: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, servername, ca: [ca], path: urlPath, agent: false }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) as Record<string, unknown> }));
      })
      .on('error', reject);
  });
}

const fingerprintOf = (file: string) => new X509Certificate(fs.readFileSync(path.join(dataDir, 'tls', file))).fingerprint256;

describe('gatehouse serve --lan', () => {
  let caFingerprint: string;
  let serverFingerprint: string;

  it('starts with a new CA, answers over HTTPS with the LAN URL as issuer, and stops cleanly', async () => {
    const serve = await startServe(dataDir, { args: lanArgs(), env });
    try {
      const { lanUrl, url } = serve.ready;
      expect(lanUrl).toMatch(new RegExp(`^https://${hostname}:\\d+$`));
      // The desktop window and the CLI keep the loopback listener.
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const lanPort = Number(new URL(lanUrl!).port);
      const ca = fs.readFileSync(path.join(dataDir, 'tls', 'ca.crt'), 'utf8');
      const discovery = await getJson(lanPort, hostname, ca, '/.well-known/openid-configuration');
      expect(discovery.status).toBe(200);
      expect(discovery.body.issuer).toBe(lanUrl);
      caFingerprint = fingerprintOf('ca.crt');
      serverFingerprint = fingerprintOf('server.crt');
    } finally {
      const exit = await serve.stop('SIGTERM');
      expect(exit.code).toBe(0);
    }
  });

  it('reuses the CA and the server certificate on the next start', async () => {
    const serve = await startServe(dataDir, { args: lanArgs(), env });
    try {
      expect(fingerprintOf('ca.crt')).toBe(caFingerprint);
      expect(fingerprintOf('server.crt')).toBe(serverFingerprint);
    } finally {
      expect((await serve.stop('SIGTERM')).code).toBe(0);
    }
  });

  it('makes a new CA and certificate for a new host name', async () => {
    const renamed = `gh-${randomBytes(4).toString('hex')}.local`;
    const serve = await startServe(dataDir, { args: lanArgs(renamed), env });
    try {
      expect(serve.ready.lanUrl).toMatch(new RegExp(`^https://${renamed}:\\d+$`));
      expect(fingerprintOf('ca.crt')).not.toBe(caFingerprint);
      expect(fingerprintOf('server.crt')).not.toBe(serverFingerprint);
    } finally {
      expect((await serve.stop('SIGTERM')).code).toBe(0);
    }
  });

  it('refuses to start, before PostgreSQL, when the LAN port is taken, naming the flag to change', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '0.0.0.0', resolve));
    const { port } = busy.address() as net.AddressInfo;
    const emptyDir = tempDataDir('gh-lanbusy-');
    try {
      const exit = await runGatehouse(['serve', '--data', emptyDir, '--json', '--port', '0', '--lan', '--lan-port', String(port)], { env });
      expect(exit.code).toBe(1);
      expect(exit.stdout).toContain('"code":"port_in_use"');
      expect(exit.stderr).toContain(`Port ${port} on 0.0.0.0 is already in use`);
      expect(exit.stderr).toContain('--lan-port');
      expect(fs.existsSync(path.join(emptyDir, 'postgres'))).toBe(false);
    } finally {
      busy.close();
      removeDataDir(emptyDir);
    }
  });
});
