// What the loopback AWS servers share: listening on 127.0.0.1, reading and verifying a role's signed
// request, the condition keys every call carries, implied KMS calls, and an optional inline IAM decision.
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import { readBody, verifyIncoming, SignatureError } from './sigv4.mjs';
import { rolePrincipal } from './calls.mjs';

/** Listens on 127.0.0.1, port 0. `tls` = { key, cert } (PEM) makes it HTTPS. -> { server, port, url, stop } */
export async function listen(handler, { tls } = {}) {
  const wrapped = (req, res) => {
    Promise.resolve(handler(req, res)).catch((error) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'InternalFailure', message: String(error?.stack ?? error) }));
      } else {
        res.destroy(error);
      }
    });
  };
  const server = tls ? createTlsServer(tls, wrapped) : createServer(wrapped);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const stop = () => new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
  return { server, port, url, stop };
}

export const requestId = () => randomUUID();

export function sendJson(res, status, value, headers = {}) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'x-amzn-requestid': requestId(), 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * Reads the body and verifies the SigV4 signature against the twin's credentials, for this server's
 * service and region. -> { body (Buffer), principal, roleArn } or { error: SignatureError }.
 */
export async function authenticate(req, opts, service) {
  const body = await readBody(req);
  try {
    const who = verifyIncoming(req, body, opts.credentials, { service, region: opts.region, now: opts.now?.() });
    return { body, principal: rolePrincipal(who.roleArn), roleArn: who.roleArn };
  } catch (error) {
    if (error instanceof SignatureError) return { body, error };
    throw error;
  }
}

/**
 * Condition keys every call carries. aws:SecureTransport is 'true': the twin's loopback hop is plain
 * HTTP, but the deployment's calls to AWS endpoints are always TLS, and that is what the policies judge.
 */
export function baseContext(opts, principal) {
  const context = { 'aws:SecureTransport': 'true', 'aws:RequestedRegion': opts.region };
  if (principal?.type === 'role') {
    context['aws:PrincipalArn'] = principal.arn;
    context['aws:PrincipalAccount'] = principal.arn.split(':')[4];
  }
  return context;
}

/**
 * Records a call and asks the optional inline IAM decision (`opts.authorize(call)`, may be async; false or
 * { allowed: false, reason } denies). -> null when allowed, else the denial message. The call is recorded
 * either way: the stage's IAM check judges every attempt.
 */
export async function recordAndAuthorize(opts, call) {
  const entry = opts.calls.record(call);
  if (!opts.authorize) return null;
  const decision = await opts.authorize(entry);
  if (decision === false || (decision && decision.allowed === false)) {
    const who = entry.principal.type === 'role' ? entry.principal.arn : entry.principal.service;
    return decision.reason ?? `User: ${who} is not authorized to perform: ${entry.action} on resource: ${entry.resource}`;
  }
  return null;
}

/**
 * The KMS call a service makes with the caller's identity when it encrypts or decrypts for it (Secrets
 * Manager, SNS). Recorded as the caller's, with kms:ViaService naming the service, as CloudTrail shows.
 */
export function kmsCall(opts, { principal, action, keyArn, aliases = [], via, encryptionContext = {} }) {
  const context = {
    ...baseContext(opts, principal),
    'kms:ViaService': `${via}.${opts.region}.amazonaws.com`,
    'kms:ResourceAliases': [...aliases],
  };
  if (principal.type === 'role') context['kms:CallerAccount'] = principal.arn.split(':')[4];
  for (const [k, v] of Object.entries(encryptionContext)) context[`kms:EncryptionContext:${k}`] = v;
  return { service: 'kms', action, resource: keyArn, principal, context };
}

/** Resolves after `ms` (scaled by the twin's clock where it passes one). */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
