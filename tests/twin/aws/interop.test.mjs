// The servers against an independent, real AWS client: botocore (the AWS CLI's and boto3's core) signs
// the requests and parses the answers. If botocore's requests verify here and it reads the replies, the
// wire shapes are AWS's, not just this folder's idea of them. Skipped where python3 has no botocore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { CallLog } from './calls.mjs';
import { Credentials } from './credentials.mjs';
import { start as startSecrets } from './secrets.mjs';
import { start as startSqs } from './sqs.mjs';
import { start as startSns } from './sns.mjs';

const region = 'eu-central-1';
const account = '123456789012';
const role = `arn:aws:iam::${account}:role/txetl-dev-migrate`;

const probe = spawnSync('python3', ['-c', 'import botocore; print(botocore.__version__)'], { encoding: 'utf8' });
const botocore = probe.status === 0 ? probe.stdout.trim() : null;
const skip = botocore ? false : 'python3 has no botocore';

// Runs the calls in one interpreter (a CLI process per call takes seconds); one result per call.
const PY = `
import json, sys
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
session = botocore.session.get_session()
results = []
for c in json.load(sys.stdin):
    client = session.create_client(c['service'], region_name=c['region'], endpoint_url=c['endpoint'],
        aws_access_key_id=c['keys']['accessKeyId'], aws_secret_access_key=c['keys']['secretAccessKey'],
        aws_session_token=c['keys']['sessionToken'], config=Config(retries={'max_attempts': 1}))
    try:
        out = getattr(client, c['op'])(**c['params'])
        out.pop('ResponseMetadata', None)
        results.append({'ok': True, 'out': out})
    except ClientError as e:
        results.append({'ok': False, 'code': e.response['Error']['Code'], 'message': e.response['Error'].get('Message', '')})
print(json.dumps(results, default=str))
`;

function botocoreCalls(calls) {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', PY], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`python3 exited ${code}: ${err}`))));
    child.stdin.end(JSON.stringify(calls));
  });
}

test(`Secrets Manager, SQS and SNS answer botocore ${botocore ?? '(absent)'}`, { skip }, async (t) => {
  const calls = new CallLog();
  const credentials = new Credentials();
  const opts = { calls, credentials, region, account };
  const secrets = await startSecrets(opts);
  const sqs = await startSqs({ ...opts, queues: [{ name: 'q' }] });
  const sns = await startSns({ ...opts, topics: [{ name: 'alerts' }] });
  t.after(() => Promise.all([secrets, sqs, sns].map((s) => s.stop())));
  const keys = credentials.issue(role);
  const { arn } = secrets.createSecret({ name: 'rds!db-abc', value: '{"username":"postgres","password":"pw"}' });
  const url = sqs.queue(`arn:aws:sqs:${region}:${account}:q`).url;
  const topicArn = `arn:aws:sns:${region}:${account}:alerts`;
  const call = (service, endpoint, op, params, k = keys) => ({ service, endpoint, op, params, region, keys: k });

  const [secret, missing, forged, sent, got, attrs, noQueue, published, noTopic] = await botocoreCalls([
    call('secretsmanager', secrets.url, 'get_secret_value', { SecretId: arn }),
    call('secretsmanager', secrets.url, 'get_secret_value', { SecretId: 'nope' }),
    call('secretsmanager', secrets.url, 'get_secret_value', { SecretId: arn }, { ...keys, secretAccessKey: 'wrong' }),
    call('sqs', sqs.url, 'send_message', { QueueUrl: url, MessageBody: 'hello' }),
    call('sqs', sqs.url, 'receive_message', { QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
    call('sqs', sqs.url, 'get_queue_attributes', { QueueUrl: url, AttributeNames: ['All'] }),
    call('sqs', sqs.url, 'send_message', { QueueUrl: `${sqs.url}/${account}/none`, MessageBody: 'x' }),
    call('sns', sns.url, 'publish', { TopicArn: topicArn, Subject: 'Load failed', Message: '{"a":1}',
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'error' } } }),
    call('sns', sns.url, 'publish', { TopicArn: `${topicArn}-x`, Message: 'x' }),
  ]);

  assert.ok(secret.ok, secret.message);
  assert.equal(secret.out.ARN, arn);
  assert.equal(JSON.parse(secret.out.SecretString).password, 'pw');
  assert.deepEqual(secret.out.VersionStages, ['AWSCURRENT']);
  assert.deepEqual([missing.code, missing.message], ['ResourceNotFoundException', "Secrets Manager can't find the specified secret."]);
  assert.equal(forged.code, 'InvalidSignatureException');

  assert.ok(sent.ok, sent.message);
  assert.equal(sent.out.MD5OfMessageBody, '5d41402abc4b2a76b9719d911017c592');
  assert.equal(got.out.Messages[0].Body, 'hello');
  assert.equal(got.out.Messages[0].Attributes.ApproximateReceiveCount, '1');
  assert.equal(attrs.out.Attributes.ApproximateNumberOfMessagesNotVisible, '1');
  assert.equal(noQueue.code, 'AWS.SimpleQueueService.NonExistentQueue');

  assert.ok(published.ok, published.message);
  assert.match(published.out.MessageId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(sns.published(topicArn)[0].messageAttributes, { severity: { DataType: 'String', StringValue: 'error' } });
  assert.deepEqual([noTopic.code, noTopic.message], ['NotFound', 'Topic does not exist']);

  assert.deepEqual([...new Set(calls.calls.map((c) => `${c.principal.arn} ${c.action}`))].sort(), [
    `${role} secretsmanager:GetSecretValue`, `${role} sns:Publish`, `${role} sqs:GetQueueAttributes`, `${role} sqs:ReceiveMessage`, `${role} sqs:SendMessage`]);
});
