// Slack and Teams incoming-webhook sinks on loopback HTTPS (NotifyChat posts only to https URLs), with a
// server certificate for 127.0.0.1/localhost issued here by the CA the twin passes in. Each post is
// checked as the real endpoint would (method, content type, JSON shape: Slack's text/blocks, Teams' Adaptive
// Card message) and recorded; failNext makes the sink answer 500 or 429 to test NotifyChat's retries.
// Not AWS: nothing here is signed or goes to the CallLog.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { listen } from './common.mjs';
import { readBody } from './sigv4.mjs';

const run = promisify(execFile);

/** A throw-away CA (openssl CLI, as tests/TransactionEtl.Testing/TlsCluster.cs does). -> { certPath, keyPath } */
export async function createCa(dir) {
  const certPath = join(dir, 'twin-ca.crt');
  const keyPath = join(dir, 'twin-ca.key');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '2', '-subj', '/CN=TransactionEtl twin CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { certPath, keyPath };
}

/** A server certificate for 127.0.0.1 and localhost signed by the CA. -> { key, cert } (PEM text) */
export async function issueServerCert({ caCertPath, caKeyPath }) {
  const dir = await mkdtemp(join(tmpdir(), 'twin-webhooks-'));
  try {
    const p = (name) => join(dir, name);
    await run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
    await writeFile(p('server.ext'), 'subjectAltName = DNS:localhost, IP:127.0.0.1\nextendedKeyUsage = serverAuth\nkeyUsage = critical,digitalSignature\nbasicConstraints = CA:FALSE\n');
    await run('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', caCertPath, '-CAkey', caKeyPath, '-CAcreateserial', '-CAserial', p('ca.srl'),
      '-out', p('server.crt'), '-days', '2', '-extfile', p('server.ext')]);
    return { key: await readFile(p('server.key'), 'utf8'), cert: await readFile(p('server.crt'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const isText = (t, types, max) => t && types.includes(t.type) && typeof t.text === 'string' && t.text.length > 0 && t.text.length <= max;
const isHttpsUrl = (u) => typeof u === 'string' && /^https:\/\/[^\s]+$/.test(u);

/** Problems Slack would refuse the payload for (Block Kit limits); [] when it is fine. */
export function slackProblems(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['invalid_payload: not a JSON object'];
  const problems = [];
  if (body.text !== undefined && typeof body.text !== 'string') problems.push('invalid_payload: text is not a string');
  if (!body.text && !Array.isArray(body.blocks)) problems.push('no_text');
  if (body.blocks === undefined) return problems;
  if (!Array.isArray(body.blocks) || body.blocks.length === 0 || body.blocks.length > 50) return [...problems, 'invalid_blocks: blocks must be 1-50'];
  body.blocks.forEach((block, i) => {
    const bad = (why) => problems.push(`invalid_blocks: blocks[${i}] (${block?.type}) ${why}`);
    switch (block?.type) {
      case 'header':
        if (!isText(block.text, ['plain_text'], 150)) bad('text must be plain_text of 1-150 characters');
        break;
      case 'section':
        if (block.text === undefined && block.fields === undefined) bad('needs text or fields');
        if (block.text !== undefined && !isText(block.text, ['mrkdwn', 'plain_text'], 3000)) bad('text must be 1-3000 characters');
        if (block.fields !== undefined && (!Array.isArray(block.fields) || block.fields.length > 10
          || !block.fields.every((f) => isText(f, ['mrkdwn', 'plain_text'], 2000)))) bad('fields must be at most 10 texts of 1-2000 characters');
        break;
      case 'actions':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) bad('elements must be 1-25');
        else block.elements.forEach((e, j) => {
          if (e?.type !== 'button' || !isText(e.text, ['plain_text'], 75) || (e.url !== undefined && (typeof e.url !== 'string' || e.url.length > 3000))) bad(`elements[${j}] is not a valid button`);
        });
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10
          || !block.elements.every((e) => isText(e, ['mrkdwn', 'plain_text'], 3000) || e?.type === 'image')) bad('elements must be 1-10 texts or images');
        break;
      case 'divider':
        break;
      default:
        bad('is not a block type the sink knows');
    }
  });
  return problems;
}

const CARD_ELEMENTS = {
  TextBlock: (e) => typeof e.text === 'string',
  RichTextBlock: (e) => Array.isArray(e.inlines),
  FactSet: (e) => Array.isArray(e.facts) && e.facts.every((f) => typeof f?.title === 'string' && typeof f?.value === 'string'),
  Image: (e) => typeof e.url === 'string',
  Container: (e) => Array.isArray(e.items),
  ColumnSet: (e) => e.columns === undefined || Array.isArray(e.columns),
};
const CARD_ACTIONS = {
  'Action.OpenUrl': (a) => isHttpsUrl(a.url) && typeof a.title === 'string',
  'Action.ShowCard': (a) => typeof a.card === 'object',
  'Action.ToggleVisibility': () => true,
};

function cardProblems(card, where, problems) {
  if (card?.type !== 'AdaptiveCard') problems.push(`${where}.type must be AdaptiveCard`);
  if (typeof card?.version !== 'string' || !/^1\.[0-6]$/.test(card.version)) problems.push(`${where}.version must be 1.0-1.6 (Teams)`);
  if (card?.body !== undefined && !Array.isArray(card.body)) problems.push(`${where}.body must be an array`);
  const elements = (list, path) => (list ?? []).forEach((e, i) => {
    const check = CARD_ELEMENTS[e?.type];
    if (!check || !check(e)) problems.push(`${path}[${i}] (${e?.type}) is not a valid card element`);
    if (e?.type === 'Container') elements(e.items, `${path}[${i}].items`);
    if (e?.type === 'ColumnSet') (e.columns ?? []).forEach((c, j) => elements(c?.items, `${path}[${i}].columns[${j}].items`));
  });
  if (Array.isArray(card?.body)) elements(card.body, `${where}.body`);
  if (card?.actions !== undefined) {
    if (!Array.isArray(card.actions)) problems.push(`${where}.actions must be an array`);
    else card.actions.forEach((a, i) => {
      const check = CARD_ACTIONS[a?.type];
      if (!check || !check(a)) problems.push(`${where}.actions[${i}] (${a?.type}) is not a valid action`);
    });
  }
}

/**
 * Problems a Teams Workflows webhook would refuse the message for: a "message" with Adaptive Card
 * attachments. Structural (no adaptivecards package in tools/node; the C# tests compare exact payloads).
 */
export function teamsProblems(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['not a JSON object'];
  const problems = [];
  if (body.type !== 'message') problems.push('type must be "message"');
  if (!Array.isArray(body.attachments) || body.attachments.length === 0) return [...problems, 'attachments must be a non-empty array'];
  body.attachments.forEach((a, i) => {
    if (a?.contentType !== 'application/vnd.microsoft.card.adaptive') problems.push(`attachments[${i}].contentType must be application/vnd.microsoft.card.adaptive`);
    else cardProblems(a.content, `attachments[${i}].content`, problems);
  });
  return problems;
}

/**
 * opts: { calls, credentials, region, account, caCertPath, caKeyPath } (or { key, cert } PEM to use as is)
 * -> { url, port, stop(), slackUrl, teamsUrl, webhookSecret(), messages(channel), posts(channel), failNext(channel, n, status, retryAfterSeconds), reset() }
 */
export async function start(opts) {
  const tls = opts.key && opts.cert ? { key: opts.key, cert: opts.cert } : await issueServerCert(opts);
  const token = randomBytes(12).toString('hex');
  const paths = {
    slack: `/slack/services/T0TWIN/B0TWIN/${token}`,
    teams: `/teams/workflows/${token}/triggers/manual/paths/invoke`,
  };
  const posts = [];
  const failures = { slack: [], teams: [] };

  async function handle(req, res) {
    const body = await readBody(req);
    const url = new URL(req.url, 'https://127.0.0.1');
    const channel = Object.keys(paths).find((c) => paths[c] === url.pathname);
    const post = { channel: channel ?? null, method: req.method, path: url.pathname, contentType: req.headers['content-type'] ?? null,
      raw: body.toString('utf8'), json: null, status: 0, problems: [], at: new Date().toISOString() };
    posts.push(post);
    const answer = (status, text, headers = {}) => {
      post.status = status;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(text);
    };
    if (!channel) return answer(404, 'no_service');
    if (req.method !== 'POST') return answer(405, 'invalid_method');
    if (!/^application\/json(\s*;\s*charset=utf-8)?$/i.test(post.contentType ?? '')) {
      post.problems.push(`content-type ${post.contentType}`);
      return answer(400, 'invalid_payload: content-type must be application/json');
    }
    try {
      post.json = JSON.parse(post.raw);
    } catch {
      post.problems.push('body is not JSON');
      return answer(400, 'invalid_payload');
    }
    const failure = failures[channel].shift();
    if (failure) return answer(failure.status, failure.status === 429 ? 'rate_limited' : 'internal_error', failure.status === 429 ? { 'retry-after': String(failure.retryAfterSeconds) } : {});
    post.problems = channel === 'slack' ? slackProblems(post.json) : teamsProblems(post.json);
    if (post.problems.length > 0) return answer(400, post.problems.join('\n'));
    // Slack answers 200 "ok"; a Teams Workflows trigger 202 with no body.
    return channel === 'slack' ? answer(200, 'ok') : answer(202, '');
  }

  const http = await listen(handle, { tls });
  const slackUrl = http.url + paths.slack;
  const teamsUrl = `${http.url}${paths.teams}?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${token}`;
  const accepted = (channel) => posts.filter((p) => p.status >= 200 && p.status < 300 && (channel === undefined || p.channel === channel));
  return {
    url: http.url,
    port: http.port,
    stop: http.stop,
    slackUrl,
    teamsUrl,
    /** The chat secret's value as ChatWebhookSecret reads it. */
    webhookSecret: () => JSON.stringify({ slack_webhook_url: slackUrl, teams_webhook_url: teamsUrl }),
    /** Accepted messages' JSON bodies, of one channel ('slack' | 'teams') or all. */
    messages: (channel) => accepted(channel).map((p) => p.json),
    /** Every post with status, problems and raw body, accepted or not. */
    posts: (channel) => posts.filter((p) => channel === undefined || p.channel === channel),
    /** The next n posts to the channel answer `status` (500, or 429 with Retry-After) before being looked at. */
    failNext(channel, n, status = 500, retryAfterSeconds = 1) {
      if (!failures[channel]) throw new Error(`no channel ${channel}`);
      failures[channel].push(...Array.from({ length: n }, () => ({ status, retryAfterSeconds })));
    },
    reset() {
      posts.length = 0;
      failures.slack.length = 0;
      failures.teams.length = 0;
    },
  };
}
