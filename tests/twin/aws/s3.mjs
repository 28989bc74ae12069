// S3 of the twin: s3rver on loopback behind a proxy that does what S3 itself does around storage. It
// verifies each request's SigV4 signature (the functions use AWSSDK.S3, path-style on loopback, unchunked
// payloads), records the IAM action S3 authorizes (GetObject vs GetObjectVersion, HeadObject as GetObject,
// UploadPart and CompleteMultipartUpload as PutObject, ...) on the object or bucket ARN, plus the KMS call
// S3 makes for the caller on an SSE-KMS bucket (kms:Decrypt to read, kms:GenerateDataKey to write, with
// kms:ViaService), forwards to s3rver, and sends the planned event notifications to the SQS server
// in-process as s3.amazonaws.com. s3rver keeps no versions: the proxy gives each new object a version id
// (the bucket is versioned) and serves the latest version under it; an older version id is NoSuchVersion.

import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { authenticate, baseContext, kmsCall, listen, recordAndAuthorize } from './common.mjs';
import { notificationRecord, s3Action, testEvent, matchesFilter } from './s3-events.mjs';

const require = createRequire(new URL('../../../tools/node/package.json', import.meta.url));
const s3Service = { type: 'service', service: 's3.amazonaws.com' };
// What S3 answers instead of the names other services use for the same failures.
const s3ErrorCodes = { InvalidClientTokenId: 'InvalidAccessKeyId', MissingAuthenticationToken: 'AccessDenied' };

function xmlError(status, code, message, resource = '') {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>`
    + `<Resource>${escapeXml(resource)}</Resource><RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`;
  return { status, headers: { 'Content-Type': 'application/xml' }, body: Buffer.from(body) };
}

function escapeXml(text) {
  return String(text).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Forwards a request to s3rver; resolves { status, headers, body }. */
function forward(target, { method, path, headers, body }) {
  return new Promise((resolve, reject) => {
    const drop = new Set(['authorization', 'x-amz-security-token', 'host', 'connection', 'expect']);
    const sent = Object.fromEntries(Object.entries(headers).filter(([n]) => !drop.has(n.toLowerCase())));
    if (body?.length) sent['content-length'] = String(body.length);
    const req = request({ host: '127.0.0.1', port: target.port, method, path, headers: sent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: { ...res.headers }, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `/bucket/key?query` -> { bucket, key (decoded, '' for the bucket), query: URLSearchParams }. */
export function parseTarget(url) {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const [, bucket = '', ...rest] = path.split('/');
  return { bucket: decodeURIComponent(bucket), key: decodeURIComponent(rest.join('/')), query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
}

/**
 * A streaming-signed upload (x-amz-content-sha256: STREAMING-...; content-encoding aws-chunked) arrives
 * as `<hex size>;chunk-signature=...\r\n<data>\r\n` chunks (and optional trailers); S3 stores the data.
 * The seed signature was verified; the per-chunk signatures are not (the functions do not stream-sign).
 */
export function decodeAwsChunked(headers, body) {
  if (!String(headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-')) return { headers, body };
  const parts = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString('latin1').split(';')[0], 16);
    if (!size) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  const decoded = Buffer.concat(parts);
  const rest = { ...headers, 'content-length': String(decoded.length) };
  for (const name of ['x-amz-decoded-content-length', 'x-amz-trailer']) delete rest[name];
  const encoding = String(headers['content-encoding'] ?? '').split(',').map((e) => e.trim()).filter((e) => e && e !== 'aws-chunked');
  if (encoding.length) rest['content-encoding'] = encoding.join(',');
  else delete rest['content-encoding'];
  return { headers: rest, body: decoded };
}

/**
 * S3's own condition keys of a request, as the planned bucket policy tests them (DenyOtherEncryption and
 * DenyOtherKmsKey look at the encryption headers a writer sends; a header not sent is a key not present).
 */
export function s3Context(headers, query) {
  const context = { 's3:signatureversion': 'AWS4-HMAC-SHA256', 's3:authType': 'REST-HEADER' };
  const fromHeaders = ['x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id', 'x-amz-acl', 'x-amz-content-sha256', 'x-amz-copy-source'];
  for (const name of fromHeaders) if (headers[name] !== undefined) context[`s3:${name}`] = String(headers[name]);
  for (const [name, param] of [['prefix', 'prefix'], ['delimiter', 'delimiter'], ['max-keys', 'max-keys'], ['VersionId', 'versionId']]) {
    if (query.has(param)) context[`s3:${name}`] = query.get(param);
  }
  return context;
}

const encodeKey = (key) => key.split('/').map(encodeURIComponent).join('/');

/**
 * opts: { calls, credentials, region, account, deployment (bucket, its kmsKeyArn and notifications; kmsKeys
 * for the key's aliases), sqs (the SQS server, for queue notifications), lambda: () => the Lambda twin (for
 * function notifications, the pre-SQS deployment), kmsAliases (the bucket key's aliases, else from
 * deployment.kmsKeys), authorize?, now? }.
 * -> { url, port, stop(), bucket, put(key, body), get(key), keys(prefix), versionOf(key), notifications
 *      (sent messages), s3rverUrl, syntheticVersionIds: true, failOnce(fault) }
 */
export async function start(opts) {
  const { region, account, deployment, sqs } = opts;
  const bucket = deployment.bucket;
  const directory = mkdtempSync(join(tmpdir(), 'twin-s3-'));
  const S3rver = require('s3rver');
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket.name, configs: [] }] });
  const target = await s3rver.run();
  const versions = new Map(); // key -> latest version id
  const notifications = [];
  const sourceContext = { 'aws:SourceArn': bucket.arn, 'aws:SourceAccount': account };
  let sequence = 0n;
  const faults = []; // failOnce() switches not yet hit

  /** The first fault this request trips (removed: each fails one request), or undefined. */
  function takeFault(method, key, query) {
    const operation = method === 'PUT' && query.has('uploadId') ? 'UploadPart'
      : method === 'POST' && query.has('uploadId') ? 'CompleteMultipartUpload'
        : method === 'PUT' ? 'PutObject' : null;
    const i = faults.findIndex((f) => f.operation === operation && f.keyPattern.test(key));
    if (i < 0) return undefined;
    const [fault] = faults.splice(i, 1);
    fault.hit({ operation, key, uploadId: query.get('uploadId'), partNumber: query.get('partNumber') });
    return fault;
  }

  /** Records S3's authorization of one request, with the KMS call S3 makes for it; -> denial or null. */
  async function authorize(principal, op, objectArn, key, { headers, query }) {
    const context = { ...baseContext(opts, principal), ...s3Context(headers, query) };
    const checks = [{ service: 's3', action: op.action, resource: key ? objectArn : bucket.arn, principal, context }];
    if (op.source) checks.push({ service: 's3', action: 's3:GetObject', resource: `arn:aws:s3:::${op.source}`, principal, context });
    // A writer may name another encryption (the bucket policy refuses that; S3 would not call KMS) or key.
    const sse = headers['x-amz-server-side-encryption'];
    const usesKms = op.kms === 'Decrypt' || sse === undefined || String(sse).startsWith('aws:kms');
    const keyArn = (op.kms !== 'Decrypt' && headers['x-amz-server-side-encryption-aws-kms-key-id']) || bucket.kmsKeyArn;
    if (keyArn && op.kms && key && usesKms) {
      const aliases = keyArn === bucket.kmsKeyArn ? opts.kmsAliases ?? deployment.kmsKeys?.[keyArn]?.aliases ?? [] : [];
      checks.push(kmsCall(opts, { principal, action: `kms:${op.kms}`, keyArn, aliases, via: 's3', encryptionContext: { 'aws:s3:arn': objectArn } }));
    }
    for (const call of checks) {
      const denied = await recordAndAuthorize(opts, call);
      if (denied) return denied;
    }
    return null;
  }

  async function notify(key, eventName, principalId) {
    const matching = (bucket.notifications ?? []).filter((n) => matchesFilter(n, key, eventName));
    if (matching.length === 0) return;
    const head = await forward(target, { method: 'HEAD', path: `/${bucket.name}/${encodeKey(key)}`, headers: {} });
    sequence += 1n;
    const object = {
      key,
      size: Number(head.headers['content-length'] ?? 0),
      eTag: String(head.headers.etag ?? '').replaceAll('"', ''),
      versionId: versions.get(key),
      sequencer: (BigInt(Date.now()) * 1000n + sequence).toString(16).toUpperCase().padStart(18, '0'),
    };
    for (const notification of matching) {
      const message = notificationRecord({ bucket, region, eventName, object, principalId, configurationId: notification.id });
      notifications.push({ queueArn: notification.queueArn, functionArn: notification.functionArn, message });
      if (notification.functionArn) {
        await invokeFunction(notification.functionArn, message);
        continue;
      }
      if (!sqs) throw new Error(`notification to ${notification.queueArn} needs the SQS server (opts.sqs)`);
      await sqs.send(s3Service, sourceContext, notification.queueArn, JSON.stringify(message));
    }
  }

  /**
   * A notification straight to a function (the deployment before the SQS buffer): S3 invokes it
   * asynchronously as s3.amazonaws.com, which the function's resource policy must allow.
   */
  async function invokeFunction(functionArn, message) {
    const lambda = opts.lambda?.();
    if (!lambda) throw new Error(`notification to ${functionArn} needs the Lambda twin (opts.lambda)`);
    const answer = await lambda.invoke(s3Service, functionArn, JSON.stringify(message), { type: 'Event', context: sourceContext });
    if (answer.statusCode >= 300) throw new Error(`S3 -> ${functionArn}: Invoke answered ${answer.statusCode} ${answer.body}`);
  }

  /** S3's part after authentication; principal null means the uploader outside the deployment (put()). */
  async function handle({ method, url, headers, body }, principal, principalId) {
    const { bucket: name, key, query } = parseTarget(url);
    if (name !== bucket.name) return xmlError(404, 'NoSuchBucket', 'The specified bucket does not exist', `/${name}`);
    const objectArn = `${bucket.arn}/${key}`;
    const op = s3Action({ method, key, query, headers });
    const denied = principal && await authorize(principal, op, objectArn, key, { headers, query });
    if (denied) return xmlError(403, 'AccessDenied', denied, `/${name}/${key}`);
    // After authorization, as S3 fails a request it already authorized (and recorded).
    const fault = principal && takeFault(method, key, query);
    if (fault) return xmlError(fault.status, fault.code, fault.message, `/${name}/${key}`);
    if (op.abort) return { status: 204, headers: {}, body: Buffer.alloc(0) }; // s3rver has no AbortMultipartUpload
    let path = url;
    const versionId = query.get('versionId');
    if (versionId && key) {
      if (versions.get(key) !== versionId) return xmlError(404, 'NoSuchVersion', 'The specified version does not exist.', `/${name}/${key}`);
      query.delete('versionId');
      const rest = query.toString();
      path = url.split('?')[0] + (rest ? `?${rest}` : '');
    }
    const response = await forward(target, { method, path, headers, body });
    if (response.status >= 300) return response;
    if (op.created) versions.set(key, `${Date.now().toString(36)}.${randomBytes(12).toString('base64url')}`);
    if (key && versions.has(key) && (op.created || ['GET', 'HEAD'].includes(method))) response.headers['x-amz-version-id'] = versions.get(key);
    if (bucket.kmsKeyArn && key) {
      response.headers['x-amz-server-side-encryption'] = 'aws:kms';
      response.headers['x-amz-server-side-encryption-aws-kms-key-id'] = bucket.kmsKeyArn;
    }
    if (op.created) await notify(key, op.created, principalId);
    return response;
  }

  const http = await listen(async (req, res) => {
    const send = ({ status, headers, body }) => {
      // Hop-by-hop headers of the s3rver leg are not the client's.
      for (const name of ['transfer-encoding', 'connection', 'keep-alive']) delete headers[name];
      // A HEAD answer keeps the object's Content-Length; everything else is sent whole.
      if (req.method !== 'HEAD') headers['content-length'] = String(body.length);
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const who = await authenticate(req, opts, 's3');
    if (who.error) return send(xmlError(who.error.status ?? 403, s3ErrorCodes[who.error.code] ?? who.error.code, who.error.message, req.url));
    const accessKeyId = /Credential=(\w+)\//.exec(req.headers.authorization)?.[1] ?? '';
    const principalId = `AWS:AROA${accessKeyId.slice(4, 20)}:${who.roleArn.split('/').pop()}`;
    const { headers, body } = decodeAwsChunked(req.headers, who.body);
    send(await handle({ method: req.method, url: req.url, headers, body }, who.principal, principalId));
  });
  const url = http.url;

  // S3 checks a new notification configuration by sending s3:TestEvent to each destination.
  if (sqs) {
    // (S3 sends it to queues and topics; a function destination gets none.)
    for (const queueArn of new Set((bucket.notifications ?? []).map((n) => n.queueArn).filter(Boolean))) {
      const message = testEvent(bucket.name);
      notifications.push({ queueArn, message });
      await sqs.send(s3Service, sourceContext, queueArn, JSON.stringify(message));
    }
  }

  return {
    url,
    port: http.port,
    s3rverUrl: `http://127.0.0.1:${target.port}`,
    bucket: bucket.name,
    notifications,
    /** Version ids are the proxy's, not s3rver's (s3rver keeps none); scenarios may say so. */
    syntheticVersionIds: true,
    /** Uploads as someone outside the deployment (not recorded); -> { key, versionId, eTag, size }. */
    async put(key, body, { contentType = 'text/csv' } = {}) {
      const data = Buffer.from(body);
      const response = await handle({ method: 'PUT', url: `/${bucket.name}/${encodeKey(key)}`, headers: { 'content-type': contentType }, body: data },
        null, 'AWS:AIDAUPLOADEREXAMPLE');
      if (response.status >= 300) throw new Error(`put ${key}: ${response.status} ${response.body}`);
      return { key, versionId: response.headers['x-amz-version-id'], eTag: String(response.headers.etag).replaceAll('"', ''), size: data.length };
    },
    /** An object's bytes (unrecorded; for assertions), or null. */
    async get(key) {
      const response = await forward(target, { method: 'GET', path: `/${bucket.name}/${encodeKey(key)}`, headers: {} });
      return response.status === 200 ? response.body : null;
    },
    /** The keys under a prefix (unrecorded; for assertions). */
    async keys(prefix = '') {
      const response = await forward(target, { method: 'GET', path: `/${bucket.name}?prefix=${encodeURIComponent(prefix)}`, headers: {} });
      return [...response.body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => unescapeXml(m[1]));
    },
    versionOf: (key) => versions.get(key),
    /**
     * Fails the next request of a role for `operation` ('UploadPart', 'CompleteMultipartUpload' or
     * 'PutObject') on a key matching `keyPattern` with S3's error `code` and `status` (default 403
     * AccessDenied, which the SDK does not retry). -> a promise of { operation, key, uploadId, partNumber }
     * once a request hit it.
     */
    failOnce({ operation, keyPattern, status = 403, code = 'AccessDenied', message = 'Access Denied (twin fault)' }) {
      return new Promise((hit) => faults.push({ operation, keyPattern, status, code, message, hit }));
    },
    async stop() {
      await http.stop();
      await s3rver.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function unescapeXml(text) {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+);/g, (_, e) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e] ?? String.fromCharCode(Number(e.slice(1)))));
}
