// The Lambda twin with the REAL packaged Native AOT bootstrap (artifacts/lambda/start-workflow.zip, built
// by scripts/package-lambda.sh): unzipped into a task root, started by the service, serving one signed
// Invoke through the Runtime API. S3's s3:TestEvent needs no other service, so this checks the protocol,
// the environment Lambda gives the process, and the logs, without Step Functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallLog } from '../aws/calls.mjs';
import { Credentials } from '../aws/credentials.mjs';
import { sign } from '../aws/sigv4.mjs';
import { repoRoot, start } from './service.mjs';
import { account, plannedFunction, region } from './fixtures.mjs';

const zip = join(repoRoot, 'artifacts', 'lambda', 'start-workflow.zip');

test('the real bootstrap serves an invocation from the unzipped artifact', { skip: !existsSync(zip) && `${zip} is missing (bash scripts/package-lambda.sh)` }, async () => {
  const calls = new CallLog();
  const credentials = new Credentials();
  const fn = plannedFunction('start-workflow', {
    handler: 'start-workflow',
    // As Terraform's plan of environments/dev names it.
    zip: '../../../artifacts/lambda/start-workflow.zip',
    env: { TXETL_STATE_MACHINE_ARN: `arn:aws:states:${region}:${account}:stateMachine:txetl-dev-etl`, TXETL_LOG_LEVEL: 'Information' },
  });
  const twin = await start({ calls, credentials, region, account, deployment: { region, account, functions: { 'start-workflow': fn } } });
  try {
    const caller = `arn:aws:iam::${account}:role/operator`;
    const url = `${twin.url}/2015-03-31/functions/${fn.name}/invocations`;
    const body = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: new Date().toISOString(), Bucket: 'txetl-dev-files', RequestId: 'R', HostId: 'H' });
    const headers = sign({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body }, credentials.forRole(caller), 'lambda', region);
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    assert.equal(response.status, 200, text);
    assert.equal(response.headers.get('x-amz-function-error'), null, text);
    assert.ok(JSON.parse(text), 'a JSON result');
    assert.equal(twin.stats('start-workflow').coldStarts, 1);
    await new Promise((r) => setTimeout(r, 300)); // the last log batch is flushed after 200 ms
    const log = readFileSync(twin.logFile('start-workflow'), 'utf8');
    // The function's own line sits between its invocation's START and END, as in CloudWatch.
    assert.match(log, /START RequestId: (\S+)[^\n]*\n[^\n]*test event[^\n]*\n[^\n]*END RequestId: \1\n[^\n]*REPORT RequestId: \1/i, log);
    assert.equal(calls.filter({ action: 'logs:CreateLogStream', principal: fn.roleArn }).length, 1);
  } finally {
    await twin.stop();
  }
});
