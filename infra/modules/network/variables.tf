variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. txetl-dev."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 range of the VPC."
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 24
    error_message = "vpc_cidr must be an IPv4 CIDR block of /24 or larger."
  }
}

variable "subnet_newbits" {
  type        = number
  description = "Bits added to the VPC prefix for each private subnet (4 turns a /16 into /20 subnets)."
  default     = 4

  validation {
    condition     = var.subnet_newbits >= 1 && var.subnet_newbits <= 8
    error_message = "subnet_newbits must be between 1 and 8."
  }
}

variable "availability_zones" {
  type        = list(string)
  description = "Availability zones for the private subnets (two or more; RDS subnet groups need two)."

  validation {
    condition     = length(var.availability_zones) >= 2 && length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "availability_zones must list at least two distinct zones."
  }
}

variable "interface_endpoint_services" {
  type        = set(string)
  description = "AWS services reachable from RunEtl and Migrate through interface endpoints. secretsmanager is required (GetSecretValue of the database secrets); sts, logs, monitoring and kms are optional (about 7 USD per month per AZ each)."
  default     = ["secretsmanager"]

  validation {
    condition = contains(var.interface_endpoint_services, "secretsmanager") && alltrue([
      for s in var.interface_endpoint_services : contains(["secretsmanager", "sts", "logs", "monitoring", "kms"], s)
    ])
    error_message = "interface_endpoint_services must include secretsmanager and may add sts, logs, monitoring or kms."
  }
}
