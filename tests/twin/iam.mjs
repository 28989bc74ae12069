// IAM, measured: every AWS call the twin recorded is evaluated by @cloud-copilot/iam-simulate against
// the *planned* policies (the Deployment read from the plan JSON), and every planned grant is checked
// for use or a written justification in docs/iam.md.
//
// iam-simulate is AGPL-3.0: it is loaded here, at test time, from tools/node and nowhere else (the
// containment check in iam.test.mjs keeps it out of src/, the built packages (artifacts/lambda, artifacts/txetl-aot) and the Lambda packaging).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseJustifications, placeholdersOf, substitute } from './iam-docs.mjs';
import { grantTables, parseDocument, plannedGrants, resourcePolicyDocuments } from './iam-grants.mjs';

export { parseJustifications } from './iam-docs.mjs';
export { expandActions, grantTables, plannedGrants } from './iam-grants.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const toolsRequire = createRequire(join(repoRoot, 'tools', 'node', 'package.json'));
const { runSimulation } = await import(toolsRequire.resolve('@cloud-copilot/iam-simulate'));

/** docs/iam.md, parsed; the rows coverage() accepts as justifications. */
export function readJustifications(path = join(repoRoot, 'docs', 'iam.md')) {
  return parseJustifications(readFileSync(path, 'utf8'));
}

/**
 * Evaluates every recorded call. Resolves to
 * { evaluated, allowed: [{ call, decisive }], denied: [{ call, result, message }],
 *   errors: [{ call, message }], ignoredContextKeys: [{ action, keys }], notes: [text], line }.
 * `decisive` lists the statements that allowed the call ({ owner, policy, sid, actions, resources }).
 */
export async function evaluateCalls(calls, deployment) {
  const out = { evaluated: 0, allowed: [], denied: [], errors: [], ignoredContextKeys: [], notes: notesFor(deployment) };
  const judge = cachedJudge(deployment);
  const ignored = new Map();
  for (const call of calls) {
    const verdict = await judge(call);
    out.evaluated += 1;
    if (verdict.kind === 'allowed') out.allowed.push({ call, decisive: verdict.decisive });
    else if (verdict.kind === 'denied') out.denied.push({ call, result: verdict.result, message: `${verdict.message}${scenarioOf(call)}` });
    else out.errors.push({ call, message: `${verdict.message}${scenarioOf(call)}` });
    if (verdict.renamedTagKeys && !out.notes.includes(tagKeyNote)) out.notes.push(tagKeyNote);
    for (const k of verdict.ignoredContextKeys ?? []) {
      const set = ignored.get(call.action) ?? new Set();
      set.add(k);
      ignored.set(call.action, set);
    }
  }
  out.ignoredContextKeys = [...ignored].map(([action, keys]) => ({ action, keys: [...keys].sort() }));
  out.line = `IAM: ${out.evaluated} calls evaluated, ${out.allowed.length} allowed, ${out.denied.length} denied, ${out.errors.length} not evaluable`;
  return out;
}

/**
 * The stage's whole IAM check: evaluation, coverage and the lines to print. ok is false on a denied or
 * unevaluable call, an unused grant without a `kept:` row, a used grant docs/iam.md does not list, or a
 * row of docs/iam.md that matches no planned grant.
 */
export async function iamReport(calls, deployment, justifications = readJustifications()) {
  const evaluation = await evaluateCalls(calls, deployment);
  const cov = await coverage(evaluation, deployment, justifications);
  const lines = [
    evaluation.line,
    ...evaluation.denied.map((d) => d.message),
    ...evaluation.errors.map((e) => e.message),
    ...evaluation.notes.map((n) => `note: ${n}`),
    ...evaluation.ignoredContextKeys.map((i) => `note: ${i.action}: iam-simulate ignores context keys ${i.keys.join(', ')} (not keys of this action)`),
    cov.line,
    ...cov.unjustified.map((g) => g.message),
    ...cov.undocumented.map((g) => `used grant missing from docs/iam.md: ${g.owner} ${g.sid} ${g.action} on ${g.resource}`),
    ...cov.stale.map((r) => `docs/iam.md line ${r.line}: no planned grant matches ${r.owner} ${r.sid} ${r.actions.join(',')} on ${r.resources.join(',')}`),
  ];
  const ok = !evaluation.denied.length && !evaluation.errors.length && !cov.unjustified.length && !cov.undocumented.length && !cov.stale.length;
  return { ok, lines, evaluation, coverage: cov };
}

/**
 * For a server's inline decision (common.mjs `opts.authorize`): the same evaluation, one call at a time,
 * so the twin answers AccessDenied where AWS would. -> async (call) => { allowed, reason }.
 */
export function authorizer(deployment) {
  const judge = cachedJudge(deployment);
  return async (call) => {
    const verdict = await judge(call);
    return verdict.kind === 'allowed' ? { allowed: true } : { allowed: false, reason: verdict.message };
  };
}

// One cache per Deployment, shared by the inline authorizer and the stage's report: a burst repeats the
// same few calls thousands of times, and each simulation takes milliseconds. A Deployment is read from the
// plan once and never changes afterwards; a changed copy must be a new object.
const judges = new WeakMap();

function cachedJudge(deployment) {
  if (judges.has(deployment)) return judges.get(deployment);
  const cache = new Map();
  const judge = async (call) => {
    const key = cacheKey(call);
    if (!cache.has(key)) cache.set(key, evaluateOne(call, deployment));
    return cache.get(key);
  };
  judges.set(deployment, judge);
  return judge;
}

/** What the evaluation does not see, said once per run. */
function notesFor(deployment) {
  const notes = [];
  for (const [name, role] of Object.entries(deployment.roles ?? {})) {
    if (role.managedPolicyArns?.length) notes.push(`role ${name}: managed policies ${role.managedPolicyArns.join(', ')} are not in the plan and not evaluated`);
  }
  for (const rp of deployment.resourcePolicies ?? []) {
    if (!rp.arn) notes.push(`a ${rp.kind} resource policy has no resource ARN in the Deployment; it is not evaluated`);
  }
  return notes;
}

/**
 * Lists every planned grant (owner = role name or resource-policy ARN; Sid; one action; one resource
 * pattern) and marks it used, justified (unused but a `kept:` row of docs/iam.md covers it) or
 * unjustified. `calls` may be the recorded calls or evaluateCalls()'s result (saves a second run).
 * `justifications` is readJustifications()'s rows (or the markdown text itself).
 */
export async function coverage(calls, deployment, justifications) {
  const evaluation = Array.isArray(calls) ? await evaluateCalls(calls, deployment) : calls;
  const rows = typeof justifications === 'string' ? parseJustifications(justifications) : justifications ?? [];
  const grants = await plannedGrants(deployment);
  const usedKeys = new Set();
  for (const { call, decisive } of evaluation.allowed) {
    for (const d of decisive) {
      for (const resource of d.resources) usedKeys.add(grantKey(d.owner, d.sid, call.action, resource));
    }
  }
  const values = placeholdersOf(deployment);
  const expanded = rows.map((row) => ({
    ...row,
    owner: substitute(row.owner, values),
    lowerActions: row.actions.map((a) => a.toLowerCase()),
    resources: row.resources.map((r) => substitute(r, values)),
  }));
  const used = [];
  const justified = [];
  const unjustified = [];
  const undocumented = [];
  for (const g of grants) {
    const matching = expanded.filter((r) => covers(r, g));
    const row = matching.find((r) => r.kind === 'kept') ?? matching[0];
    if (usedKeys.has(grantKey(g.owner, g.sid, g.action, g.resource))) {
      used.push(g);
      if (!row) undocumented.push(g);
    } else if (row?.kind === 'kept') {
      justified.push({ ...g, why: row.reason });
    } else {
      unjustified.push({ ...g, message: unjustifiedMessage(g, row) });
    }
  }
  const stale = expanded.filter((r) => !grants.some((g) => covers(r, g)));
  return {
    granted: grants.length,
    used: used.length,
    justified: justified.length,
    unjustified,
    undocumented,
    stale,
    grants: { used, justified },
    line: `granted ${grants.length}, used ${used.length}, justified ${justified.length}`,
  };
}

async function evaluateOne(call, deployment) {
  const who = describePrincipal(call);
  const what = `${call.action} on ${call.resource}`;
  const caller = resolveCaller(call, deployment);
  if (caller.error) return { kind: 'error', message: `IAM: ${who} called ${what}, but ${caller.error}` };
  const resourcePolicy = resourcePolicyFor(call.resource, deployment);
  const renamed = { count: 0 };
  const simulation = {
    request: {
      principal: caller.principal,
      action: call.action,
      resource: { resource: call.resource, accountId: deployment.account },
      contextVariables: globalTagKeys(contextFor(call, deployment), renamed),
    },
    identityPolicies: caller.identityPolicies.map((p) => ({ ...p, policy: globalTagKeys(p.policy, renamed) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: globalTagKeys(resourcePolicy?.document, renamed),
  };
  let response;
  try {
    response = await runSimulation(simulation, {});
  } catch (e) {
    // iam-simulate throws (rather than returning an error result) for a context key its data does not know.
    return { kind: 'error', message: `IAM: cannot evaluate ${who} ${what}: iam-simulate threw "${e.message}"` };
  }
  if (response.resultType === 'error') {
    return { kind: 'error', message: `IAM: cannot evaluate ${who} ${what}: ${describeErrors(response.errors)}` };
  }
  if (response.resultType !== 'single') {
    return { kind: 'error', message: `IAM: ${who} ${what}: the recorded resource is a pattern, record the concrete ARN` };
  }
  const analysis = response.result.analysis;
  const ignoredContextKeys = response.result.ignoredContextKeys ?? [];
  const common = { ignoredContextKeys, renamedTagKeys: renamed.count > 0 };
  if (response.overallResult !== 'Allowed') {
    return { ...common, kind: 'denied', result: response.overallResult, message: denialMessage(who, what, response.overallResult, analysis, resourcePolicy, caller) };
  }
  return { ...common, kind: 'allowed', decisive: decisiveStatements(analysis, caller, resourcePolicy) };
}

/** Role callers: the role's planned identity policies. Service principals: none (resource policy only). */
function resolveCaller(call, deployment) {
  const p = call.principal ?? {};
  if (p.type === 'service') {
    if (!p.service) return { error: 'the record names no service principal' };
    return { principal: p.service, identityPolicies: [], label: `service ${p.service}` };
  }
  if (p.type !== 'role' || !p.arn) return { error: `the principal ${JSON.stringify(p)} is neither { type: 'role', arn } nor { type: 'service', service }` };
  const roleName = roleNameOf(p.arn);
  const role = deployment.roles?.[roleName] ?? Object.entries(deployment.roles ?? {}).map(([, r]) => r).find((r) => r.arn === p.arn);
  if (!role) return { error: `role ${roleName} is not in the plan` };
  const name = deployment.roles?.[roleName] ? roleName : roleNameOf(role.arn);
  return {
    principal: p.arn,
    roleName: name,
    label: `role ${name}`,
    identityPolicies: (role.policies ?? []).map((x) => ({ name: x.name, policy: parseDocument(x.document) })),
  };
}

/** arn:...:role/path/name or arn:...:assumed-role/name/session -> name. */
export function roleNameOf(arn) {
  const assumed = /:assumed-role\/([^/]+)\//.exec(arn);
  if (assumed) return assumed[1];
  return arn.split(':').slice(5).join(':').split('/').pop();
}

/**
 * The recorded context plus what AWS itself adds from the resource: the KMS key's aliases
 * (kms:ResourceAliases) and the secret's tags (aws:ResourceTag/<key>), both taken from the plan.
 */
function contextFor(call, deployment) {
  const ctx = { ...(call.context ?? {}) };
  const key = deployment.kmsKeys?.[call.resource];
  if (call.action.startsWith('kms:') && key?.aliases?.length && ctx['kms:ResourceAliases'] === undefined) {
    ctx['kms:ResourceAliases'] = key.aliases;
  }
  const secret = Object.values(deployment.secrets ?? {}).find((s) => s?.arn === call.resource);
  for (const [k, v] of Object.entries(secret?.tags ?? {})) {
    if (ctx[`aws:ResourceTag/${k}`] === undefined) ctx[`aws:ResourceTag/${k}`] = v;
  }
  return ctx;
}

// iam-data (iam-simulate's catalogue) lists Secrets Manager's tag key only as the literal
// `secretsmanager:ResourceTag/tag-key`, so iam-simulate throws on a real one. AWS documents it as the same
// value as the global aws:ResourceTag/<key>, so the request and the policies are both read under that name.
const serviceTagKey = /^secretsmanager:ResourceTag\//i;
const tagKeyNote = 'secretsmanager:ResourceTag/<key> is evaluated as aws:ResourceTag/<key> (same value in AWS; iam-simulate does not know the service-prefixed form)';

/** Renames service-prefixed tag keys in a context (object of keys) or policy document (keys inside Condition). */
function globalTagKeys(value, renamed) {
  if (Array.isArray(value)) return value.map((v) => globalTagKeys(v, renamed));
  if (!value || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    const name = serviceTagKey.test(k) ? k.replace(serviceTagKey, 'aws:ResourceTag/') : k;
    if (name !== k) renamed.count += 1;
    if (name !== k && Object.hasOwn(value, name)) continue;
    out[name] = globalTagKeys(v, renamed);
  }
  return out;
}

/** Bucket policy for bucket/object ARNs, function permissions for a function or its qualifier, else exact. */
function resourcePolicyFor(resource, deployment) {
  for (const [arn, document] of resourcePolicyDocuments(deployment)) {
    if (resource === arn || resource.startsWith(`${arn}/`) || (arn.includes(':lambda:') && resource.startsWith(`${arn}:`))) {
      return { arn, document };
    }
  }
  return undefined;
}

function decisiveStatements(analysis, caller, resourcePolicy) {
  const out = [];
  for (const s of analysis.identityAnalysis?.allowStatements ?? []) out.push(statementUse(caller.roleName, s));
  for (const s of analysis.resourceAnalysis?.allowStatements ?? []) out.push(statementUse(resourcePolicy?.arn, s));
  return out.filter((d) => d.owner);
}

function statementUse(owner, s) {
  const e = s.explain;
  return {
    owner,
    policy: s.policyId ?? 'resource',
    sid: e.identifier,
    actions: [e.actions ?? []].flat().filter((a) => a.matches).map((a) => a.action),
    resources: [e.resources ?? []].flat().filter((r) => r.matches).map((r) => r.resource),
  };
}

function denialMessage(who, what, result, analysis, resourcePolicy, caller) {
  if (result === 'ExplicitlyDenied') {
    const denies = [
      ...(analysis.identityAnalysis?.denyStatements ?? []).map((s) => `identity policy ${s.policyId} statement ${s.explain.identifier}`),
      ...(analysis.resourceAnalysis?.denyStatements ?? []).map((s) => `resource policy of ${resourcePolicy?.arn} statement ${s.explain.identifier}`),
    ];
    return `IAM denied: ${who} may not ${what}: explicitly denied by ${denies.join(', ') || 'a Deny statement'}`;
  }
  const where = caller.roleName
    ? `no statement of ${caller.label}'s policies${resourcePolicy ? ` or of the resource policy of ${resourcePolicy.arn}` : ''} allows it`
    : resourcePolicy
      ? `no statement of the resource policy of ${resourcePolicy.arn} allows it (only the resource policy counts for a service principal)`
      : `the plan has no resource policy for it (only a resource policy can allow a service principal)`;
  return `IAM denied: ${who} may not ${what}: ${where}`;
}

function describeErrors(errors) {
  const parts = [errors.message];
  for (const [name, list] of Object.entries(errors)) {
    if (name === 'message' || !list) continue;
    parts.push(`${name}: ${JSON.stringify(list)}`);
  }
  return parts.join('; ');
}

function unjustifiedMessage(g, row) {
  const base = `unused grant: ${g.owner} ${g.sid} ${g.action} on ${g.resource}`;
  return row ? `${base}: docs/iam.md says "${row.reason}" but no recorded call used it` : `${base}: remove it or justify it in docs/iam.md (kept: ...)`;
}

function describePrincipal(call) {
  const p = call.principal ?? {};
  if (p.type === 'service') return `service ${p.service}`;
  if (p.type === 'role' && p.arn) return `role ${roleNameOf(p.arn)}`;
  return `principal ${JSON.stringify(p)}`;
}

function scenarioOf(call) {
  return call.scenario ? ` (scenario ${call.scenario})` : '';
}

function cacheKey(call) {
  const p = call.principal ?? {};
  const ctx = Object.entries(call.context ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([p.type, p.arn ?? p.service, call.action, call.resource, ctx]);
}

/** A docs row (placeholders filled) covers a grant: same owner and Sid, the action and resource among its lists. */
function covers(row, grant) {
  return row.owner === grant.owner && row.sid === grant.sid && row.lowerActions.includes(grant.action.toLowerCase()) && row.resources.includes(grant.resource);
}

function grantKey(owner, sid, action, resource) {
  return JSON.stringify([owner, sid, action.toLowerCase(), resource]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'tables') {
  const deployment = JSON.parse(readFileSync(process.argv[3], 'utf8'));
  process.stdout.write(await grantTables(deployment, readJustifications()));
}
