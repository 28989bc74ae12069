variable "queue_arn" {
  type        = string
  description = "ARN of the queue the policy protects."

  validation {
    condition     = can(regex("^arn:[a-z-]+:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.queue_arn))
    error_message = "queue_arn must be an SQS queue ARN."
  }
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account of the queue (source account of S3 notifications)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "s3_source_bucket_arn" {
  type        = string
  description = "Bucket whose event notifications may be sent to the queue; null allows no sender (a dead-letter queue)."
  default     = null

  validation {
    condition     = var.s3_source_bucket_arn == null || can(regex("^arn:[a-z-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.s3_source_bucket_arn))
    error_message = "s3_source_bucket_arn must be an S3 bucket ARN or null."
  }
}
