// Test fixtures for the Lambda twin: a tiny bootstrap speaking the Runtime API (what the real Native AOT
// bootstrap does, minus the handlers) and a planned function entry as plan.mjs gives it.

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile, spawnSync } from 'node:child_process';

// The event says what to do: { sleepMs, waitFor (a file), fail, crash, exitCode, response, env: [names to
// echo] }; an SQS event's records whose body contains "fail" come back as batchItemFailures.
// TWIN_FAKE_INIT_FAIL makes the runtime report an init error instead of serving.
const fakeBootstrap = `(async () => {
const base = 'http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime/';
async function post(path, body, headers = {}) {
  await fetch(base + path, { method: 'POST', body: JSON.stringify(body), headers });
}
if (process.env.TWIN_FAKE_INIT_FAIL) {
  await post('init/error', { errorType: 'Runtime.ConfigError', errorMessage: 'init failed on purpose' }, { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ConfigError' });
  process.exit(1);
}
console.log('fake bootstrap started as ' + process.env._HANDLER);
for (;;) {
  const next = await fetch(base + 'invocation/next');
  const id = next.headers.get('lambda-runtime-aws-request-id');
  const event = await next.json();
  console.log('handling ' + id);
  console.error('a line on stderr');
  if (event.Records) {
    // An SQS batch: bodies containing "fail" are reported as batch item failures.
    const failed = event.Records.filter((r) => r.body.includes('fail')).map((r) => ({ itemIdentifier: r.messageId }));
    console.log('batch of ' + event.Records.length);
    for (const r of event.Records) console.log('record ' + r.eventSourceARN + ' ' + r.body);
    await post('invocation/' + id + '/response', { batchItemFailures: failed });
    continue;
  }
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  while (event.waitFor && !require('fs').existsSync(event.waitFor)) await new Promise((r) => setTimeout(r, 20));
  if (event.crash) process.exit(event.exitCode ?? 3);
  if (event.fail) {
    await post('invocation/' + id + '/error', { errorType: 'Failure', errorMessage: event.fail }, { 'Lambda-Runtime-Function-Error-Type': 'Failure' });
    continue;
  }
  const echoed = Object.fromEntries((event.env ?? []).map((n) => [n, process.env[n] ?? null]));
  const headers = {
    deadlineMs: Number(next.headers.get('lambda-runtime-deadline-ms')),
    functionArn: next.headers.get('lambda-runtime-invoked-function-arn'),
    traceId: next.headers.get('lambda-runtime-trace-id'),
  };
  await post('invocation/' + id + '/response', event.response ?? { requestId: id, pid: process.pid, env: echoed, headers, event });
}
})();
`;

/** A task root holding an executable `bootstrap` (this node, the fake runtime above). */
export function fakeTaskRoot() {
  const dir = mkdtempSync(join(tmpdir(), 'twin-fake-task-'));
  writeFileSync(join(dir, 'bootstrap'), `#!${process.execPath}\n${fakeBootstrap}`);
  chmodSync(join(dir, 'bootstrap'), 0o755);
  return dir;
}

export const region = 'eu-central-1';
export const account = '123456789012';

/** A Deployment.functions entry as plan.mjs gives it. */
export function plannedFunction(key, overrides = {}) {
  const name = `txetl-dev-${key}`;
  return {
    key,
    name,
    arn: `arn:aws:lambda:${region}:${account}:function:${name}`,
    handler: key,
    env: { TXETL_LOG_LEVEL: 'Information' },
    timeoutSeconds: 30,
    memoryMb: 256,
    reserved: null,
    roleArn: `arn:aws:iam::${account}:role/${name}`,
    logGroup: { name: `/aws/lambda/${name}`, arn: `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${name}` },
    vpc: null,
    zip: null,
    asyncConfig: null,
    ...overrides,
  };
}

// botocore (the AWS CLI's and boto3's core) as an independent client of the twin: it signs, addresses
// (S3 path-style), checksums and parses as AWS's own SDKs do. Streaming bodies are read into text.
const botocoreScript = `
import json, sys
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
session = botocore.session.get_session()
out = []
def resolve(v):
    # {"$from": i, "path": [...]} is a value from the i-th call's answer (an UploadId, a VersionId).
    if isinstance(v, dict) and '$from' in v:
        r = out[v['$from']]['out']
        for k in v['path']: r = r[k]
        return r
    if isinstance(v, dict): return {k: resolve(x) for k, x in v.items()}
    if isinstance(v, list): return [resolve(x) for x in v]
    return v
for c in json.load(sys.stdin):
    c['params'] = resolve(c['params'])
    config = Config(retries={'max_attempts': 1}, s3={'addressing_style': 'path'}, **c.get('config', {}))
    k = c['keys']
    client = session.create_client(c['service'], region_name=c['region'], endpoint_url=c['endpoint'], config=config,
        aws_access_key_id=k['accessKeyId'], aws_secret_access_key=k['secretAccessKey'], aws_session_token=k['sessionToken'])
    try:
        r = getattr(client, c['op'])(**c['params'])
        for name in ('Body', 'Payload'):
            if name in r: r[name] = r[name].read().decode('utf-8')
        out.append({'ok': True, 'status': r.pop('ResponseMetadata')['HTTPStatusCode'], 'out': r})
    except ClientError as e:
        out.append({'ok': False, 'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'error': e.response['Error']})
print(json.dumps(out, default=str))
`;

/** botocore's version, or null where python3 has none (the tests using it are skipped then). */
export const botocoreVersion = (() => {
  const probe = spawnSync('python3', ['-c', 'import botocore; print(botocore.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
})();

/**
 * Runs botocore calls [{ service, endpoint, op, params, keys, region, config? }] in one interpreter (its
 * start takes seconds); a param { $from: i, path: [...] } takes a value from the i-th answer.
 * -> one { ok, status, out | error } per call.
 */
export function botocore(requests) {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const child = execFile('python3', ['-c', botocoreScript], { env, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`botocore: ${error.message} ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin.end(JSON.stringify(requests));
  });
}
