// A PostgreSQL 15 cluster set up the way RDS sets up an instance for the functions: a master user (the
// plan's username, a generated password, CREATEROLE/CREATEDB but not superuser, like rds_superuser's
// members) owning the database, TLS on with a server certificate signed by the CA whose certificate the
// packaged zips carry as global-bundle.pem, and pg_hba accepting only hostssl with scram-sha-256 on TCP.
// Peer login of the OS user postgres over the cluster's own socket is the twin's back door for
// assertions, as an operator's psql would be. Mirrors tests/TransactionEtl.Testing/TlsCluster.cs.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const asRoot = process.getuid?.() === 0;

function run(cmd, args, { input, asPostgres = false, env } = {}) {
  const [file, argv] = asPostgres && asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  try {
    return execFileSync(file, argv, { input, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** A server certificate for 127.0.0.1 and localhost signed by the given CA (PEM files). */
export function serverCertificate(dir, { caCert, caKey }) {
  const p = (name) => join(dir, name);
  run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(p('server.ext'), 'subjectAltName = DNS:localhost, IP:127.0.0.1\nextendedKeyUsage = serverAuth\n'
    + 'keyUsage = critical,digitalSignature,keyEncipherment\nbasicConstraints = CA:FALSE\n');
  run('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', caCert, '-CAkey', caKey, '-CAcreateserial',
    '-CAserial', p('ca.srl'), '-out', p('server.crt'), '-days', '2', '-extfile', p('server.ext')]);
  return { cert: p('server.crt'), key: p('server.key') };
}

/**
 * Starts the cluster. opts: { caCert, caKey, masterUsername, dbName, binDir? }.
 * Returns { host, port, dbName, masterUsername, masterPassword, stop(), start(), query(sql), destroy() }.
 */
export async function startPostgres({ caCert, caKey, masterUsername, dbName, binDir = '/usr/lib/postgresql/15/bin' }) {
  const root = mkdtempSync(join(tmpdir(), 'twin-pg-'));
  chmodSync(root, 0o755);
  const data = join(root, 'pgdata');
  const sockets = join(root, 'sockets');
  const tls = join(root, 'tls');
  mkdirSync(sockets); mkdirSync(tls);
  const { cert, key } = serverCertificate(tls, { caCert, caKey });
  if (asRoot) run('chown', ['-R', 'postgres:', root]);
  chmodSync(key, 0o600);
  const port = await freePort();
  run(join(binDir, 'initdb'), ['-D', data, '-U', 'postgres', '--auth-local=peer', '--auth-host=reject', '-E', 'UTF8', '--no-sync'], { asPostgres: true });
  writeFileSync(join(data, 'pg_hba.conf'), [
    '# RDS-like: TCP only over TLS with SCRAM; the OS user postgres over the local socket for the twin itself.',
    'local all postgres peer',
    'hostssl all all 127.0.0.1/32 scram-sha-256',
    'hostnossl all all 0.0.0.0/0 reject',
    '',
  ].join('\n'));
  writeFileSync(join(data, 'postgresql.auto.conf'), [
    `port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${sockets}'`,
    'ssl = on', `ssl_cert_file = '${cert}'`, `ssl_key_file = '${key}'`, "ssl_min_protocol_version = 'TLSv1.2'",
    "password_encryption = 'scram-sha-256'", 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off',
    'max_connections = 50', // dev's planned db_max_connections (D3)
    '',
  ].join('\n'));
  if (asRoot) run('chown', ['-R', 'postgres:', data]);
  const pgctl = (...args) => run(join(binDir, 'pg_ctl'), ['-D', data, '-w', '-t', '60', '-l', join(root, 'server.log'), ...args], { asPostgres: true });
  const start = () => { pgctl('start'); };
  const stop = () => { pgctl('stop', '-m', 'fast'); };
  start();
  const psql = (sql, db = 'postgres') => run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-h', sockets, '-p', String(port), '-U', 'postgres', '-d', db],
    { input: sql, asPostgres: true });
  const masterPassword = randomBytes(24).toString('base64url');
  const ident = (name) => `"${name.replaceAll('"', '""')}"`;
  psql(`CREATE ROLE ${ident(masterUsername)} LOGIN CREATEROLE CREATEDB PASSWORD '${masterPassword}';
CREATE DATABASE ${ident(dbName)} OWNER ${ident(masterUsername)};`);
  return {
    host: '127.0.0.1', port, dbName, masterUsername, masterPassword, root,
    start, stop,
    /** Runs SQL as the OS user postgres in the database; rows as JSON objects. */
    rows(sql) {
      const out = psql(`SELECT coalesce(json_agg(t), '[]') FROM (${sql}) t`, dbName).trim();
      return JSON.parse(out);
    },
    sql(sql, db = dbName) { return psql(sql, db); },
    destroy() {
      try { stop(); } catch { /* already stopped */ }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The secret value RDS keeps for a managed master user (SecretString JSON). */
export function rdsMasterSecret(pg) {
  return { username: pg.masterUsername, password: pg.masterPassword };
}
