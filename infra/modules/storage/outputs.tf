output "bucket_name" {
  description = "Name of the drop bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the drop bucket (formed from its name, known at plan time)."
  value       = local.bucket_arn
}

output "kms_key_alias" {
  description = "Alias of the bucket's KMS key (role policies match the key by kms:ResourceAliases)."
  value       = aws_kms_alias.this.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the bucket."
  value       = aws_kms_key.this.arn
}

output "incoming_prefix" {
  description = "Key prefix that triggers the workflow."
  value       = var.incoming_prefix
}

output "reports_prefix" {
  description = "Key prefix of RunEtl's reports."
  value       = var.reports_prefix
}

output "file_events_queue_arn" {
  description = "ARN of the queue S3 sends new-file events to (StartWorkflow's event source)."
  value       = aws_sqs_queue.file_events.arn
}

output "file_events_queue_name" {
  description = "Name of the file-events queue."
  value       = aws_sqs_queue.file_events.name
}

output "file_events_dlq_name" {
  description = "Name of the file-events dead-letter queue (CloudWatch dimension QueueName)."
  value       = aws_sqs_queue.file_events_dlq.name
}
