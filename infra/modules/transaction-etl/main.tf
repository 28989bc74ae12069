# The whole deployment of one environment: each concern module wired to the others. The
# environments (infra/environments/<env>) only choose values.
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  state_machine_name   = "${var.name_prefix}-etl"
  run_etl_function_arn = "arn:${data.aws_partition.current.partition}:lambda:${data.aws_region.current.name}:${var.account_id}:function:${var.name_prefix}-run-etl"

  # Database connections beside RunEtl's (one per reserved slot): the migrate function (1) and
  # operators (5). The variable validation of run_etl_reserved_concurrency keeps the sum within
  # db_max_connections.
  db_connections_headroom = 1 + 5

  # Under reports/ so the reports lifecycle expires them; the backfill writes its Map Run results there and RunEtl
  # (mode backfill-summary) reads them back, so both are given the same prefix.
  backfill_results_prefix = "${trimsuffix(module.storage.reports_prefix, "/")}/backfill"
}

module "network" {
  source = "../network"

  name_prefix                 = var.name_prefix
  vpc_cidr                    = var.vpc_cidr
  availability_zones          = var.availability_zones
  interface_endpoint_services = var.interface_endpoint_services
}

module "storage" {
  source = "../storage"

  name_prefix             = var.name_prefix
  account_id              = var.account_id
  force_destroy           = var.force_destroy_bucket
  reports_expiration_days = var.reports_expiration_days
  # Six times StartWorkflow's timeout, AWS's advice for a queue a Lambda function polls.
  file_events_visibility_timeout_seconds = 6 * var.lambda_timeout_seconds.start_workflow
}

module "database" {
  source = "../database"

  name_prefix                 = var.name_prefix
  account_id                  = var.account_id
  engine_version              = var.db_engine_version
  instance_class              = var.db_instance_class
  allocated_storage_gb        = var.db_allocated_storage_gb
  max_allocated_storage_gb    = var.db_max_allocated_storage_gb
  loader_username             = var.db_loader_username
  loader_password_version     = var.db_loader_password_version
  max_connections             = var.db_max_connections
  multi_az                    = var.db_multi_az
  deletion_protection         = var.db_deletion_protection
  final_snapshot              = var.db_final_snapshot
  backup_retention_days       = var.db_backup_retention_days
  subnet_ids                  = module.network.private_subnet_ids
  security_group_id           = module.network.database_security_group_id
  secret_recovery_window_days = var.secret_recovery_window_days
  run_migrations              = var.run_migrations
  migrate_function_name       = module.functions.migrate_function_name
  migrate_code_sha256         = module.functions.migrate_code_sha256
}

module "functions" {
  source = "../functions"

  name_prefix                  = var.name_prefix
  account_id                   = var.account_id
  artifacts_dir                = var.lambda_artifacts_dir
  architecture                 = var.lambda_architecture
  memory_mb                    = var.lambda_memory_mb
  timeout_seconds              = var.lambda_timeout_seconds
  run_etl_reserved_concurrency = var.run_etl_reserved_concurrency
  run_etl_timeout_margin_ms    = var.run_etl_timeout_margin_ms
  log_retention_days           = var.log_retention_days
  subnet_ids                   = module.network.private_subnet_ids
  security_group_id            = module.network.etl_security_group_id
  state_machine_name           = local.state_machine_name
  bucket_arn                   = module.storage.bucket_arn
  bucket_kms_key_alias         = module.storage.kms_key_alias
  incoming_prefix              = module.storage.incoming_prefix
  reports_prefix               = module.storage.reports_prefix
  backfill_results_prefix      = var.backfill_enabled ? local.backfill_results_prefix : null
  contracts                    = var.contracts
  file_events_queue_arn        = module.storage.file_events_queue_arn
  loader_secret = {
    arn           = module.database.loader_secret_arn
    name          = module.database.loader_secret_name
    kms_key_alias = module.database.kms_key_alias
  }
  master_secret = {
    arn                 = module.database.master_secret_arn
    rds_db_instance_arn = module.database.instance_arn
    kms_key_alias       = module.database.kms_key_alias
  }
  webhook_secret = {
    arn           = module.alerting.webhook_secret_arn
    name          = module.alerting.webhook_secret_name
    kms_key_alias = module.alerting.kms_key_alias
  }
}

module "workflow" {
  source = "../workflow"

  name_prefix        = var.name_prefix
  state_machine_name = local.state_machine_name
  account_id         = var.account_id
  definition_path    = var.state_machine_definition_path
  # Formed from names, so the role policy and the definition are whole at plan time; the key by
  # its alias ARN (the policy module matches it with kms:ResourceAliases).
  run_etl_function_arn     = local.run_etl_function_arn
  alerts_topic_arn         = module.alerting.topic_arn_from_name
  alerts_topic_kms_key_arn = module.alerting.kms_key_alias_arn
  notify_on_success        = var.notify_on_success
  chunked_threshold_bytes  = var.chunked_threshold_bytes
  chunk_bytes              = var.chunk_bytes
  # A chunk invocation holds one connection like any RunEtl invocation: the same budget, capped at the 40
  # iterations an inline Map runs at once.
  chunk_max_concurrency = min(var.run_etl_reserved_concurrency, 40)
  log_level             = var.state_machine_log_level
  log_retention_days    = var.log_retention_days
  tracing_enabled       = var.tracing_enabled
}

# The backfill (issue 18 item 1): a Distributed Map over a prefix, RunEtl per object. Its concurrency is
# RunEtl's reserved concurrency, the connection budget the per-file path shares: a backfill and new
# files compete for the same slots (throttled invocations are retried), never for more connections.
module "backfill" {
  source = "../backfill"
  count  = var.backfill_enabled ? 1 : 0

  name_prefix                  = var.name_prefix
  state_machine_name           = "${var.name_prefix}-backfill"
  account_id                   = var.account_id
  definition_path              = coalesce(var.backfill_definition_path, "${dirname(var.state_machine_definition_path)}/batch.asl.json")
  run_etl_function_arn         = local.run_etl_function_arn
  alerts_topic_arn             = module.alerting.topic_arn_from_name
  alerts_topic_kms_key_arn     = module.alerting.kms_key_alias_arn
  bucket_arn                   = module.storage.bucket_arn
  bucket_kms_key_alias         = module.storage.kms_key_alias
  listing_prefix               = module.storage.incoming_prefix
  max_concurrency              = var.run_etl_reserved_concurrency
  tolerated_failure_percentage = var.backfill_tolerated_failure_percentage
  results_prefix               = local.backfill_results_prefix
  log_level                    = var.state_machine_log_level
  log_retention_days           = var.log_retention_days
  tracing_enabled              = var.tracing_enabled
}

module "alerting" {
  source = "../alerting"

  name_prefix                 = var.name_prefix
  account_id                  = var.account_id
  notify_chat_function_arn    = module.functions.function_arns["notify-chat"]
  email_subscribers           = var.alert_email_subscribers
  chat_receives_alarms        = var.chat_receives_alarms
  secret_recovery_window_days = var.secret_recovery_window_days
}

module "monitoring" {
  source = "../monitoring"

  name_prefix           = var.name_prefix
  alerts_topic_arn      = module.alerting.topic_arn
  state_machine_arn     = module.workflow.state_machine_arn
  run_etl_function_name = module.functions.function_names["run-etl"]
  file_events_dlq_name  = module.storage.file_events_dlq_name

  notify_chat_failures_queue_name = module.functions.notify_chat_failures_queue_name
  db_instance_id                  = module.database.instance_id

  notify_chat_log_group_name = module.functions.log_group_names["notify-chat"]
  # Each RunEtl holds one connection; the rest is headroom for the migration and operators.
  db_connections_threshold        = var.run_etl_reserved_concurrency + local.db_connections_headroom
  db_free_storage_threshold_bytes = floor(module.database.allocated_storage_bytes / 10)
}
