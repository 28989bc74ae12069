// The machine-readable part of docs/iam.md: one table per grant owner.
//
//   ### Role `{prefix}-run-etl`            <- owner: the last `code span` of the heading (role name or
//                                            resource-policy ARN, with {placeholders})
//   | Sid | Actions | Resource | Used by scenario / why kept |
//   |---|---|---|---|
//   | `WriteReports` | `s3:PutObject`, `s3:AbortMultipartUpload` | `arn:{partition}:s3:::{bucket}/reports/*` | used: clean-file |
//   | `ManageVpcNetworkInterfaces` | `ec2:CreateNetworkInterface` | `*` | kept: Lambda creates the ENIs ... |
//
// Actions and Resource cells may list several values separated by commas. The last cell starts with
// `used:` (names the scenarios) or `kept:` (why a grant no scenario exercises stays); only `kept:`
// justifies an unused grant. Placeholders: {prefix} {account} {region} {partition} {bucket}, and
// {kms:alias/<name>} for the ARN of the planned key with that alias.

const headingPattern = /^#{2,6}\s+(.*)$/;

/** -> [{ owner, sid, actions: [], resources: [], kind: 'used'|'kept', reason, line }] */
export function parseJustifications(markdown) {
  const rows = [];
  let owner;
  let columns;
  const lines = markdown.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    const heading = headingPattern.exec(line);
    if (heading) {
      const spans = [...heading[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      owner = spans.at(-1);
      columns = undefined;
      continue;
    }
    if (!line.startsWith('|')) {
      columns = undefined;
      continue;
    }
    const cells = splitRow(line);
    if (!columns) {
      columns = grantColumns(cells);
      continue;
    }
    if (columns === 'other' || cells.every((c) => /^:?-+:?$/.test(c))) continue;
    if (!owner) throw new Error(`docs/iam.md line ${i + 1}: a grant table must follow a heading naming its owner in backticks`);
    rows.push(parseRow(cells, columns, owner, i + 1));
  }
  return rows;
}

function parseRow(cells, columns, owner, line) {
  const reason = cells[columns.reason] ?? '';
  const kind = /^used:/i.test(reason) ? 'used' : /^kept:/i.test(reason) ? 'kept' : undefined;
  if (!kind) throw new Error(`docs/iam.md line ${line}: the last cell must start with "used:" or "kept:", got "${reason}"`);
  return {
    owner,
    sid: unquote(cells[columns.sid]),
    actions: list(cells[columns.actions]),
    resources: list(cells[columns.resource]),
    kind,
    reason,
    line,
  };
}

function grantColumns(cells) {
  const names = cells.map((c) => c.toLowerCase());
  const sid = names.indexOf('sid');
  const actions = names.findIndex((n) => n === 'actions' || n === 'action');
  const resource = names.findIndex((n) => n === 'resource' || n === 'resources');
  if (sid < 0 || actions < 0 || resource < 0) return 'other';
  return { sid, actions, resource, reason: cells.length - 1 };
}

function splitRow(line) {
  return line.replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

function list(cell) {
  return (cell ?? '').split(',').map(unquote).filter(Boolean);
}

function unquote(s) {
  return (s ?? '').trim().replace(/^`|`$/g, '').trim();
}

/** Values for the docs' placeholders, from the Deployment. */
export function placeholdersOf(deployment) {
  return {
    prefix: deployment.prefix ?? prefixOf(deployment),
    account: deployment.account,
    region: deployment.region,
    partition: deployment.partition ?? 'aws',
    bucket: deployment.bucket?.name,
    keyByAlias: Object.fromEntries(Object.entries(deployment.kmsKeys ?? {}).flatMap(([arn, k]) => (k.aliases ?? []).map((a) => [a, arn]))),
  };
}

/** Functions are named `${prefix}-${key}` (design D5), so the prefix is what precedes the key. */
function prefixOf(deployment) {
  for (const [key, f] of Object.entries(deployment.functions ?? {})) {
    if (f?.name?.endsWith(`-${key}`)) return f.name.slice(0, -(key.length + 1));
  }
  return undefined;
}

/**
 * Fills the placeholders; `{kms:alias/<name>}` (after the others) is the ARN of the planned key with that
 * alias, since key ids are random (the twin makes them up, AWS too).
 */
export function substitute(text, values) {
  const plain = text.replace(/\{(prefix|account|region|partition|bucket)\}/g, (whole, name) => values[name] ?? whole);
  return plain.replace(/\{kms:(alias\/[^}]+)\}/g, (whole, alias) => values.keyByAlias?.[alias] ?? whole);
}

/** The inverse of substitute(): a planned ARN written with the docs' placeholders. */
export function placeholderize(text, values) {
  let out = text;
  for (const [alias, arn] of Object.entries(values.keyByAlias ?? {})) out = out.split(arn).join(`{kms:${placeholderize(alias, { ...values, keyByAlias: {} })}}`);
  for (const name of ['bucket', 'prefix', 'account', 'region']) {
    if (values[name]) out = out.split(values[name]).join(`{${name}}`);
  }
  return out.replace(/\barn:aws(-[a-z-]+)?:/g, 'arn:{partition}:');
}

/**
 * The grant tables of docs/iam.md for these grants, one per owner; each row keeps the reason the docs
 * already give (`rows`), and says TODO (which parseJustifications refuses) where there is none yet.
 */
export function renderTables(grants, values, rows, headingOf) {
  const reasonOf = (g) => rows.find((r) => substitute(r.owner, values) === g.owner && r.sid === g.sid
    && r.actions.some((a) => a.toLowerCase() === g.action.toLowerCase()) && r.resources.some((x) => substitute(x, values) === g.resource))?.reason ?? 'TODO';
  const owners = [...new Set(grants.map((g) => g.owner))];
  const parts = [];
  for (const owner of owners) {
    const groups = new Map();
    for (const g of grants.filter((x) => x.owner === owner)) {
      const key = JSON.stringify([g.sid, g.resource, reasonOf(g)]);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(g.action);
    }
    parts.push(`### ${headingOf(owner)} \`${placeholderize(owner, values)}\``, '', '| Sid | Actions | Resource | Used by scenario / why kept |', '|---|---|---|---|');
    for (const [key, actions] of groups) {
      const [sid, resource, reason] = JSON.parse(key);
      parts.push(`| \`${sid}\` | ${[...actions].sort().map((a) => `\`${a}\``).join(', ')} | \`${placeholderize(resource, values)}\` | ${reason} |`);
    }
    parts.push('');
  }
  return parts.join('\n');
}
