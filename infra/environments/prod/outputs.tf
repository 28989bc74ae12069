output "bucket_name" {
  description = "Drop bucket; upload files under incoming/."
  value       = module.etl.bucket_name
}

output "state_machine_arn" {
  description = "ARN of the ETL state machine."
  value       = module.etl.state_machine_arn
}

output "function_names" {
  description = "Lambda function names by key."
  value       = module.etl.function_names
}

output "function_environment" {
  description = "Environment variables per function key (secret ARNs, never secret values): the plan shows every name even where the provider hides the function's whole map."
  value       = module.etl.function_environment
}

output "webhook_secret_name" {
  description = "Secret to put the chat webhook URLs into (docs/deploy.md)."
  value       = module.etl.webhook_secret_name
}

output "loader_username" {
  description = "Database login role of the ETL (its password is only in the loader secret)."
  value       = module.etl.loader_username
}

output "file_events_dlq_name" {
  description = "Dead-letter queue of file events StartWorkflow kept failing on (docs/operations.md)."
  value       = module.etl.file_events_dlq_name
}

output "dashboard_name" {
  description = "CloudWatch dashboard."
  value       = module.etl.dashboard_name
}

output "migration_result" {
  description = "What the migration step returned."
  value       = module.etl.migration_result
}

output "backfill_state_machine_arn" {
  description = "ARN of the backfill state machine (null where backfill_enabled is off): export it as TXETL_BACKFILL_STATE_MACHINE_ARN for txetl aws backfill."
  value       = module.etl.backfill_state_machine_arn
}
