// Secrets Manager on loopback: GetSecretValue over AWS JSON 1.1, as the functions' SecretsManagerClient
// calls it (POST /, X-Amz-Target: secretsmanager.GetSecretValue, {"SecretId": <ARN or name>}).
// Records secretsmanager:GetSecretValue on the secret and the kms:Decrypt Secrets Manager makes with the
// caller's identity on the secret's key, so the IAM check sees both grants the caller needs.
import { randomBytes, randomUUID } from 'node:crypto';
import { authenticate, baseContext, kmsCall, listen, recordAndAuthorize, sendJson } from './common.mjs';

const JSON_11 = 'application/x-amz-json-1.1';
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** AWS appends 6 random characters to a secret's name in its ARN. */
function suffix() {
  return [...randomBytes(6)].map((b) => SUFFIX_CHARS[b % SUFFIX_CHARS.length]).join('');
}

function error(res, status, type, message) {
  sendJson(res, status, { __type: type, message, Message: message }, { 'content-type': JSON_11, 'x-amzn-errortype': type });
}

/**
 * opts: { calls, credentials, region, account, partition?, authorize?, now? }
 * -> { url, port, stop(), createSecret(spec), setValue(arn, value), secret(idOrArn), reads(arn), failNext(n, type) }
 */
export async function start(opts) {
  const partition = opts.partition ?? 'aws';
  const secrets = new Map(); // arn -> secret
  const readLog = [];
  let failures = [];

  function find(secretId) {
    if (!secretId) return undefined;
    if (secrets.has(secretId)) return secrets.get(secretId);
    for (const s of secrets.values()) {
      // By name, or by partial ARN (the ARN without its random suffix), both of which AWS accepts.
      if (s.name === secretId || s.arn.slice(0, -7) === secretId) return s;
    }
    return undefined;
  }

  function createSecret({ name, arn, value, kmsKeyArn = null, kmsAliases = [], tags = {} }) {
    if (!name && !arn) throw new Error('createSecret needs a name or an ARN');
    const secretName = name ?? arn.split(':secret:')[1].slice(0, -7);
    const secretArn = arn ?? `arn:${partition}:secretsmanager:${opts.region}:${opts.account}:secret:${secretName}-${suffix()}`;
    if (!/^arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/.test(secretArn)) throw new Error(`not a secret ARN: ${secretArn}`);
    const secret = { arn: secretArn, name: secretName, kmsKeyArn, kmsAliases: [...kmsAliases], tags: { ...tags }, versions: [] };
    secrets.set(secretArn, secret);
    if (value !== undefined) setValue(secretArn, value);
    return { arn: secretArn, name: secretName };
  }

  function setValue(arnOrName, value) {
    const secret = find(arnOrName);
    if (!secret) throw new Error(`no secret ${arnOrName}`);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    // As PutSecretValue: the current version becomes AWSPREVIOUS, the new one AWSCURRENT.
    for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
    const current = secret.versions.find((v) => v.stages.includes('AWSCURRENT'));
    if (current) current.stages = [...current.stages.filter((s) => s !== 'AWSCURRENT'), 'AWSPREVIOUS'];
    secret.versions.push({ id: randomUUID(), value: text, stages: ['AWSCURRENT'], created: new Date() });
    return secret.versions[secret.versions.length - 1].id;
  }

  async function getSecretValue(req, res, who, input) {
    const secret = find(input.SecretId);
    const resource = secret?.arn ?? input.SecretId;
    const context = { ...baseContext(opts, who.principal), 'secretsmanager:SecretId': resource };
    for (const [k, v] of Object.entries(secret?.tags ?? {})) {
      context[`secretsmanager:ResourceTag/${k}`] = v;
      context[`aws:ResourceTag/${k}`] = v;
    }
    const denied = await recordAndAuthorize(opts, { service: 'secretsmanager', action: 'secretsmanager:GetSecretValue', resource, principal: who.principal, context });
    if (denied) return error(res, 400, 'AccessDeniedException', denied);
    if (!secret) return error(res, 400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    const version = input.VersionId ? secret.versions.find((v) => v.id === input.VersionId)
      : secret.versions.find((v) => v.stages.includes(input.VersionStage ?? 'AWSCURRENT'));
    if (!version) return error(res, 400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: " + (input.VersionStage ?? 'AWSCURRENT'));
    // A customer managed key: Secrets Manager decrypts with the caller's identity. Without one it uses
    // the AWS managed key aws/secretsmanager, whose key policy already allows every principal of the
    // account through Secrets Manager, so no identity grant is involved and nothing is recorded.
    if (secret.kmsKeyArn) {
      const kmsDenied = await recordAndAuthorize(opts, kmsCall(opts, {
        principal: who.principal, action: 'kms:Decrypt', keyArn: secret.kmsKeyArn, aliases: secret.kmsAliases, via: 'secretsmanager',
        encryptionContext: { SecretARN: secret.arn, SecretVersionId: version.id },
      }));
      if (kmsDenied) return error(res, 400, 'AccessDeniedException', `Access to KMS is not allowed (${kmsDenied})`);
    }
    readLog.push({ arn: secret.arn, roleArn: who.roleArn, versionId: version.id, at: new Date().toISOString() });
    sendJson(res, 200, {
      ARN: secret.arn,
      Name: secret.name,
      SecretString: version.value,
      VersionId: version.id,
      VersionStages: [...version.stages],
      CreatedDate: version.created.getTime() / 1000,
    }, { 'content-type': JSON_11 });
  }

  async function handle(req, res) {
    const who = await authenticate(req, opts, 'secretsmanager');
    if (who.error) return error(res, who.error.status, who.error.jsonCode, who.error.message);
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') return error(res, 404, 'UnknownOperationException', `${req.method} ${req.url}`);
    const target = req.headers['x-amz-target'];
    if (!String(req.headers['content-type'] ?? '').startsWith(JSON_11)) return error(res, 400, 'SerializationException', `Content-Type must be ${JSON_11}`);
    let input;
    try {
      input = JSON.parse(who.body.toString('utf8') || '{}');
    } catch {
      return error(res, 400, 'SerializationException', 'Request body is not JSON');
    }
    if (failures.length > 0) return error(res, 500, failures.shift(), 'Injected failure (twin)');
    if (target === 'secretsmanager.GetSecretValue') return getSecretValue(req, res, who, input);
    return error(res, 400, 'UnknownOperationException', `The twin does not serve ${target}`);
  }

  const http = await listen(handle);
  return {
    url: http.url,
    port: http.port,
    stop: http.stop,
    createSecret,
    setValue,
    /** The stored secret (arn, name, kmsKeyArn, tags, versions), by ARN, partial ARN or name. */
    secret: (id) => find(id),
    /** Successful reads: { arn, roleArn, versionId, at }, optionally of one secret. */
    reads: (arn) => readLog.filter((r) => arn === undefined || r.arn === arn),
    /** The next n requests answer 500 with this error type (e.g. InternalServiceError) before anything else. */
    failNext(n, type = 'InternalServiceError') {
      failures = [...failures, ...Array(n).fill(type)];
    },
  };
}
