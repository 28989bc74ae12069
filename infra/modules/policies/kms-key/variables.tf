variable "partition" {
  type        = string
  description = "AWS partition of the account (aws, aws-cn, aws-us-gov)."
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-cn", "aws-us-gov"], var.partition)
    error_message = "partition must be aws, aws-cn or aws-us-gov."
  }
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account that owns the key."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "service_principals" {
  type = map(object({
    service = string
    actions = list(string)
  }))
  description = "AWS services that use the key directly (not through an IAM role), keyed by statement id; each gets only the listed actions, restricted to this account."
  default     = {}

  validation {
    condition = alltrue([
      for sid, p in var.service_principals :
      can(regex("^[A-Za-z0-9]+$", sid)) && endswith(p.service, ".amazonaws.com") && length(p.actions) > 0 &&
      alltrue([for a in p.actions : can(regex("^kms:[A-Za-z]+$", a))])
    ])
    error_message = "Each key must be an alphanumeric statement id, each service an *.amazonaws.com principal, each action an explicit kms: action without wildcards."
  }
}
