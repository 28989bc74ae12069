// The RDS-like cluster: TLS verified against the packaged CA, SCRAM only, no plain TCP, stop/start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from './postgres.mjs';

function testCa() {
  const dir = mkdtempSync(join(tmpdir(), 'twin-ca-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=twin test root',
    '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem')], { stdio: 'ignore' });
  return { caCert: join(dir, 'ca.pem'), caKey: join(dir, 'ca.key') };
}

const psql = (url, sql = 'select current_user') => spawnSync('psql', ['-X', '-At', url, '-c', sql], { encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '5' } });

test('master user over TLS verify-full with the CA bundle; no TLS or a wrong password is refused; stop and start', async () => {
  const ca = testCa();
  const pg = await startPostgres({ ...ca, masterUsername: 'txetl_admin', dbName: 'txetl' });
  try {
    const base = `postgresql://txetl_admin:${pg.masterPassword}@127.0.0.1:${pg.port}/txetl`;
    const ok = psql(`${base}?sslmode=verify-full&sslrootcert=${ca.caCert}`);
    assert.equal(ok.stdout.trim(), 'txetl_admin', ok.stderr);
    assert.notEqual(psql(`${base}?sslmode=disable`).status, 0, 'plain TCP must be refused');
    const other = testCa();
    assert.match(psql(`${base}?sslmode=verify-full&sslrootcert=${other.caCert}`).stderr, /certificate verify failed/);
    assert.match(psql(`postgresql://txetl_admin:wrong@127.0.0.1:${pg.port}/txetl?sslmode=require`).stderr, /password authentication failed/);
    assert.deepEqual(pg.rows(`select rolsuper, rolcreaterole from pg_roles where rolname = 'txetl_admin'`), [{ rolsuper: false, rolcreaterole: true }]);
    pg.stop();
    assert.notEqual(psql(`${base}?sslmode=require`).status, 0);
    pg.start();
    assert.equal(psql(`${base}?sslmode=require`).stdout.trim(), 'txetl_admin');
  } finally {
    pg.destroy();
  }
});
