// Reads a Teams webhook payload the way Teams renders it: the Adaptive Cards SDK (adaptivecards, the library Teams and
// the Adaptive Cards designer use) parses the card and validates its properties. It needs no DOM for either step.
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from './harness.mjs';

const require = createRequire(join(repoRoot, 'tools', 'node', 'package.json'));
const AC = require('adaptivecards/dist/adaptivecards.js');

export const adaptiveCardContentType = 'application/vnd.microsoft.card.adaptive';

// Every problem the SDK reports for a Teams payload (a message with one Adaptive Card attachment): unknown element or
// action types and unparsable values met while parsing, then missing or invalid properties; empty when the card is valid.
export function teamsCardProblems(payload) {
  const attachments = payload?.attachments;
  if (!Array.isArray(attachments) || attachments.length !== 1) return ['expected exactly one attachment'];
  const [attachment] = attachments;
  if (attachment.contentType !== adaptiveCardContentType) return [`attachment contentType is ${attachment.contentType}`];
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(attachment.content, context);
  const problems = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of card.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  return problems;
}
