# Test helper (no resources, no provider): audits one IAM policy document. Allow statements must
# name explicit actions (no "*" anywhere in an action, no NotAction) and resources that start with
# one of the project's ARN prefixes. A statement whose Sid is listed in wildcard_resource_sids may
# use exactly Resource "*" (AWS requires it for a few actions); its actions are still checked.
# Allow statements open to every principal are reported too (resource policies).
terraform {
  required_version = ">= 1.11.0"
}

variable "policy" {
  type        = string
  description = "The policy document JSON to audit."
}

variable "allowed_arn_prefixes" {
  type        = list(string)
  description = "ARN prefixes of the project's resources; every Allow resource must start with one."
}

variable "wildcard_resource_sids" {
  type        = list(string)
  description = "Sids of the statements allowed to use Resource \"*\" because AWS requires it."
  default     = []
}

locals {
  statements = [
    for s in jsondecode(var.policy).Statement : merge(s, {
      Sid      = try(s.Sid, "")
      Action   = flatten([try(s.Action, [])])
      Resource = flatten([try(s.Resource, [])])
    })
  ]
  allows = [for s in local.statements : s if s.Effect == "Allow"]

  wildcard_actions = concat(
    flatten([for s in local.allows : [for a in s.Action : "${s.Sid}: ${a}" if strcontains(a, "*")]]),
    [for s in local.allows : "${s.Sid}: NotAction" if can(s.NotAction)],
  )

  unscoped_resources = concat(
    flatten([
      for s in local.allows : [
        for r in s.Resource : "${s.Sid}: ${r}"
        if contains(var.wildcard_resource_sids, s.Sid) ? r != "*" : !anytrue([for p in var.allowed_arn_prefixes : startswith(r, p)])
      ]
    ]),
    [for s in local.allows : "${s.Sid}: NotResource" if can(s.NotResource)],
    [for s in local.allows : "${s.Sid}: no resource" if length(s.Resource) == 0],
  )
}

output "public_principals" {
  description = "Allow statements open to everyone (Principal \"*\" or AWS \"*\"), as Sids."
  value = [
    for s in local.allows : s.Sid
    if try(s.Principal == "*", false) || contains(flatten([try(s.Principal.AWS, [])]), "*")
  ]
}

output "statements" {
  description = "Statements keyed by Sid, with Action and Resource normalised to lists."
  value       = { for s in local.statements : s.Sid => s }
}

output "wildcard_actions" {
  description = "Allow-statement actions containing a wildcard, as \"Sid: action\"."
  value       = local.wildcard_actions
}

output "unscoped_resources" {
  description = "Allow-statement resources outside the project's ARNs, as \"Sid: resource\"."
  value       = local.unscoped_resources
}

output "wildcard_resource_statements" {
  description = "Sids of Allow statements that use Resource \"*\"."
  value       = [for s in local.allows : s.Sid if contains(s.Resource, "*")]
}
