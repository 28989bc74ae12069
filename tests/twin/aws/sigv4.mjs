// AWS Signature Version 4, header form (AWS4-HMAC-SHA256): the twin's servers verify every request a role
// makes with it, and tests sign with it. Same canonicalization as src/TransactionEtl.Aws/Signing/SigV4Signer.cs
// and checked on the same published test-suite vectors (tests/TransactionEtl.Aws.Tests/Data/sigv4), so a
// request the functions sign and the twin refuses is a real defect, not a twin quirk.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** AWS refuses a request whose X-Amz-Date is more than 15 minutes off the server's clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * A request AWS would refuse for its authentication. `code` is the query-protocol name (SNS, STS);
 * `jsonCode` the name JSON-protocol services (Secrets Manager, SQS JSON) answer with.
 */
export class SignatureError extends Error {
  constructor(code, message, status = 403) {
    super(message);
    this.name = 'SignatureError';
    this.code = code;
    this.status = status;
  }

  get jsonCode() {
    const names = { SignatureDoesNotMatch: 'InvalidSignatureException', InvalidClientTokenId: 'UnrecognizedClientException', RequestTimeTooSkewed: 'InvalidSignatureException' };
    return names[this.code] ?? this.code;
  }

  /** The code query-protocol services (SNS) answer with; only S3 says RequestTimeTooSkewed. */
  get queryCode() {
    return this.code === 'RequestTimeTooSkewed' ? 'SignatureDoesNotMatch' : this.code;
  }
}

export const sha256Hex = (data) => createHash('sha256').update(data ?? '').digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 as SigV4 wants it: only A-Z a-z 0-9 - . _ ~ stay, UTF-8 bytes become upper-case %XX. */
export function uriEncode(value) {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function safeDecode(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Non-S3 services normalize the path (dot segments resolved, empty segments dropped) and encode each
 * segment once more (%20 -> %2520). S3 does neither: its key is encoded exactly once.
 */
export function canonicalPath(path, service) {
  const raw = (path || '/').split('/');
  if (service === 's3') {
    return raw.map((segment) => uriEncode(safeDecode(segment))).join('/') || '/';
  }
  const segments = [];
  for (const segment of raw) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(uriEncode(segment));
  }
  const last = raw[raw.length - 1];
  const trailing = segments.length > 0 && (last === '' || last === '.' || last === '..');
  return '/' + segments.join('/') + (trailing ? '/' : '');
}

/** `query`: the raw query string (with or without '?'), or already decoded pairs (URLSearchParams, object). */
export function canonicalQuery(query) {
  let pairs;
  if (query === undefined || query === null || typeof query === 'string') {
    const text = (query ?? '').replace(/^\?/, '');
    pairs = text.split('&').filter(Boolean).map((part) => {
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? '' : part.slice(eq + 1);
      return [uriEncode(safeDecode(key)), uriEncode(safeDecode(value))];
    });
  } else {
    pairs = [...(query instanceof URLSearchParams ? query : Object.entries(query))].map(([k, v]) => [uriEncode(k), uriEncode(String(v))]);
  }
  if (pairs.length === 0) return '';
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  pairs.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * Headers as [name, value] pairs, from any of: an array of pairs, Node's flat `rawHeaders` array, or an
 * object ({name: value | value[]}). Pairs keep duplicates apart, which canonicalization needs.
 */
export function headerPairs(headers) {
  if (Array.isArray(headers)) {
    if (headers.length === 0 || Array.isArray(headers[0])) return headers.map(([n, v]) => [n, String(v)]);
    const pairs = [];
    for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([headers[i], String(headers[i + 1])]);
    return pairs;
  }
  return Object.entries(headers ?? {}).filter(([, v]) => v !== undefined && v !== null)
    .flatMap(([n, v]) => (Array.isArray(v) ? v.map((x) => [n, String(x)]) : [[n, String(v)]]));
}

export function headerValue(headers, name) {
  const wanted = name.toLowerCase();
  const values = headerPairs(headers).filter(([n]) => n.trim().toLowerCase() === wanted).map(([, v]) => v.trim());
  return values.length ? values.join(',') : undefined;
}

const collapse = (value) => value.trim().replace(/[ \t\r\n]+/g, ' ');

function canonicalHeaders(pairs, only) {
  const byName = new Map();
  for (const [name, value] of pairs) {
    const key = name.trim().toLowerCase();
    if (only && !only.includes(key)) continue;
    if (!byName.has(key)) byName.set(key, []);
    byName.get(key).push(collapse(value));
  }
  const names = [...byName.keys()].sort();
  return { canonical: names.map((n) => `${n}:${byName.get(n).join(',')}\n`).join(''), signed: names.join(';') };
}

export function signingKey(secretAccessKey, date, region, service) {
  let key = hmac('AWS4' + secretAccessKey, date);
  key = hmac(key, region);
  key = hmac(key, service);
  return hmac(key, 'aws4_request');
}

/**
 * The four steps of SigV4 on one request. `headers` are signed whole unless `signedHeaders` (lower-case
 * names) narrows them, as a verifier must to the client's list.
 */
export function computeSignature({ method, path, query, headers, payloadHash, signedHeaders }, secretAccessKey, { amzDate, region, service }) {
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const { canonical, signed } = canonicalHeaders(headerPairs(headers), signedHeaders);
  const canonicalRequest = [method.toUpperCase(), canonicalPath(path, service), canonicalQuery(query), canonical, signed, payloadHash].join('\n');
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(secretAccessKey, date, region, service)).update(stringToSign, 'utf8').digest('hex');
  return { canonicalRequest, stringToSign, signedHeaders: signed, signature, scope };
}

export const amzDateOf = (now = new Date()) => now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function parseAmzDate(value) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  return m ? Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

/** Parses "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/service/aws4_request, SignedHeaders=a;b, Signature=hex". */
export function parseAuthorization(value) {
  if (!value) throw new SignatureError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  if (!value.startsWith(ALGORITHM + ' ')) throw new SignatureError('IncompleteSignature', `Unsupported authorization: ${value.split(' ')[0]}`, 400);
  const fields = Object.fromEntries(value.slice(ALGORITHM.length + 1).split(',').map((part) => {
    const eq = part.indexOf('=');
    return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
  }));
  const credential = (fields.Credential ?? '').split('/');
  if (credential.length !== 5 || credential[4] !== 'aws4_request' || !fields.SignedHeaders || !/^[0-9a-f]{64}$/.test(fields.Signature ?? '')) {
    throw new SignatureError('IncompleteSignature', `Authorization header is malformed: ${value}`, 400);
  }
  const [accessKeyId, date, region, service] = credential;
  return { accessKeyId, date, region, service, signedHeaders: fields.SignedHeaders.split(';'), signature: fields.Signature };
}

/**
 * Verifies a received request the way AWS does. `credentials` has `lookup(accessKeyId)` ->
 * { roleArn, secretAccessKey, sessionToken? }. Options: `now` (Date), `maxSkewMs`, `service`/`region` (what
 * this endpoint serves; a scope for another is refused). Returns { roleArn, accessKeyId, service, region }.
 */
export function verify({ method, path: rawPath, query: rawQuery, headers, body }, credentials, options = {}) {
  // A path that still carries its query (req.url) is split here rather than signed wrongly.
  const q = (rawQuery === undefined || rawQuery === '') && rawPath?.includes('?') ? rawPath.indexOf('?') : -1;
  const path = q < 0 ? rawPath : rawPath.slice(0, q);
  const query = q < 0 ? rawQuery : rawPath.slice(q + 1);
  const auth = parseAuthorization(headerValue(headers, 'authorization'));
  const amzDate = headerValue(headers, 'x-amz-date');
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt)) throw new SignatureError('IncompleteSignature', 'X-Amz-Date is missing or malformed', 400);
  if (!auth.signedHeaders.includes('host')) throw new SignatureError('SignatureDoesNotMatch', "'Host' must be a signed header", 403);
  if (!auth.signedHeaders.includes('x-amz-date')) throw new SignatureError('SignatureDoesNotMatch', "'X-Amz-Date' must be a signed header", 403);
  if (amzDate.slice(0, 8) !== auth.date) throw new SignatureError('SignatureDoesNotMatch', 'Credential scope date does not match X-Amz-Date', 403);
  if (options.service && auth.service !== options.service) throw new SignatureError('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${options.service}'`, 403);
  if (options.region && auth.region !== options.region) throw new SignatureError('SignatureDoesNotMatch', `Credential should be scoped to a valid region: '${options.region}'`, 403);
  const now = (options.now ?? new Date()).getTime();
  if (Math.abs(now - signedAt) > (options.maxSkewMs ?? MAX_SKEW_MS)) {
    throw new SignatureError('RequestTimeTooSkewed', `Signature not yet current or expired: ${amzDate} is more than 15 minutes from ${amzDateOf(new Date(now))}`, 403);
  }
  const known = credentials.lookup(auth.accessKeyId);
  if (!known) throw new SignatureError('InvalidClientTokenId', `The security token included in the request is invalid (unknown access key ${auth.accessKeyId})`, 403);
  if (known.sessionToken !== undefined && headerValue(headers, 'x-amz-security-token') !== known.sessionToken) {
    throw new SignatureError('InvalidClientTokenId', 'The security token included in the request is invalid (session token missing or wrong)', 403);
  }
  const declared = headerValue(headers, 'x-amz-content-sha256');
  if (declared && /^[0-9a-f]{64}$/.test(declared) && body !== undefined && sha256Hex(body) !== declared) {
    throw new SignatureError('XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed', 400);
  }
  // With x-amz-content-sha256 (S3; UNSIGNED-PAYLOAD, STREAMING-...) its value is what was signed.
  const payloadHash = declared ?? sha256Hex(body);
  const expected = computeSignature({ method, path, query, headers, payloadHash, signedHeaders: auth.signedHeaders }, known.secretAccessKey,
    { amzDate, region: auth.region, service: auth.service });
  const a = Buffer.from(expected.signature, 'hex');
  const b = Buffer.from(auth.signature, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    const error = new SignatureError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', 403);
    error.canonicalRequest = expected.canonicalRequest;
    throw error;
  }
  return { roleArn: known.roleArn, accessKeyId: auth.accessKeyId, service: auth.service, region: auth.region };
}

/**
 * Signs an outgoing request; returns the headers to send (the given ones plus host, x-amz-date,
 * x-amz-security-token, x-amz-content-sha256 for S3, authorization). Every header given is signed.
 * `options.now` fixes the time; `options.unsignedPayload` signs UNSIGNED-PAYLOAD (S3 only).
 */
export function sign({ method, url, headers = {}, body }, { accessKeyId, secretAccessKey, sessionToken }, service, region, options = {}) {
  const target = new URL(url);
  const drop = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'host']);
  const out = Object.fromEntries(headerPairs(headers).filter(([n]) => !drop.has(n.toLowerCase())));
  out.host = target.host;
  out['x-amz-date'] = amzDateOf(options.now);
  if (sessionToken) out['x-amz-security-token'] = sessionToken;
  let payloadHash = sha256Hex(body);
  if (service === 's3') {
    payloadHash = options.unsignedPayload ? UNSIGNED_PAYLOAD : payloadHash;
    out['x-amz-content-sha256'] = payloadHash;
  }
  const { signedHeaders, signature, scope } = computeSignature(
    { method, path: target.pathname, query: target.search, headers: out, payloadHash }, secretAccessKey,
    { amzDate: out['x-amz-date'], region, service });
  out.authorization = `${ALGORITHM} Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return out;
}

/** Reads a Node request body whole (the servers here take small JSON/form bodies). */
export async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** verify() on a Node IncomingMessage whose body was already read. */
export function verifyIncoming(req, body, credentials, options = {}) {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return verify({ method: req.method, path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1), headers: req.rawHeaders, body },
    credentials, options);
}

/**
 * Sends a signed request (tests, and twin parts calling a server as a role). -> { status, headers, body (string) }.
 * `options` as sign()'s, plus `ca` (PEM) for https.
 */
export function signedRequest(url, { method = 'POST', headers = {}, body = '' }, credentials, service, region, options = {}) {
  const signed = credentials ? sign({ method, url, headers, body }, credentials, service, region, options) : { ...headers };
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method, headers: { ...signed, 'content-length': Buffer.byteLength(body) }, ca: options.ca }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
