output "function_arns" {
  description = "Function ARN per key (start-workflow, run-etl, notify-chat, migrate)."
  value       = { for k, f in aws_lambda_function.this : k => f.arn }
}

output "function_names" {
  description = "Function name per key."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "migrate_function_name" {
  description = "Name of the migrate function, available once its role policy is attached (for the migration step)."
  value       = aws_lambda_function.this["migrate"].function_name
  depends_on  = [aws_iam_role_policy.this]
}

output "migrate_code_sha256" {
  description = "Hash of the deployed migrate package (a new one re-runs the migration step)."
  value       = aws_lambda_function.this["migrate"].source_code_hash
}

output "state_machine_arn" {
  description = "The state machine ARN StartWorkflow was configured with."
  value       = local.state_machine_arn
}

output "role_arns" {
  description = "Execution role ARN per function."
  value       = { for k, r in aws_iam_role.this : k => r.arn }
}

output "log_group_names" {
  description = "Log group name per function."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}

output "environment" {
  description = "Environment variables per function key, as deployed (secret ARNs, never secret values)."
  value       = local.function_environment
}

output "notify_chat_failures_queue_name" {
  description = "Queue of alerts NotifyChat failed on after its retries (CloudWatch dimension QueueName)."
  value       = aws_sqs_queue.notify_chat_failures.name
}
