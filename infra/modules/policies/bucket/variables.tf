variable "bucket_arn" {
  type        = string
  description = "ARN of the drop bucket the policy protects."

  validation {
    condition     = can(regex("^arn:[a-z-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_arn))
    error_message = "bucket_arn must be an S3 bucket ARN such as arn:aws:s3:::txetl-dev-drop."
  }
}
