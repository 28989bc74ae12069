// Every AWS call the twin's servers receive, with the principal, the resource ARN and the condition keys
// that policies may test. twin's IAM check (iam.mjs) evaluates each one against the planned policies.

/**
 * call: { service, action: 's3:GetObject', resource: 'arn:...',
 *         principal: { type: 'role', arn } | { type: 'service', service: 'events.amazonaws.com' },
 *         context: { 'aws:SourceArn': ..., 'kms:ViaService': ..., 'aws:SecureTransport': 'true', ... },
 *         scenario, at }
 */
export class CallLog {
  #calls = [];
  #scenario = null;
  #listeners = new Set();

  setScenario(name) {
    this.#scenario = name ?? null;
  }

  get scenario() {
    return this.#scenario;
  }

  record(call) {
    if (!call?.action?.includes(':')) throw new Error(`call without a service:Action: ${JSON.stringify(call)}`);
    if (!call.principal?.type) throw new Error(`call ${call.action} without a principal`);
    const entry = {
      service: call.service ?? call.action.split(':')[0],
      action: call.action,
      resource: call.resource,
      principal: { ...call.principal },
      context: { ...(call.context ?? {}) },
      scenario: call.scenario ?? this.#scenario,
      at: call.at ?? new Date().toISOString(),
    };
    Object.freeze(entry.context);
    this.#calls.push(Object.freeze(entry));
    for (const listener of this.#listeners) listener(entry);
    return entry;
  }

  get calls() {
    return [...this.#calls];
  }

  /** Calls matching every given field: action, resource, scenario, principal (role ARN or service name). */
  filter({ action, resource, scenario, principal } = {}) {
    return this.#calls.filter((c) => (action === undefined || c.action === action)
      && (resource === undefined || c.resource === resource)
      && (scenario === undefined || c.scenario === scenario)
      && (principal === undefined || principalName(c.principal) === principal));
  }

  /** Calls a listener with each call recorded from now on; returns the function that removes it. */
  onRecord(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Distinct (principal, action, resource) with how often and in which scenarios, sorted; what the IAM
   * report and a reader of a failing stage want instead of thousands of raw calls.
   */
  summary() {
    const groups = new Map();
    for (const c of this.#calls) {
      const principal = principalName(c.principal);
      const key = `${principal}\u0000${c.action}\u0000${c.resource}`;
      if (!groups.has(key)) groups.set(key, { principal, action: c.action, resource: c.resource, count: 0, scenarios: [] });
      const group = groups.get(key);
      group.count += 1;
      if (c.scenario && !group.scenarios.includes(c.scenario)) group.scenarios.push(c.scenario);
    }
    return [...groups.values()].sort((a, b) => a.principal.localeCompare(b.principal) || a.action.localeCompare(b.action)
      || String(a.resource).localeCompare(String(b.resource)));
  }

  /** summary() as lines of text. */
  format() {
    return this.summary().map((g) => `${g.principal} ${g.action} ${g.resource} x${g.count}${g.scenarios.length ? ` [${g.scenarios.join(', ')}]` : ''}`).join('\n');
  }
}

export function principalName(principal) {
  return principal.type === 'service' ? principal.service : principal.arn;
}

/** The principal of a verified role caller (sigv4 verify()'s result). */
export const rolePrincipal = (roleArn) => ({ type: 'role', arn: roleArn });
export const servicePrincipal = (service) => ({ type: 'service', service });
