// The contracts between the desktop shell and the server: the ready line, the one-time bootstrap token, the shutdown message.
import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_PATH,
  BOOTSTRAP_TOKEN_ENV,
  BOOTSTRAP_TOKEN_PARAM,
  bootstrapTokenDigest,
  bootstrapUrl,
  createBootstrapToken,
} from '../../main/src/bootstrap-contract.ts';
import { parseServerLine, type ReadyMessage } from '../../main/src/ready-line.ts';
import { isShutdownMessage, SHUTDOWN_MESSAGE } from '../../main/src/shutdown-message.ts';
import type { ReadyInfo } from '../../server/src/appliance/serve.ts';

describe('the ready line', () => {
  it("is read from what `gatehouse serve --json` prints (the server's ReadyInfo fits the shell's ReadyMessage)", () => {
    const ready: ReadyInfo = {
      event: 'ready',
      url: 'http://127.0.0.1:9080',
      publicUrl: 'https://id.example.lan',
      pid: 4242,
      instanceId: 'box-abc123',
      dataDir: '/home/me/.config/Gatehouse',
      database: 'embedded',
      postgresVersion: '18.4',
      startupMs: 1450,
      setupUrl: 'http://127.0.0.1:9080/setup?token=abc',
    };
    // Compile-time: a field renamed on the server side fails the typecheck here.
    const message: ReadyMessage = ready;
    expect(parseServerLine(JSON.stringify(ready))).toEqual({ event: 'ready', ready: message });
  });

  it('carries the reason when the server cannot start', () => {
    expect(parseServerLine('{"event":"error","code":"port_in_use","message":"Port 9080 is in use."}')).toEqual({ event: 'error', code: 'port_in_use', message: 'Port 9080 is in use.' });
  });

  it('is not whatever else comes on stdout, nor a ready line with a URL the window must not open', () => {
    for (const line of ['', 'Gatehouse 0.1.0 is ready at http://127.0.0.1:9080', '[]', 'null', '{"event":"ready"}', '{"event":"ready","url":"file:///etc/passwd"}', '{"event":"ready","url":"http://127.0.0.1:9080","setupUrl":"javascript:alert(1)"}']) {
      expect(parseServerLine(line)).toBeNull();
    }
  });
});

describe('the bootstrap token', () => {
  it('is 32 random bytes in base64url, new every time', () => {
    const tokens = new Set(Array.from({ length: 20 }, createBootstrapToken));
    expect(tokens.size).toBe(20);
    for (const token of tokens) expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('reaches the server in GATEHOUSE_BOOTSTRAP_TOKEN and is exchanged at GET /bootstrap?token=…', () => {
    expect(BOOTSTRAP_TOKEN_ENV).toBe('GATEHOUSE_BOOTSTRAP_TOKEN');
    expect(`${BOOTSTRAP_PATH}?${BOOTSTRAP_TOKEN_PARAM}=`).toBe('/bootstrap?token=');
    expect(bootstrapUrl('http://127.0.0.1:9080', 'a-b_c')).toBe('http://127.0.0.1:9080/bootstrap?token=a-b_c');
    expect(bootstrapUrl('https://idp.example/gatehouse/', 'a-b_c')).toBe('https://idp.example/gatehouse/bootstrap?token=a-b_c');
  });

  it('is kept by the server only as its SHA-256', () => {
    expect(bootstrapTokenDigest('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('the shutdown message', () => {
  it('is recognised, and nothing else is', () => {
    expect(isShutdownMessage(SHUTDOWN_MESSAGE)).toBe(true);
    expect(isShutdownMessage({ type: 'gatehouse:shutdown' })).toBe(true);
    for (const other of [null, undefined, 'gatehouse:shutdown', {}, { type: 'shutdown' }]) expect(isShutdownMessage(other)).toBe(false);
  });
});
