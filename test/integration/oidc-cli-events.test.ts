// `gatehouse app add-oidc` records application.created with the actor "cli", and announces it on the bus as every
// event is, so the control UIs of the running server learn of it.
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/app.ts';
import { connectToDataDir, removeDataDir, runGatehouse, startServe, tempDataDir, waitFor, type ServeProcess } from '../helpers/serve.ts';
import { EVENTS_TOPIC } from '../../server/src/admin/audit.ts';
import { channelOfTopic } from '../../server/src/platform/bus.ts';

describe('the events of the OIDC command-line verbs', () => {
  let dataDir: string;
  let server: ServeProcess;
  let db: pg.Client;
  const announced: string[] = [];

  beforeAll(async () => {
    dataDir = tempDataDir('gh-oidc-cli-events-');
    const port = await freePort();
    fs.writeFileSync(path.join(dataDir, 'gatehouse.yaml'), `http:\n  port: ${port}\n`);
    server = await startServe(dataDir, { args: ['--port', String(port)] });
    db = await connectToDataDir(dataDir);
    db.on('notification', (message) => announced.push(message.payload ?? ''));
    await db.query(`LISTEN "${channelOfTopic(EVENTS_TOPIC)}"`);
  });

  afterAll(async () => {
    await db?.end();
    await server?.stop();
    if (dataDir) removeDataDir(dataDir);
  });

  it('app add-oidc records application.created by "cli", with the settings and without the secret, and announces it', async () => {
    const result = await runGatehouse(['app', 'add-oidc', 'Wiki', '--redirect-uri', 'https://wiki.lan/oauth/callback', '--launch-url', 'https://wiki.lan/', '--json', '--data', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    const { client_id: clientId, client_secret: clientSecret } = JSON.parse(result.stdout) as { client_id: string; client_secret: string };
    const { rows } = await db.query("SELECT type, actor, actor_user_id, target_type, target_id, target_label, data FROM events WHERE target_id = $1", [clientId]);
    expect(rows).toEqual([
      {
        type: 'application.created',
        actor: 'cli',
        actor_user_id: null,
        target_type: 'application',
        target_id: clientId,
        target_label: 'Wiki',
        data: { after: expect.objectContaining({ clientId, name: 'Wiki', redirectUris: ['https://wiki.lan/oauth/callback'], launchUrl: 'https://wiki.lan/', isEnabled: true }) },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(clientSecret);
    await waitFor(() => announced.some((payload) => payload.includes('"application.created"') && payload.includes(clientId)), 10_000, 'the event on the bus');
  });

  it('a refused command records nothing', async () => {
    const result = await runGatehouse(['app', 'add-oidc', 'Wiki', '--redirect-uri', 'https://other.lan/cb', '--data', dataDir]);
    expect(result.code).toBe(1);
    const { rows } = await db.query("SELECT count(*)::int AS events FROM events WHERE type = 'application.created' AND target_label = 'Wiki'");
    expect(rows[0].events).toBe(1);
  });
});
