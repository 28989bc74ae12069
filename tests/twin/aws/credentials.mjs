// Temporary credentials per role, as Lambda hands each function the keys of its execution role. The
// servers look the caller's role up by access key, which is how every recorded call knows its principal.
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function keyId(prefix) {
  // STS session keys start with ASIA (long-term user keys with AKIA); 16 more base32-like characters.
  let id = prefix;
  for (const byte of randomBytes(16)) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

export class Credentials {
  #byKey = new Map();
  #byRole = new Map();

  /**
   * Issues a new key set for a role (each call a new one; earlier ones stay valid, as overlapping STS
   * sessions do). -> { accessKeyId, secretAccessKey, sessionToken }
   */
  issue(roleArn) {
    if (!/^arn:aws[\w-]*:iam::\d{12}:role\/.+/.test(roleArn ?? '')) throw new Error(`not a role ARN: ${roleArn}`);
    const issued = {
      accessKeyId: keyId('ASIA'),
      secretAccessKey: randomBytes(30).toString('base64').slice(0, 40),
      sessionToken: 'IQoJb3JpZ2luX2VjE' + randomBytes(96).toString('base64'),
    };
    this.#byKey.set(issued.accessKeyId, { roleArn, ...issued });
    this.#byRole.set(roleArn, issued);
    return { ...issued };
  }

  /** The role's latest key set, issuing one if it has none yet. */
  forRole(roleArn) {
    const latest = this.#byRole.get(roleArn);
    return latest ? { ...latest } : this.issue(roleArn);
  }

  /** Adds known keys (tests, e.g. the SigV4 suite's AKIDEXAMPLE); sessionToken optional. */
  add(roleArn, { accessKeyId, secretAccessKey, sessionToken }) {
    this.#byKey.set(accessKeyId, { roleArn, accessKeyId, secretAccessKey, sessionToken });
  }

  /** -> { roleArn, secretAccessKey, sessionToken } | undefined */
  lookup(accessKeyId) {
    const entry = this.#byKey.get(accessKeyId);
    return entry ? { roleArn: entry.roleArn, secretAccessKey: entry.secretAccessKey, sessionToken: entry.sessionToken } : undefined;
  }

  /** Makes a key unknown, as an expired session is. */
  revoke(accessKeyId) {
    this.#byKey.delete(accessKeyId);
  }

  /**
   * The environment variables Lambda sets for a function's role. `session` becomes part of nothing the
   * twin checks; the caller's identity is the key.
   */
  environment(roleArn) {
    const c = this.forRole(roleArn);
    return { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, AWS_SESSION_TOKEN: c.sessionToken };
  }
}
