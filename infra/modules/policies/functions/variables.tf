variable "partition" {
  type        = string
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-cn", "aws-us-gov"], var.partition)
    error_message = "partition must be aws, aws-cn or aws-us-gov."
  }
}

variable "region" {
  type        = string
  description = "AWS region of the deployment, e.g. eu-central-1."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like eu-central-1."
  }
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account of the deployment."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "log_group_arns" {
  type        = map(string)
  description = "CloudWatch log group ARN (without a trailing :*) per function: keys start-workflow, run-etl, notify-chat, migrate."

  validation {
    condition     = toset(keys(var.log_group_arns)) == toset(["start-workflow", "run-etl", "notify-chat", "migrate"])
    error_message = "log_group_arns must have exactly the keys start-workflow, run-etl, notify-chat and migrate."
  }
}

variable "state_machine_arn" {
  type        = string
  description = "ARN of the ETL state machine StartWorkflow starts."

  validation {
    condition     = can(regex("^arn:[a-z-]+:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]+$", var.state_machine_arn))
    error_message = "state_machine_arn must be a Step Functions state machine ARN."
  }
}

variable "file_events_queue_arn" {
  type        = string
  description = "ARN of the SQS queue of S3 new-file events that StartWorkflow consumes."

  validation {
    condition     = can(regex("^arn:[a-z-]+:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.file_events_queue_arn))
    error_message = "file_events_queue_arn must be an SQS queue ARN."
  }
}

variable "bucket_arn" {
  type        = string
  description = "ARN of the drop bucket."

  validation {
    condition     = can(regex("^arn:[a-z-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_arn))
    error_message = "bucket_arn must be an S3 bucket ARN."
  }
}

variable "bucket_kms_key_arn" {
  type        = string
  description = "ARN of the KMS key that encrypts the drop bucket."

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.bucket_kms_key_arn))
    error_message = "bucket_kms_key_arn must be a KMS key ARN."
  }
}

variable "incoming_prefix" {
  type        = string
  description = "Key prefix RunEtl may read (where files are dropped)."
  default     = "incoming/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/$", var.incoming_prefix))
    error_message = "incoming_prefix must be one path segment ending in '/', e.g. incoming/."
  }
}

variable "reports_prefix" {
  type        = string
  description = "Key prefix RunEtl may write reports to."
  default     = "reports/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/$", var.reports_prefix))
    error_message = "reports_prefix must be one path segment ending in '/', e.g. reports/."
  }
}

variable "run_etl_secrets" {
  type = map(object({
    arn         = string
    name        = string
    kms_key_arn = string
  }))
  description = "Secrets Manager secrets RunEtl reads (the loader secret only), keyed by purpose."

  validation {
    condition = length(var.run_etl_secrets) > 0 && alltrue([
      for s in values(var.run_etl_secrets) :
      can(regex("^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", s.arn)) &&
      can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", s.kms_key_arn)) && length(s.name) > 0
    ])
    error_message = "run_etl_secrets needs at least one entry; each arn must be a secret ARN and kms_key_arn a KMS key ARN."
  }
}

variable "migrate_secrets" {
  type = map(object({
    arn         = string
    name        = string
    kms_key_arn = string
  }))
  description = "Secrets Manager secrets the migrate function reads (master and loader), keyed by purpose."

  validation {
    condition = length(var.migrate_secrets) > 0 && alltrue([
      for s in values(var.migrate_secrets) :
      can(regex("^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", s.arn)) &&
      can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", s.kms_key_arn)) && length(s.name) > 0
    ])
    error_message = "migrate_secrets needs at least one entry; each arn must be a secret ARN and kms_key_arn a KMS key ARN."
  }
}

variable "notify_chat_secrets" {
  type = map(object({
    arn         = string
    name        = string
    kms_key_arn = string
  }))
  description = "Secrets Manager secrets NotifyChat reads (the webhook URLs), keyed by purpose."

  validation {
    condition = length(var.notify_chat_secrets) > 0 && alltrue([
      for s in values(var.notify_chat_secrets) :
      can(regex("^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", s.arn)) &&
      can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", s.kms_key_arn)) && length(s.name) > 0
    ])
    error_message = "notify_chat_secrets needs at least one entry; each arn must be a secret ARN and kms_key_arn a KMS key ARN."
  }
}
