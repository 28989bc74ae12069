// sigv4.mjs on AWS's published SigV4 test suite, the same vectors the C# signer is tested on
// (tests/TransactionEtl.Aws.Tests/Data/sigv4; see its README for the suite's two inconsistent cases).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { computeSignature, sha256Hex, sign, verify, SignatureError } from './sigv4.mjs';
import { Credentials } from './credentials.mjs';

const DIR = fileURLToPath(new URL('../../TransactionEtl.Aws.Tests/Data/sigv4/', import.meta.url));
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const TOKEN = readFileSync(DIR + 'sts-token.txt', 'utf8');
const NOW = new Date(Date.UTC(2015, 7, 30, 12, 36, 0));
const SCOPE = { amzDate: '20150830T123600Z', region: 'us-east-1', service: 'service' };
const names = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const read = (name, ext) => readFileSync(`${DIR}${name}/${name}.${ext}`, 'utf8');
// The two form-urlencoded cases whose .sts/.authz do not follow from their own .creq (README).
const inconsistent = (name) => name.startsWith('post-x-www-form-urlencoded');

/** The suite's raw request: request line, "Name:value" lines (continuations folded), blank line, body. */
function parseReq(text) {
  const lines = text.split('\n');
  const [method, ...rest] = lines[0].split(' ');
  const target = rest.slice(0, -1).join(' ');
  const q = target.indexOf('?');
  const headers = [];
  let i = 1;
  for (; i < lines.length && lines[i].length > 0; i++) {
    const colon = lines[i].indexOf(':');
    if (colon < 0) headers[headers.length - 1][1] += ',' + lines[i].trim();
    else headers.push([lines[i].slice(0, colon), lines[i].slice(colon + 1)]);
  }
  const body = i < lines.length ? lines.slice(i + 1).join('\n') : '';
  return { method, path: q < 0 ? target : target.slice(0, q), query: q < 0 ? '' : target.slice(q + 1), headers, body };
}

function suiteCredentials() {
  const credentials = new Credentials();
  credentials.add('arn:aws:iam::123456789012:role/suite', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET });
  return credentials;
}

test('the suite is all there', () => {
  assert.ok(names.length >= 28, `only ${names.length} vectors`);
  for (const required of ['get-vanilla', 'post-vanilla', 'get-vanilla-utf8-query', 'post-sts-header-before', 'get-relative-relative', 'post-x-www-form-urlencoded']) {
    assert.ok(names.includes(required), required);
  }
});

for (const name of names) {
  test(`${name}: canonical request, string to sign and authorization`, () => {
    const req = parseReq(read(name, 'req'));
    const computed = computeSignature({ ...req, payloadHash: sha256Hex(req.body) }, SECRET, SCOPE);
    assert.equal(computed.canonicalRequest, read(name, 'creq'));
    if (inconsistent(name)) {
      const variant = req.headers.filter(([n]) => n.toLowerCase() !== 'content-length').map(([n, v]) => [n, v.replace('charset=utf-8', 'charset=utf8')]);
      const signed = computeSignature({ ...req, headers: variant, payloadHash: sha256Hex(req.body) }, SECRET, SCOPE);
      assert.equal(signed.stringToSign, read(name, 'sts'));
      assert.ok(read(name, 'authz').endsWith(`, Signature=${signed.signature}`));
      return;
    }
    assert.equal(computed.stringToSign, read(name, 'sts'));
    const authz = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${computed.scope}, SignedHeaders=${computed.signedHeaders}, Signature=${computed.signature}`;
    assert.equal(authz, read(name, 'authz'));
  });

  if (!inconsistent(name)) {
    test(`${name}: the published signed request verifies`, () => {
      const credentials = suiteCredentials();
      if (name.startsWith('post-sts-')) {
        credentials.add('arn:aws:iam::123456789012:role/suite', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN });
      }
      const req = parseReq(read(name, 'sreq'));
      const result = verify(req, credentials, { now: NOW });
      assert.deepEqual(result, { roleArn: 'arn:aws:iam::123456789012:role/suite', accessKeyId: 'AKIDEXAMPLE', service: 'service', region: 'us-east-1' });
    });
  }
}

test('sign() gives the published Authorization (get-vanilla-query-order-key-case, post-sts-header-before)', () => {
  const plain = sign({ method: 'GET', url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1' },
    { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }, 'service', 'us-east-1', { now: NOW });
  assert.equal(plain.authorization, read('get-vanilla-query-order-key-case', 'authz'));
  assert.equal(plain['x-amz-date'], '20150830T123600Z');
  assert.equal(plain['x-amz-security-token'], undefined);
  const sts = sign({ method: 'POST', url: 'https://example.amazonaws.com/' },
    { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN }, 'service', 'us-east-1', { now: NOW });
  assert.equal(sts.authorization, read('post-sts-header-before', 'authz'));
  assert.equal(sts['x-amz-security-token'], TOKEN);
});

function signedRequest(credentials, overrides = {}) {
  const body = JSON.stringify({ SecretId: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-AbCdEf' });
  const url = 'http://127.0.0.1:4000/';
  const headers = sign({ method: 'POST', url, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' }, body },
    credentials, 'secretsmanager', 'eu-central-1');
  return { method: 'POST', path: '/', query: '', headers, body, ...overrides };
}

test('a role-signed request round-trips, and every tampering is refused', () => {
  const credentials = new Credentials();
  const role = 'arn:aws:iam::123456789012:role/txetl-dev-run-etl';
  const keys = credentials.issue(role);
  const ok = signedRequest(keys);
  assert.equal(verify(ok, credentials, { service: 'secretsmanager' }).roleArn, role);

  const refused = (req, code, options = {}) => assert.throws(() => verify(req, credentials, options),
    (e) => e instanceof SignatureError && e.code === code, code);
  refused({ ...ok, body: ok.body.replace('db-AbCdEf', 'master-XyZ123') }, 'SignatureDoesNotMatch');
  refused({ ...ok, headers: { ...ok.headers, 'x-amz-target': 'secretsmanager.ListSecrets' } }, 'SignatureDoesNotMatch');
  refused({ ...ok, path: '/other' }, 'SignatureDoesNotMatch');
  refused({ ...ok, headers: { ...ok.headers, 'x-amz-security-token': 'stolen' } }, 'InvalidClientTokenId');
  refused(signedRequest({ ...keys, sessionToken: undefined }), 'InvalidClientTokenId');
  refused(signedRequest({ ...keys, secretAccessKey: 'wrong' }), 'SignatureDoesNotMatch');
  refused(signedRequest({ ...keys, accessKeyId: 'ASIAUNKNOWNUNKNOWN12' }), 'InvalidClientTokenId');
  refused({ ...ok, headers: { ...ok.headers, authorization: undefined } }, 'MissingAuthenticationToken');
  refused(ok, 'SignatureDoesNotMatch', { service: 'sqs' });
  refused(ok, 'RequestTimeTooSkewed', { now: new Date(Date.now() + 16 * 60 * 1000) });
  assert.equal(verify(ok, credentials, { now: new Date(Date.now() + 14 * 60 * 1000) }).roleArn, role);
});

test('S3 style: x-amz-content-sha256 is what is signed, UNSIGNED-PAYLOAD accepted, a wrong hash refused', () => {
  const credentials = new Credentials();
  const keys = credentials.issue('arn:aws:iam::123456789012:role/txetl-dev-run-etl');
  const url = 'http://127.0.0.1:4001/bucket/incoming/a%20b.csv';
  const body = 'id,amount\n1,2\n';
  const headers = sign({ method: 'PUT', url, body }, keys, 's3', 'eu-central-1');
  const req = { method: 'PUT', path: '/bucket/incoming/a%20b.csv', query: '', headers, body };
  assert.equal(verify(req, credentials).service, 's3');
  assert.throws(() => verify({ ...req, body: body + 'x' }, credentials), (e) => e.code === 'XAmzContentSHA256Mismatch');
  const unsigned = sign({ method: 'PUT', url, body }, keys, 's3', 'eu-central-1', { unsignedPayload: true });
  assert.equal(verify({ ...req, headers: unsigned, body: 'anything' }, credentials).service, 's3');
});

test('verify takes the query as a string, pairs or within the path', () => {
  const credentials = suiteCredentials();
  const req = parseReq(read('get-vanilla-query-order-key-case', 'sreq'));
  assert.equal(verify({ ...req, query: new URLSearchParams(req.query) }, credentials, { now: NOW }).accessKeyId, 'AKIDEXAMPLE');
  assert.equal(verify({ ...req, query: { Param1: 'value1', Param2: 'value2' } }, credentials, { now: NOW }).accessKeyId, 'AKIDEXAMPLE');
  assert.equal(verify({ ...req, path: `${req.path}?${req.query}`, query: undefined }, credentials, { now: NOW }).accessKeyId, 'AKIDEXAMPLE');
  assert.throws(() => verify({ ...req, query: { Param1: 'value1' } }, credentials, { now: NOW }), (e) => e.code === 'SignatureDoesNotMatch');
});
