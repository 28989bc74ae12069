// The REAL RunEtl for the local execution tests: each lambda:invoke of the RunEtl state runs
//   dotnet txetl.dll lambda invoke run-etl --event=-
// (the same handler the Lambda bootstrap serves) with the state's Payload on stdin, against
//   - a throwaway PostgreSQL cluster started by `txetl db migrate` in a temporary TXETL_HOME,
//   - s3rver on loopback holding the files,
//   - a loopback Secrets Manager endpoint serving the database secret (RunEtl reads its settings only from the
//     secret, as in production; only the endpoints and TLS mode differ).
// Its stdout is the Lambda response; an error exits 1 with Lambda's {"errorType","errorMessage"}, which
// becomes a LambdaFunctionError exactly as Step Functions would surface it.

import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { LambdaFunctionError, repoRoot } from './harness.mjs';
import { lambdaInvokeResult } from './run-etl.mjs';

const require = createRequire(join(repoRoot, 'tools', 'node', 'package.json'));

/** The txetl.dll the stage built (TXETL_CLI_DLL), else the Debug build output. */
export function txetlDll() {
  const dll = process.env.TXETL_CLI_DLL ?? join(repoRoot, 'src', 'TransactionEtl.Cli', 'bin', 'Debug', 'net10.0', 'txetl.dll');
  if (!existsSync(dll)) throw new Error(`${dll} is missing: build it with \`dotnet build src/TransactionEtl.Cli\` (scripts/test.d/30-statemachine.sh does)`);
  return dll;
}

function run(args, env) {
  const result = spawnSync('dotnet', [txetlDll(), ...args], { env: { ...process.env, ...env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`txetl ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout.trim();
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

/** Starts PostgreSQL, s3rver and the Secrets Manager endpoint; returns the environment with an invoke() and stop(). */
export async function startEnvironment() {
  const home = mkdtempSync(join(tmpdir(), 'txetl-sfn-'));
  // mkdtemp makes it 0700; as root the cluster runs as OS user postgres, which must be able to enter it.
  chmodSync(home, 0o755);
  const env = { TXETL_HOME: join(home, 'pg') };
  run(['db', 'migrate'], env);
  const url = new URL(run(['db', 'url', '--tcp'], env));
  const database = {
    host: url.hostname, port: Number(url.port), username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password), dbname: decodeURIComponent(url.pathname.slice(1)),
  };

  const S3rver = require('s3rver');
  const s3dir = join(home, 's3');
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3dir });
  const s3address = await s3.run();
  const s3url = `http://127.0.0.1:${s3address.port}`;

  // secret id -> secret text; tests add ids (e.g. one pointing at a closed port).
  const secrets = new Map([['sfn/txetl/loader', JSON.stringify(database)]]);
  const secretsManager = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const reply = (status, doc) => {
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(doc));
      };
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') return reply(400, { __type: 'UnknownOperationException' });
      const { SecretId } = JSON.parse(body);
      if (!secrets.has(SecretId)) return reply(400, { __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." });
      return reply(200, { ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${SecretId}-AbCdEf`, Name: SecretId, SecretString: secrets.get(SecretId) });
    });
  });
  const secretsManagerPort = await listen(secretsManager);

  const baseEnv = {
    TXETL_DB_SSL_MODE: 'Disable', // the throwaway cluster has no TLS; production defaults to VerifyFull
    AWS_ENDPOINT_URL_S3: s3url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${secretsManagerPort}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_SESSION_TOKEN: '',
  };

  async function s3request(method, path, body) {
    const response = await fetch(`${s3url}${path}`, { method, body });
    if (!response.ok) throw new Error(`s3rver ${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  return {
    database,
    secrets,
    s3url,
    async createBucket(name) {
      await s3request('PUT', `/${name}`);
    },
    /** Puts an object; returns the execution input StartWorkflow would write for its event. */
    async put(bucket, key, text) {
      const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
      const response = await s3request('PUT', path, text);
      const eTag = response.headers.get('etag').replaceAll('"', '');
      return { bucket, key, versionId: null, eTag, size: Buffer.byteLength(text), sequencer: '0055AED6DCD90281E5', eventTime: new Date().toISOString() };
    },
    async get(bucket, key) {
      const response = await fetch(`${s3url}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`);
      return response.ok ? response.text() : null;
    },
    /**
     * The RunEtl override. secretIdFor(n) picks the database secret of the n-th call (1-based), so a test
     * can make early attempts fail for real (a closed port) and later ones succeed.
     */
    runEtl({ secretIdFor = () => 'sfn/txetl/loader' } = {}) {
      const calls = [];
      const override = async (params) => {
        calls.push(params);
        const child = spawn('dotnet', [txetlDll(), 'lambda', 'invoke', 'run-etl', '--event=-'], {
          env: { ...process.env, ...baseEnv, TXETL_DB_SECRET_ID: secretIdFor(calls.length), DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => { stdout += d; });
        child.stderr.on('data', (d) => { stderr += d; });
        child.stdin.end(JSON.stringify(params.Payload));
        const code = await new Promise((resolve) => child.on('close', resolve));
        override.logs.push(stderr);
        const response = JSON.parse(stdout);
        if (code === 0) return lambdaInvokeResult(response);
        if (code === 1 && response.errorType) throw new LambdaFunctionError(response.errorType, response.errorMessage);
        throw new Error(`txetl lambda invoke run-etl exited ${code}: ${stdout} ${stderr}`);
      };
      override.calls = calls;
      override.logs = [];
      return override;
    },
    async stop() {
      secretsManager.close();
      await s3.close();
      try { run(['db', 'stop'], env); } finally { rmSync(home, { recursive: true, force: true }); }
    },
  };
}
