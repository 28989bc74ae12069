import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './secrets.mjs';
import { CallLog } from './calls.mjs';
import { Credentials } from './credentials.mjs';
import { signedRequest } from './sigv4.mjs';

const region = 'eu-central-1';
const account = '123456789012';
const role = `arn:aws:iam::${account}:role/txetl-dev-run-etl`;
const keyArn = `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

async function setup(t, extra = {}) {
  const calls = new CallLog();
  const credentials = new Credentials();
  const server = await start({ calls, credentials, region, account, ...extra });
  t.after(() => server.stop());
  return { calls, credentials, server, keys: credentials.issue(role) };
}

const get = (server, keys, secretId, target = 'secretsmanager.GetSecretValue') => signedRequest(`${server.url}/`, {
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
  body: JSON.stringify({ SecretId: secretId }),
}, keys, 'secretsmanager', region);

test('GetSecretValue by ARN and by name: AWS shape, recorded with tags and the implied kms:Decrypt', async (t) => {
  const { calls, server, keys } = await setup(t);
  calls.setScenario('migrate');
  const { arn } = server.createSecret({ name: 'rds!db-0f1e', value: { username: 'postgres', password: 'p1' }, kmsKeyArn: keyArn,
    kmsAliases: ['alias/txetl-dev-db'], tags: { 'aws:rds:primaryDBInstanceArn': `arn:aws:rds:${region}:${account}:db:txetl-dev` } });
  assert.match(arn, /^arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-0f1e-[A-Za-z0-9]{6}$/);

  const res = await get(server, keys, arn);
  assert.equal(res.status, 200, res.body);
  assert.equal(res.headers['content-type'], 'application/x-amz-json-1.1');
  const out = JSON.parse(res.body);
  assert.deepEqual(Object.keys(out).sort(), ['ARN', 'CreatedDate', 'Name', 'SecretString', 'VersionId', 'VersionStages']);
  assert.equal(out.ARN, arn);
  assert.equal(out.Name, 'rds!db-0f1e');
  assert.deepEqual(JSON.parse(out.SecretString), { username: 'postgres', password: 'p1' });
  assert.deepEqual(out.VersionStages, ['AWSCURRENT']);
  assert.equal(typeof out.CreatedDate, 'number');
  assert.equal(JSON.parse((await get(server, keys, 'rds!db-0f1e')).body).ARN, arn);

  const [read, decrypt] = calls.calls;
  assert.equal(read.action, 'secretsmanager:GetSecretValue');
  assert.equal(read.resource, arn);
  assert.deepEqual(read.principal, { type: 'role', arn: role });
  assert.equal(read.scenario, 'migrate');
  assert.equal(read.context['aws:SecureTransport'], 'true');
  assert.equal(read.context['secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn'], `arn:aws:rds:${region}:${account}:db:txetl-dev`);
  assert.equal(decrypt.action, 'kms:Decrypt');
  assert.equal(decrypt.resource, keyArn);
  assert.deepEqual(decrypt.principal, { type: 'role', arn: role });
  assert.equal(decrypt.context['kms:ViaService'], 'secretsmanager.eu-central-1.amazonaws.com');
  assert.deepEqual(decrypt.context['kms:ResourceAliases'], ['alias/txetl-dev-db']);
  assert.equal(decrypt.context['kms:CallerAccount'], account);
  assert.equal(calls.calls.length, 4);
  assert.equal(server.reads(arn).length, 2);
});

test('setValue makes a new AWSCURRENT version', async (t) => {
  const { server, keys } = await setup(t);
  const { arn } = server.createSecret({ name: 'txetl-dev-loader', value: 'one' });
  const first = JSON.parse((await get(server, keys, arn)).body).VersionId;
  server.setValue(arn, 'two');
  const out = JSON.parse((await get(server, keys, arn)).body);
  assert.equal(out.SecretString, 'two');
  assert.notEqual(out.VersionId, first);
  assert.deepEqual(server.secret(arn).versions.map((v) => v.stages), [['AWSPREVIOUS'], ['AWSCURRENT']]);
});

test('errors in AWS JSON shape: unknown secret, bad signature, unknown key, inline denial, injected failure', async (t) => {
  const denyMaster = (call) => !call.resource.includes('master');
  const { calls, server, keys } = await setup(t, { authorize: denyMaster });
  const { arn } = server.createSecret({ name: 'txetl-dev-master', value: 'x' });

  const missing = await get(server, keys, `arn:aws:secretsmanager:${region}:${account}:secret:nope-AbCdEf`);
  assert.equal(missing.status, 400);
  assert.equal(missing.headers['x-amzn-errortype'], 'ResourceNotFoundException');
  assert.equal(JSON.parse(missing.body).__type, 'ResourceNotFoundException');

  const badSignature = await get(server, { ...keys, secretAccessKey: 'wrong' }, arn);
  assert.equal(badSignature.status, 403);
  assert.equal(JSON.parse(badSignature.body).__type, 'InvalidSignatureException');
  const unknownKey = await get(server, { ...keys, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }, arn);
  assert.equal(JSON.parse(unknownKey.body).__type, 'UnrecognizedClientException');

  const denied = await get(server, keys, arn);
  assert.equal(denied.status, 400);
  assert.equal(JSON.parse(denied.body).__type, 'AccessDeniedException');
  assert.match(JSON.parse(denied.body).Message, /txetl-dev-run-etl is not authorized to perform: secretsmanager:GetSecretValue/);

  server.failNext(1);
  const failed = await get(server, keys, `arn:aws:secretsmanager:${region}:${account}:secret:nope-AbCdEf`);
  assert.equal(failed.status, 500);
  assert.equal(JSON.parse(failed.body).__type, 'InternalServiceError');

  const other = await get(server, keys, arn, 'secretsmanager.ListSecrets');
  assert.equal(JSON.parse(other.body).__type, 'UnknownOperationException');
  // Refused signatures are not calls a role made: only the unknown secret and the denied read are recorded.
  assert.deepEqual(calls.calls.map((c) => c.action), ['secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue']);
});
