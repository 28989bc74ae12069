// Following the plan JSON's own configuration references: an attribute that is unknown at plan time
// because it is another resource's ARN (`aws_sqs_queue.file_events.arn`, possibly passed through module
// variables) is filled with that resource's ARN as AWS forms it from its planned name.

/** The configuration module block of a module address ("module.etl.module.storage"). */
function moduleBlock(plan, address) {
  let mod = plan.configuration?.root_module;
  for (const [, name] of (address ?? '').matchAll(/module\.([^.[]+)(\[[^\]]*\])?/g)) mod = mod?.module_calls?.[name]?.module;
  return mod;
}

const parentOf = (address) => address.replace(/\.?module\.[^.[]+(\[[^\]]*\])?$/, '');
const childName = (address) => /module\.([^.[]+)(\[[^\]]*\])?$/.exec(address)?.[1];

/** The expression at `path` (e.g. ['queue', 0, 'queue_arn']) of resource r in the configuration. */
function expressionOf(plan, r, path) {
  const res = moduleBlock(plan, r.module)?.resources?.find((x) => x.address === `${r.type}.${r.name}`);
  let expr = res?.expressions;
  for (const step of path) expr = expr?.[step];
  return expr;
}

/**
 * Resolves an unknown attribute to an ARN. `arnOf(resource)` forms a resource's ARN (undefined when it
 * cannot); `all` is every planned resource ({ module, type, name, index, after }). -> ARN or undefined.
 */
export function referencedArn(plan, r, path, { all, arnOf }) {
  return resolve(expressionOf(plan, r, path)?.references ?? [], r.module, r.index, { plan, all, arnOf }, 0);
}

function resolve(references, module, index, ctx, depth) {
  if (depth > 6) return undefined;
  for (const ref of references) {
    const res = /^(aws_[a-z0-9_]+)\.([a-z0-9_]+)(?:\[("?)([^\]"]*)\3\])?(?:\.(arn|id|name|function_name|url))?$/.exec(ref);
    if (res) {
      const candidates = ctx.all.filter((x) => x.module === module && x.type === res[1] && x.name === res[2]);
      const wanted = res[4] !== undefined && res[4] !== 'each.key' ? res[4] : index;
      const target = candidates.find((x) => x.index === wanted) ?? (candidates.length === 1 ? candidates[0] : undefined);
      const arn = target && ctx.arnOf(target);
      if (arn) return arn;
      continue;
    }
    const variable = /^var\.([a-z0-9_]+)$/.exec(ref);
    if (variable && module) {
      const parent = parentOf(module);
      const call = moduleBlock(ctx.plan, parent)?.module_calls?.[childName(module)];
      const arn = resolve(call?.expressions?.[variable[1]]?.references ?? [], parent, index, ctx, depth + 1);
      if (arn) return arn;
    }
    // A module output, possibly indexed by a for_each key: module.functions.function_arns["notify-chat"].
    const output = /^module\.([a-z0-9_-]+)\.([a-z0-9_]+)(?:\["([^"]+)"\])?$/.exec(ref);
    if (output) {
      const childAddress = module ? `${module}.module.${output[1]}` : `module.${output[1]}`;
      const value = moduleBlock(ctx.plan, childAddress)?.outputs?.[output[2]]?.expression?.references ?? [];
      const arn = resolve(value, childAddress, output[3] ?? index, ctx, depth + 1);
      if (arn) return arn;
    }
  }
  return undefined;
}

/**
 * The value of a module variable as the plan configures it: the calling module's constant for it, the
 * calling module's own variable (followed up to the root's plan.variables), or the variable's default.
 */
export function variableValue(plan, module, name, depth = 0) {
  if (depth > 6) return undefined;
  if (!module) return plan.variables?.[name]?.value;
  const parent = parentOf(module);
  const expr = moduleBlock(plan, parent)?.module_calls?.[childName(module)]?.expressions?.[name];
  if (expr && Object.hasOwn(expr, 'constant_value')) return expr.constant_value;
  const ref = (expr?.references ?? []).map((r) => /^var\.([a-z0-9_]+)$/.exec(r)?.[1]).find(Boolean);
  if (ref) return variableValue(plan, parent, ref, depth + 1);
  return moduleBlock(plan, module)?.variables?.[name]?.default;
}

/**
 * A queue's redrive policy the plan leaves unknown because it names the dead-letter queue's ARN:
 * SQS's fixed JSON shape, from the referenced queue and the referenced maxReceiveCount variable.
 */
export function referencedRedrive(plan, r, { all, arnOf }) {
  const refs = expressionOf(plan, r, ['redrive_policy'])?.references ?? [];
  const deadLetterTargetArn = resolve(refs.filter((x) => x.startsWith('aws_sqs_queue.')), r.module, r.index, { plan, all, arnOf }, 0);
  const counts = refs.map((x) => /^var\.([a-z0-9_]+)$/.exec(x)?.[1]).filter(Boolean).map((v) => variableValue(plan, r.module, v));
  const maxReceiveCount = counts.length === 1 ? Number(counts[0]) : NaN;
  return deadLetterTargetArn && Number.isInteger(maxReceiveCount) ? { deadLetterTargetArn, maxReceiveCount } : undefined;
}
