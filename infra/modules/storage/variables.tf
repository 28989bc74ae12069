variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. txetl-dev."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account (part of the default bucket name; source account of the S3 notifications)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "bucket_name" {
  type        = string
  description = "Name of the drop bucket; null derives <name_prefix>-drop-<account_id>."
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Let terraform destroy delete a non-empty bucket (all files and versions). Keep false outside throwaway environments."
  default     = false
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Waiting period before the bucket key is deleted after destroy."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "incoming_prefix" {
  type        = string
  description = "Key prefix where files are dropped; only these objects trigger the workflow."
  default     = "incoming/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/$", var.incoming_prefix))
    error_message = "incoming_prefix must be one path segment ending in '/'."
  }
}

variable "incoming_suffix" {
  type        = string
  description = "Key suffix of files that trigger the workflow."
  default     = ".csv"

  validation {
    condition     = can(regex("^\\.[A-Za-z0-9]+$", var.incoming_suffix))
    error_message = "incoming_suffix must be a file extension such as .csv."
  }
}

variable "reports_prefix" {
  type        = string
  description = "Key prefix of RunEtl's reports (rejected rows, summaries)."
  default     = "reports/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/$", var.reports_prefix))
    error_message = "reports_prefix must be one path segment ending in '/'."
  }
}

variable "reports_expiration_days" {
  type        = number
  description = "Days after which report objects expire."
  default     = 90

  validation {
    condition     = var.reports_expiration_days >= 1
    error_message = "reports_expiration_days must be at least 1."
  }
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "Days after which overwritten or deleted object versions are removed."
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "file_events_visibility_timeout_seconds" {
  type        = number
  description = "Visibility timeout of the file-events queue: six times StartWorkflow's timeout (AWS's advice for Lambda event sources)."
  default     = 180

  validation {
    condition     = var.file_events_visibility_timeout_seconds >= 18 && var.file_events_visibility_timeout_seconds <= 43200
    error_message = "file_events_visibility_timeout_seconds must be between 18 and 43200."
  }
}

variable "file_events_max_receive_count" {
  type        = number
  description = "Receives of one file event before it moves to the dead-letter queue."
  default     = 5

  validation {
    condition     = var.file_events_max_receive_count >= 1 && var.file_events_max_receive_count <= 1000
    error_message = "file_events_max_receive_count must be between 1 and 1000."
  }
}
