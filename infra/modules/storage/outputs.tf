output "bucket_name" {
  description = "Name of the drop bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the drop bucket."
  value       = aws_s3_bucket.this.arn
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
