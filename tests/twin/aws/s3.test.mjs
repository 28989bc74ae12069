// The twin's S3: SigV4 verification, recorded IAM actions (and S3's KMS calls), notifications to SQS.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CallLog } from './calls.mjs';
import { Credentials } from './credentials.mjs';
import { sign } from './sigv4.mjs';
import { decodeAwsChunked, start } from './s3.mjs';
import { matchesFilter, notificationKey, s3Action } from './s3-events.mjs';
import { start as startSqs } from './sqs.mjs';
import { botocore, botocoreVersion } from '../lambda/fixtures.mjs';

const region = 'eu-central-1';
const account = '123456789012';

const bucketName = 'txetl-dev-files-123456789012';
const queueArn = `arn:aws:sqs:${region}:${account}:txetl-dev-file-events`;
const kmsKeyArn = `arn:aws:kms:${region}:${account}:key/0f6e1c1a-1111-2222-3333-444455556666`;
const runEtlRole = `arn:aws:iam::${account}:role/txetl-dev-run-etl`;
const deployment = {
  region, account,
  bucket: {
    name: bucketName, arn: `arn:aws:s3:::${bucketName}`, kmsKeyArn,
    notifications: [{ queueArn, events: ['s3:ObjectCreated:*'], prefix: 'incoming/', suffix: '.csv' }],
  },
};

describe('S3 twin', () => {
  let s3;
  let calls;
  let credentials;
  let sqs;

  async function signed(method, path, { body, headers = {}, role = runEtlRole, keys } = {}) {
    const url = `${s3.url}${path}`;
    const sent = sign({ method, url, headers, body }, keys ?? credentials.forRole(role), 's3', region);
    const response = await fetch(url, { method, headers: sent, body });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  before(async () => {
    calls = new CallLog();
    credentials = new Credentials();
    sqs = await startSqs({ calls, credentials, region, account, queues: [{ arn: queueArn }] });
    s3 = await start({ calls, credentials, region, account, deployment, sqs });
  });

  after(async () => {
    await s3.stop();
    await sqs.stop();
  });

  test('setting up the notification sends s3:TestEvent as s3.amazonaws.com', () => {
    const [first] = sqs.messages(queueArn);
    assert.equal(JSON.parse(first.body).Event, 's3:TestEvent');
    const [call] = calls.filter({ action: 'sqs:SendMessage', principal: 's3.amazonaws.com' });
    assert.equal(call.context['aws:SourceArn'], deployment.bucket.arn);
    assert.equal(call.context['aws:SourceAccount'], account);
  });

  test('an upload under the planned prefix/suffix sends S3\'s ObjectCreated record to the queue', async () => {
    const before = sqs.messages(queueArn).length;
    const put = await s3.put('incoming/2026/12 batch.csv', 'id,amount\n1,2\n');
    assert.ok(put.versionId);
    const messages = sqs.messages(queueArn);
    assert.equal(messages.length, before + 1);
    const [record] = JSON.parse(messages.at(-1).body).Records;
    assert.equal(record.eventVersion, '2.1');
    assert.equal(record.eventSource, 'aws:s3');
    assert.equal(record.eventName, 'ObjectCreated:Put');
    assert.equal(record.awsRegion, region);
    assert.equal(record.s3.bucket.name, bucketName);
    assert.equal(record.s3.bucket.arn, deployment.bucket.arn);
    assert.equal(record.s3.object.key, 'incoming/2026/12+batch.csv');
    assert.equal(record.s3.object.size, 14);
    assert.equal(record.s3.object.eTag, put.eTag);
    assert.equal(record.s3.object.versionId, put.versionId);
    assert.match(record.s3.object.sequencer, /^[0-9A-F]{18}$/);
    // The uploader is outside the deployment: nothing recorded for it.
    assert.equal(calls.filter({ action: 's3:PutObject' }).length, 0);
  });

  test('keys outside the filter send nothing', async () => {
    const before = sqs.messages(queueArn).length;
    await s3.put('incoming/notes.txt', 'x');
    await s3.put('elsewhere/file.csv', 'x');
    assert.equal(sqs.messages(queueArn).length, before);
  });

  test('a role\'s GetObject is verified, recorded with S3\'s kms:Decrypt; a version id makes it GetObjectVersion', async () => {
    const put = await s3.put('incoming/read.csv', 'hello');
    const plain = await signed('GET', `/${bucketName}/incoming/read.csv`);
    assert.equal(plain.status, 200);
    assert.equal(plain.text, 'hello');
    assert.equal(plain.headers.get('x-amz-version-id'), put.versionId);
    const objectArn = `${deployment.bucket.arn}/incoming/read.csv`;
    assert.equal(calls.filter({ action: 's3:GetObject', resource: objectArn, principal: runEtlRole }).length, 1);
    const [kms] = calls.filter({ action: 'kms:Decrypt', resource: kmsKeyArn, principal: runEtlRole });
    assert.equal(kms.context['kms:ViaService'], `s3.${region}.amazonaws.com`);
    const versioned = await signed('GET', `/${bucketName}/incoming/read.csv?versionId=${encodeURIComponent(put.versionId)}`);
    assert.equal(versioned.status, 200);
    assert.equal(versioned.text, 'hello');
    assert.equal(calls.filter({ action: 's3:GetObjectVersion', resource: objectArn }).length, 1);
    const stale = await signed('GET', `/${bucketName}/incoming/read.csv?versionId=nope`);
    assert.equal(stale.status, 404);
    assert.match(stale.text, /NoSuchVersion/);
  });

  test('HeadObject is authorized as GetObject and keeps the object\'s length', async () => {
    await s3.put('incoming/head.csv', '12345');
    const head = await signed('HEAD', `/${bucketName}/incoming/head.csv`);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '5');
    assert.equal(calls.filter({ action: 's3:GetObject', resource: `${deployment.bucket.arn}/incoming/head.csv` }).length, 1);
  });

  test('a role\'s PutObject is recorded with kms:GenerateDataKey and stored', async () => {
    const r = await signed('PUT', `/${bucketName}/reports/a b.json`, { body: '{"ok":true}', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 200);
    assert.ok(r.headers.get('x-amz-version-id'));
    assert.equal((await s3.get('reports/a b.json')).toString(), '{"ok":true}');
    assert.deepEqual(await s3.keys('reports/'), ['reports/a b.json']);
    const [putCall] = calls.filter({ action: 's3:PutObject', resource: `${deployment.bucket.arn}/reports/a b.json` });
    assert.equal(putCall.context['s3:x-amz-server-side-encryption'], undefined, 'no header sent, so no key for the bucket policy');
    const sse = await signed('PUT', `/${bucketName}/reports/sse.json`, { body: '{}', headers: { 'x-amz-server-side-encryption': 'AES256' } });
    assert.equal(sse.status, 200);
    const [sseCall] = calls.filter({ action: 's3:PutObject', resource: `${deployment.bucket.arn}/reports/sse.json` });
    assert.equal(sseCall.context['s3:x-amz-server-side-encryption'], 'AES256', 'what DenyOtherEncryption tests');
    // Only the write that left encryption to the bucket made S3 call KMS; SSE-S3 asked for none.
    assert.equal(calls.filter({ action: 'kms:GenerateDataKey', resource: kmsKeyArn }).length, 1);
  });

  test('multipart: create, part, complete are PutObject; abort is AbortMultipartUpload', async () => {
    const base = `/${bucketName}/reports/big.json`;
    const created = await signed('POST', `${base}?uploads`);
    assert.equal(created.status, 200);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)[1];
    const part = await signed('PUT', `${base}?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`, { body: 'part-one' });
    assert.equal(part.status, 200);
    const etag = part.headers.get('etag');
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
    const done = await signed('POST', `${base}?uploadId=${encodeURIComponent(uploadId)}`, { body: xml });
    assert.equal(done.status, 200, done.text);
    assert.equal((await s3.get('reports/big.json')).toString(), 'part-one');
    const second = /<UploadId>([^<]+)<\/UploadId>/.exec((await signed('POST', `${base}?uploads`)).text)[1];
    const aborted = await signed('DELETE', `${base}?uploadId=${encodeURIComponent(second)}`);
    assert.equal(aborted.status, 204);
    const objectArn = `${deployment.bucket.arn}/reports/big.json`;
    assert.equal(calls.filter({ action: 's3:PutObject', resource: objectArn }).length, 4);
    assert.equal(calls.filter({ action: 's3:AbortMultipartUpload', resource: objectArn, principal: runEtlRole }).length, 1);
  });

  test('a multipart upload under the filter sends ObjectCreated:CompleteMultipartUpload with the whole size', async () => {
    const base = `/${bucketName}/incoming/multi.csv`;
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec((await signed('POST', `${base}?uploads`)).text)[1];
    const before = sqs.messages(queueArn).length;
    const part = await signed('PUT', `${base}?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`, { body: 'a,b\n1,2\n' });
    assert.equal(sqs.messages(queueArn).length, before, 'a part is no new object');
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.get('etag')}</ETag></Part></CompleteMultipartUpload>`;
    assert.equal((await signed('POST', `${base}?uploadId=${encodeURIComponent(uploadId)}`, { body: xml })).status, 200);
    const [record] = JSON.parse(sqs.messages(queueArn).at(-1).body).Records;
    assert.equal(record.eventName, 'ObjectCreated:CompleteMultipartUpload');
    assert.equal(record.s3.object.key, 'incoming/multi.csv');
    assert.equal(record.s3.object.size, 8);
    assert.equal(record.s3.object.versionId, s3.versionOf('incoming/multi.csv'));
  });

  test('an aws-chunked body is stored as its data', () => {
    const chunked = Buffer.from('5;chunk-signature=aa\r\nhello\r\n6;chunk-signature=bb\r\n world\r\n0;chunk-signature=cc\r\n\r\n');
    const { headers, body } = decodeAwsChunked({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'content-encoding': 'aws-chunked' }, chunked);
    assert.equal(body.toString(), 'hello world');
    assert.equal(headers['content-length'], '11');
    assert.equal(headers['content-encoding'], undefined);
  });

  test('a bad signature is refused with S3\'s error and not recorded', async () => {
    const before = calls.calls.length;
    const forged = { ...credentials.forRole(runEtlRole), secretAccessKey: 'wrong' };
    const r = await signed('GET', `/${bucketName}/incoming/read.csv`, { keys: forged });
    assert.equal(r.status, 403);
    assert.match(r.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.equal(calls.calls.length, before);
  });

  test('listing the bucket is s3:ListBucket on the bucket ARN', async () => {
    const r = await signed('GET', `/${bucketName}?list-type=2&prefix=incoming%2F`);
    assert.equal(r.status, 200);
    const [list] = calls.filter({ action: 's3:ListBucket', resource: deployment.bucket.arn });
    assert.equal(list.context['s3:prefix'], 'incoming/');
  });

  test('s3Action, matchesFilter and notificationKey', () => {
    const q = (text) => new URLSearchParams(text);
    assert.equal(s3Action({ method: 'HEAD', key: 'k', query: q('versionId=1'), headers: {} }).action, 's3:GetObjectVersion');
    assert.equal(s3Action({ method: 'PUT', key: 'k', query: q(''), headers: { 'x-amz-copy-source': '/b/src' } }).source, 'b/src');
    assert.equal(s3Action({ method: 'GET', key: '', query: q('uploads'), headers: {} }).action, 's3:ListBucketMultipartUploads');
    assert.ok(matchesFilter({ events: ['s3:ObjectCreated:Put'], prefix: 'a/', suffix: '' }, 'a/x', 'ObjectCreated:Put'));
    assert.ok(!matchesFilter({ events: ['s3:ObjectCreated:Put'], prefix: 'a/', suffix: '' }, 'a/x', 'ObjectCreated:Copy'));
    assert.equal(notificationKey('dir/a b+c.csv'), 'dir/a+b%2Bc.csv');
  });

  test(`botocore ${botocoreVersion ?? '(absent)'} reads, writes and uploads in parts through the proxy`, { skip: !botocoreVersion && 'python3 has no botocore' }, async () => {
    const keys = credentials.issue(runEtlRole);
    const call = (op, params, config) => ({ service: 's3', endpoint: s3.url, op, params, keys, region, config });
    const Bucket = bucketName;
    const from = (index, ...path) => ({ $from: index, path });
    const UploadId = from(2, 'UploadId');
    // Both of botocore's checksum modes: by default it adds CRC32 checksums; the functions ask for them only when required.
    const [put, putRequired, created, part, got, byVersion, head, listed, done, aborted] = await botocore([
      call('put_object', { Bucket, Key: 'incoming/boto.csv', Body: 'a,b\n1,2\n' }),
      call('put_object', { Bucket, Key: 'reports/boto.json', Body: '{}' }, { request_checksum_calculation: 'when_required' }),
      call('create_multipart_upload', { Bucket, Key: 'reports/boto-multi.json' }),
      call('upload_part', { Bucket, Key: 'reports/boto-multi.json', UploadId, PartNumber: 1, Body: 'x'.repeat(100) }),
      call('get_object', { Bucket, Key: 'incoming/boto.csv' }),
      call('get_object', { Bucket, Key: 'incoming/boto.csv', VersionId: from(0, 'VersionId') }),
      call('head_object', { Bucket, Key: 'incoming/boto.csv' }),
      call('list_objects_v2', { Bucket, Prefix: 'reports/boto' }),
      call('complete_multipart_upload', { Bucket, Key: 'reports/boto-multi.json', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: from(3, 'ETag') }] } }),
      call('abort_multipart_upload', { Bucket, Key: 'reports/boto-multi.json', UploadId: 'gone' }),
    ]);
    for (const answer of [put, putRequired, created, part]) assert.ok(answer.ok, JSON.stringify(answer));
    assert.equal(put.out.VersionId, s3.versionOf('incoming/boto.csv'));
    assert.equal(got.out.Body, 'a,b\n1,2\n');
    assert.equal(byVersion.out.Body, 'a,b\n1,2\n');
    assert.equal(head.out.ContentLength, 8);
    assert.equal(head.out.VersionId, put.out.VersionId);
    assert.deepEqual(listed.out.Contents.map((c) => c.Key), ['reports/boto.json']);
    assert.ok(done.ok, JSON.stringify(done));
    assert.equal((await s3.get('reports/boto-multi.json')).toString(), 'x'.repeat(100));
    assert.ok(aborted.ok, JSON.stringify(aborted));
    const [record] = JSON.parse(sqs.messages(queueArn).find((m) => m.body.includes('incoming/boto.csv')).body).Records;
    assert.equal(record.s3.object.size, 8);
    const role = (action) => calls.filter({ action, principal: runEtlRole }).length;
    assert.ok(role('s3:GetObjectVersion') >= 1 && role('s3:ListBucket') >= 1 && role('s3:AbortMultipartUpload') >= 1);
  });

  test('a notification straight to a function invokes it asynchronously as s3.amazonaws.com', async () => {
    const functionArn = `arn:aws:lambda:${region}:${account}:function:txetl-dev-start-workflow`;
    const invoked = [];
    const lambda = { invoke: async (...args) => { invoked.push(args); return { statusCode: 202, headers: {}, body: Buffer.alloc(0) }; } };
    const direct = { ...deployment, bucket: { ...deployment.bucket, notifications: [{ functionArn, events: ['s3:ObjectCreated:*'], prefix: 'incoming/', suffix: '.csv' }] } };
    const other = await start({ calls: new CallLog(), credentials, region, account, deployment: direct, lambda: () => lambda });
    try {
      assert.equal(other.notifications.length, 0, 'no s3:TestEvent to a function');
      await other.put('incoming/direct.csv', 'x');
      const [[principal, arn, payload, options]] = invoked;
      assert.deepEqual(principal, { type: 'service', service: 's3.amazonaws.com' });
      assert.equal(arn, functionArn);
      assert.equal(JSON.parse(payload).Records[0].s3.object.key, 'incoming/direct.csv');
      assert.deepEqual(options, { type: 'Event', context: { 'aws:SourceArn': deployment.bucket.arn, 'aws:SourceAccount': account } });
    } finally {
      await other.stop();
    }
  });
});
