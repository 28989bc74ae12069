output "bucket_name" {
  description = "Drop bucket; upload files under incoming/."
  value       = module.storage.bucket_name
}

output "state_machine_arn" {
  description = "ARN of the ETL state machine."
  value       = module.workflow.state_machine_arn

  # StartWorkflow's ARN is derived from the name (see the functions module); catch any drift.
  precondition {
    condition     = module.functions.state_machine_arn == module.workflow.state_machine_arn
    error_message = "StartWorkflow is configured with ${module.functions.state_machine_arn} but the state machine is ${module.workflow.state_machine_arn}."
  }
}

output "run_etl_function_arn" {
  description = "ARN of RunEtl as the state machine invokes it."
  value       = module.functions.function_arns["run-etl"]

  # The workflow gets the ARN formed from the name (known at plan time); catch any drift.
  precondition {
    condition     = module.functions.function_arns["run-etl"] == local.run_etl_function_arn
    error_message = "The state machine invokes ${local.run_etl_function_arn} but RunEtl is ${module.functions.function_arns["run-etl"]}."
  }
}

output "function_names" {
  description = "Lambda function names by key."
  value       = module.functions.function_names
}

output "function_environment" {
  description = "Environment variables per function key (secret ARNs, never secret values)."
  value       = module.functions.environment
}

output "alerts_topic_arn" {
  description = "ARN of the alerts topic."
  value       = module.alerting.topic_arn
}

output "webhook_secret_name" {
  description = "Secret to put the chat webhook URLs into."
  value       = module.alerting.webhook_secret_name
}

output "database_address" {
  description = "Private address of the database."
  value       = module.database.address
}

output "loader_secret_name" {
  description = "Secret of the loader database role."
  value       = module.database.loader_secret_name
}

output "loader_username" {
  description = "Database login role of the ETL (member of the group role txetl_loader)."
  value       = module.database.loader_username
}

output "file_events_queue_name" {
  description = "Queue of new-file events StartWorkflow consumes."
  value       = module.storage.file_events_queue_name
}

output "file_events_dlq_name" {
  description = "Dead-letter queue of file events StartWorkflow kept failing on (alarmed)."
  value       = module.storage.file_events_dlq_name
}

output "dashboard_name" {
  description = "CloudWatch dashboard."
  value       = module.monitoring.dashboard_name
}

output "migration_result" {
  description = "What the migration step returned."
  value       = module.database.migration_result
}

output "backfill_state_machine_arn" {
  description = "ARN of the backfill state machine (null unless backfill_enabled): TXETL_BACKFILL_STATE_MACHINE_ARN for txetl aws backfill."
  value       = one(module.backfill[*].state_machine_arn)
}
