variable "region" {
  type        = string
  description = "AWS region of the environment."
  default     = "eu-central-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like eu-central-1."
  }
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account of this environment (the provider refuses any other)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "availability_zones" {
  type        = list(string)
  description = "Two or more availability zones of the region."
  default     = ["eu-central-1a", "eu-central-1b"]

  validation {
    condition     = length(var.availability_zones) >= 2 && alltrue([for az in var.availability_zones : startswith(az, var.region)])
    error_message = "availability_zones must list two or more zones of var.region (e.g. eu-central-1a, eu-central-1b)."
  }
}

variable "lambda_artifacts_dir" {
  type        = string
  description = "Directory of the Lambda zips built by `bash scripts/package-lambda.sh`, relative to this directory."
  default     = "../../../artifacts/lambda"
}

variable "lambda_architecture" {
  type        = string
  description = "x86_64 (default build) or arm64 (build with the linux-arm64 option)."
  default     = "x86_64"
}

variable "state_machine_definition_path" {
  type        = string
  description = "ASL definition file, relative to this directory."
  default     = "../../../statemachine/etl.asl.json"
}

variable "contracts" {
  type        = map(string)
  description = "Which contract loads which key prefix: prefix under incoming/ => contract object key under contracts/ (upload it, and the rule files it names, before files arrive), or builtin:transactions.contract.json. The longest matching prefix decides; a file under no prefix is rejected (no-contract) and alerted. See docs/deploy.md, Contracts per prefix."
  default     = { "incoming/" = "builtin:transactions.contract.json" }
}

variable "alert_email_subscribers" {
  type        = map(string)
  description = "Email addresses subscribed to the alerts topic, keyed by label."
  default     = {}
}
