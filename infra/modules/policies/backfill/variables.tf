variable "partition" {
  type        = string
  description = "AWS partition of the ARNs (aws, aws-cn, ...)."
  default     = "aws"
}

variable "region" {
  type        = string
  description = "Region of the state machine and the bucket's KMS key."
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account of the deployment (trust-policy source account)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "state_machine_name" {
  type        = string
  description = "Name of the backfill state machine: its children and Map Runs are named after it."
}

variable "run_etl_function_arn" {
  type        = string
  description = "Unqualified ARN of the RunEtl function each item invokes."
}

variable "alerts_topic_arn" {
  type        = string
  description = "ARN of the SNS topic the per-file alerts and the summary go to."
}

variable "alerts_topic_kms_key_arn" {
  type        = string
  description = "The KMS key of the alerts topic: key ARN or alias ARN (see the workflow policies module)."
}

variable "bucket_arn" {
  type        = string
  description = "ARN of the drop bucket (formed from its name, known at plan time): listed by the ItemReader, results written by the ResultWriter."
}

variable "bucket_kms_key_alias" {
  type        = string
  description = "Alias (alias/<name>) of the bucket's KMS key, for writing results."

  validation {
    condition     = startswith(var.bucket_kms_key_alias, "alias/")
    error_message = "bucket_kms_key_alias must be an alias name (alias/<name>)."
  }
}

variable "listing_prefix" {
  type        = string
  description = "Only prefixes under this one may be listed (s3:prefix condition), e.g. incoming/."

  validation {
    condition     = endswith(var.listing_prefix, "/") && !strcontains(var.listing_prefix, "*")
    error_message = "listing_prefix must end with / and contain no wildcard."
  }
}

variable "results_prefix" {
  type        = string
  description = "Key prefix the ResultWriter writes under (without trailing slash), e.g. reports/backfill."
}

variable "tracing_enabled" {
  type        = bool
  description = "Whether the state machine sends X-Ray traces (adds the X-Ray statement)."
  default     = false
}
