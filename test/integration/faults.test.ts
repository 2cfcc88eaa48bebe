// Bad input and faults: each gives one clear message and a non-zero exit, and touches no data.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { EmbeddedCluster } from '../../server/src/postgres/cluster.ts';
import { connectToDataDir, removeDataDir, runGatehouse, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';

describe('with a data dir in use', () => {
  let dataDir: string;
  let first: ServeProcess;
  beforeAll(async () => {
    dataDir = tempDataDir();
    first = await startServe(dataDir);
  });
  afterAll(async () => {
    await first?.stop();
    removeDataDir(dataDir);
  });

  it('a second instance on the same data dir exits 1 naming the holder, and the first keeps serving', async () => {
    const second = await runGatehouse(['serve', '--data', dataDir, '--port', '0']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Another Gatehouse (pid ${first.child.pid}) is already using the data dir`);
    expect((await fetch(`${first.ready.url}/readyz`)).status).toBe(200);
  });

  it('a port already in use exits 1 with what to do, before touching PostgreSQL', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const fresh = tempDataDir();
    try {
      const result = await runGatehouse(['serve', '--data', fresh, '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use by another program`);
      expect(fs.existsSync(path.join(fresh, 'postgres'))).toBe(false);
    } finally {
      blocker.close();
      removeDataDir(fresh);
    }
  });
});

describe('bad configuration', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = tempDataDir()));
  afterAll(() => removeDataDir(dataDir));

  it('a corrupt config file exits 2 naming the file, and creates nothing', async () => {
    const file = path.join(dataDir, 'gatehouse.yaml');
    fs.writeFileSync(file, 'http:\n  port: [9080\n');
    try {
      const result = await runGatehouse(['serve', '--data', dataDir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`The config file ${file} is not valid YAML`);
      expect(fs.readdirSync(dataDir)).toEqual(['gatehouse.yaml']);
    } finally {
      fs.rmSync(file);
    }
  });

  it('a bad value from the environment exits 2 naming the setting, its source and what is allowed', async () => {
    const result = await runGatehouse(['serve', '--data', dataDir], { env: { GATEHOUSE_HTTP_PORT: '70000' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('http.port (from env GATEHOUSE_HTTP_PORT) must be between 0 and 65535');
  });

  it('a connection budget too small for the job workers exits 2 saying what to raise', async () => {
    const result = await runGatehouse(['serve', '--data', dataDir, '--max-connections', '6'], { env: { GATEHOUSE_JOBS_CONCURRENCY: '4' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('database.maxConnections is 6, but with jobs.concurrency 4 it must be at least 8');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('an unknown flag exits 2 with the usage line', async () => {
    const result = await runGatehouse(['serve', '--prot', '80']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: gatehouse serve');
  });
});

describe('a data dir that cannot be used', () => {
  it('a path under a regular file exits 1 with what to do', async () => {
    const parent = tempDataDir();
    const file = path.join(parent, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    try {
      const result = await runGatehouse(['serve', '--data', path.join(file, 'data')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Cannot use the data dir');
      expect(result.stderr).toContain('--data');
      expect(fs.readFileSync(file, 'utf8')).toBe('x');
    } finally {
      fs.rmSync(parent, { recursive: true });
    }
  });

  it('a full disk exits 1 saying the disk is full', async () => {
    const mountPoint = tempDataDir('gh-full-');
    let mounted = false;
    try {
      // A 4 MB tmpfs holds the data dir but not a PostgreSQL cluster (about 40 MB).
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
      mounted = true;
      const result = await runGatehouse(['serve', '--data', path.join(mountPoint, 'd'), '--port', '0']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/No space left on device|disk is full/);
      expect(result.stderr).toContain('free some space');
    } finally {
      if (mounted) execFileSync('umount', ['-l', mountPoint]);
      fs.rmSync(mountPoint, { recursive: true, force: true });
    }
  });
});

describe('a data dir with an existing cluster', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDataDir();
    const server = await startServe(dataDir);
    await server.stop();
  });
  afterAll(() => removeDataDir(dataDir));

  it('migrated by a newer Gatehouse exits 1 and leaves the schema as it was', async () => {
    const server = await startServe(dataDir);
    const client = await connectToDataDir(dataDir);
    await client.query(`INSERT INTO schema_migrations (version, name, checksum) VALUES ('29991231000000', 'from_the_future', 'x')`);
    const before = (await client.query('SELECT version, checksum FROM schema_migrations ORDER BY version')).rows;
    await client.end();
    await server.stop();

    const result = await runGatehouse(['serve', '--data', dataDir, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('This database was migrated by a newer Gatehouse');
    expect(result.stderr).toContain('Nothing was changed');

    // Look inside with the cluster alone (no migrations), then take the marker out again.
    const cluster = new EmbeddedCluster({ dataDir, port: 5432, tcp: { enabled: false, port: 5432 }, startTimeoutMs: 30_000, stopTimeoutMs: 5_000, logger: pino({ level: 'silent' }) });
    await cluster.start();
    try {
      const inspect = await connectToDataDir(dataDir);
      expect((await inspect.query('SELECT version, checksum FROM schema_migrations ORDER BY version')).rows).toEqual(before);
      await inspect.query(`DELETE FROM schema_migrations WHERE version = '29991231000000'`);
      await inspect.end();
    } finally {
      await cluster.stop();
    }
  });

  it('whose PostgreSQL cannot start exits 1 with the tail of the PostgreSQL log, and changes no file', async () => {
    const autoConf = path.join(dataDir, 'postgres', 'postgresql.auto.conf');
    const original = fs.readFileSync(autoConf, 'utf8');
    fs.appendFileSync(autoConf, "shared_buffers = 'lots'\n");
    const corrupted = fs.readFileSync(autoConf, 'utf8');
    try {
      const result = await runGatehouse(['serve', '--data', dataDir, '--port', '0']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('PostgreSQL did not start');
      expect(result.stderr).toContain('shared_buffers');
      expect(fs.readFileSync(autoConf, 'utf8')).toBe(corrupted);
    } finally {
      fs.writeFileSync(autoConf, original);
    }
  });
});
