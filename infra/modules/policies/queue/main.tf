# Data-only module: an SQS queue's resource policy. Every request without TLS is denied; when a
# source bucket is given, S3 may send that bucket's event notifications, from this account only.
data "aws_iam_policy_document" "this" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [var.queue_arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # S3 delivers as the service, not through a role; the conditions stop another bucket or account
  # from using the grant (confused deputy).
  dynamic "statement" {
    for_each = var.s3_source_bucket_arn == null ? {} : { AllowBucketNotifications = var.s3_source_bucket_arn }
    content {
      sid       = statement.key
      effect    = "Allow"
      actions   = ["sqs:SendMessage"]
      resources = [var.queue_arn]

      principals {
        type        = "Service"
        identifiers = ["s3.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [statement.value]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [var.account_id]
      }
    }
  }
}
