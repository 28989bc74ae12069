# prod: Multi-AZ database with deletion protection, final snapshot and two weeks of backups;
# nothing is force-destroyed; traces on.
module "etl" {
  source = "../../modules/transaction-etl"

  name_prefix                   = "txetl-prod"
  account_id                    = var.account_id
  availability_zones            = var.availability_zones
  lambda_artifacts_dir          = var.lambda_artifacts_dir
  lambda_architecture           = var.lambda_architecture
  state_machine_definition_path = var.state_machine_definition_path
  alert_email_subscribers       = var.alert_email_subscribers
  contracts                     = var.contracts

  run_etl_reserved_concurrency = 10
  backfill_enabled             = true
  state_machine_log_level      = "ERROR"
  tracing_enabled              = true
  log_retention_days           = 90

  # Raise by one and apply to rotate the loader password (docs/deploy.md).
  db_loader_password_version = 1

  # Connection budget: RunEtl's reserved concurrency + 1 (migrate) + 5 (operators) must fit.
  db_max_connections = 200

  db_instance_class       = "db.m7g.large"
  db_allocated_storage_gb = 100
  # AWS wants the autoscaling ceiling at least 10% above the allocation.
  db_max_allocated_storage_gb = 200
  db_multi_az                 = true
  db_deletion_protection      = true
  db_final_snapshot           = true
  db_backup_retention_days    = 14
  force_destroy_bucket        = false
  reports_expiration_days     = 365

  secret_recovery_window_days = 30
}
