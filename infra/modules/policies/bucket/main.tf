# Data-only module: the drop bucket's resource policy. Kept apart from the storage module so that
# tests can render it with the real provider (mock providers return fake JSON).

data "aws_iam_policy_document" "this" {
  # Deny is the one place a wildcard action is right: every S3 action over plain HTTP is refused.
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      var.bucket_arn,
      "${var.bucket_arn}/*",
    ]

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

  # A writer that names an encryption must name SSE-KMS: no SSE-S3. Writers that send no encryption
  # header get the bucket default (this key) and must not be denied, hence the Null conditions: a
  # negated operator alone (or ...IfExists) is true for a missing header.
  statement {
    sid       = "DenyOtherEncryption"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${var.bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }
  }

  # Writers get the bucket's default key (this one) by sending no key header; a request that names
  # any key is refused. Matching the header against this key's ARN would leave the policy unknown
  # until the key exists, and a header naming this key adds nothing.
  statement {
    sid       = "DenyNamedKmsKey"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${var.bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = ["false"]
    }
  }
}
