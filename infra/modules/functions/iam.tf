# One role per function; the policies come from the data-only module so they can be tested with
# the real provider.
module "policies" {
  source = "../policies/functions"

  partition                      = data.aws_partition.current.partition
  region                         = data.aws_region.current.name
  account_id                     = var.account_id
  log_group_arns                 = { for k, _ in local.functions : k => "${local.log_group_arn_prefix}/aws/lambda/${var.name_prefix}-${k}" }
  state_machine_arn              = local.state_machine_arn
  file_events_queue_arn          = local.file_events_queue_arn
  notify_chat_failures_queue_arn = local.notify_chat_failures_queue_arn
  bucket_arn                     = var.bucket_arn
  bucket_kms_key_alias           = var.bucket_kms_key_alias
  incoming_prefix                = var.incoming_prefix
  reports_prefix                 = var.reports_prefix
  backfill_results_prefix        = var.backfill_results_prefix
  contracts                      = var.contracts
  run_etl_secrets = {
    loader = var.loader_secret
  }
  migrate_secrets = {
    loader = var.loader_secret
    master = var.master_secret
  }
  notify_chat_secrets = {
    webhooks = var.webhook_secret
  }
}

resource "aws_iam_role" "this" {
  for_each = local.functions

  name               = "${var.name_prefix}-${each.key}"
  description        = "Execution role of the ${each.key} function"
  assume_role_policy = module.policies.assume_role_policy
}

resource "aws_iam_role_policy" "this" {
  for_each = local.functions

  name   = each.key
  role   = aws_iam_role.this[each.key].id
  policy = module.policies.policies[each.key]
}
