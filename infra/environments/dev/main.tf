# dev: cheap and disposable. Single-AZ database without deletion protection or final snapshot,
# buckets and secrets that can be destroyed at once, verbose execution logs.
module "etl" {
  source = "../../modules/transaction-etl"

  name_prefix                   = "txetl-dev"
  account_id                    = var.account_id
  availability_zones            = var.availability_zones
  lambda_artifacts_dir          = var.lambda_artifacts_dir
  lambda_architecture           = var.lambda_architecture
  state_machine_definition_path = var.state_machine_definition_path
  alert_email_subscribers       = var.alert_email_subscribers
  contracts                     = var.contracts

  run_etl_reserved_concurrency = 2
  state_machine_log_level      = "ALL"
  log_retention_days           = 14

  # Raise by one and apply to rotate the loader password (docs/deploy.md).
  db_loader_password_version = 1

  # Connection budget: RunEtl's reserved concurrency + 1 (migrate) + 5 (operators) must fit.
  db_max_connections = 50

  db_instance_class        = "db.t4g.micro"
  db_multi_az              = false
  db_deletion_protection   = false
  db_final_snapshot        = false
  db_backup_retention_days = 1
  force_destroy_bucket     = true
  reports_expiration_days  = 14

  secret_recovery_window_days = 0
}
