# Data-only module: a customer-managed KMS key policy. The account's IAM policies get the explicit
# list of key actions (no "kms:*"), and AWS services that cannot use an IAM role (CloudWatch alarms
# publishing to an encrypted SNS topic) are named one by one with a source-account condition.
locals {
  # Everything an administrator needs, including PutKeyPolicy so the key can never be orphaned.
  account_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]
}

data "aws_iam_policy_document" "this" {
  # In a key policy "Resource": "*" means "this key" (AWS requires exactly that value).
  statement {
    sid       = "AccountIamPolicies"
    effect    = "Allow"
    actions   = local.account_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${var.partition}:iam::${var.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = var.service_principals
    content {
      sid       = statement.key
      effect    = "Allow"
      actions   = statement.value.actions
      resources = ["*"] # key policy: "*" is this key, see above

      principals {
        type        = "Service"
        identifiers = [statement.value.service]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [var.account_id]
      }
    }
  }
}
