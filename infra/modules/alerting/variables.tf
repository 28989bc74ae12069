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
  description = "The 12-digit AWS account (KMS key policy)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "notify_chat_function_arn" {
  type        = string
  description = "ARN of the NotifyChat function subscribed to the topic."
}

variable "chat_receives_alarms" {
  type        = bool
  description = "Also deliver CloudWatch alarm messages (no severity attribute) to NotifyChat; only if NotifyChat understands the alarm format."
  default     = false
}

variable "email_subscribers" {
  type        = map(string)
  description = "Email subscriptions, keyed by a stable label (e.g. oncall = \"etl-oncall@example.com\"); each address must confirm."
  default     = {}

  validation {
    condition     = alltrue([for e in values(var.email_subscribers) : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Each email subscriber must be an email address."
  }
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Waiting period before the alerts key is deleted after destroy."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Days a deleted webhook secret can be restored (0 deletes at once)."
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}
