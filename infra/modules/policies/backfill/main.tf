# Data-only module: the backfill state machine role's trust and permission policies. What the per-file
# state machine may do (invoke RunEtl, publish alerts with the topic's key, log delivery, X-Ray) comes
# from the workflow policies module unchanged; this adds what a Distributed Map needs and nothing more.

locals {
  arn_prefix    = "arn:${var.partition}:states:${var.region}:${var.account_id}"
  results_arn   = "${var.bucket_arn}/${trimsuffix(var.results_prefix, "/")}/*"
  key_arn_glob  = "arn:${var.partition}:kms:${var.region}:${var.account_id}:key/*"
  listing_glob  = "${var.listing_prefix}*"
  state_machine = "${local.arn_prefix}:stateMachine:${var.state_machine_name}"
}

module "base" {
  source = "../workflow"

  account_id               = var.account_id
  run_etl_function_arn     = var.run_etl_function_arn
  alerts_topic_arn         = var.alerts_topic_arn
  alerts_topic_kms_key_arn = var.alerts_topic_kms_key_arn
  tracing_enabled          = var.tracing_enabled
}

data "aws_iam_policy_document" "this" {
  source_policy_documents = [module.base.json]

  # The Distributed Map runs each item as a child execution of this same state machine.
  statement {
    sid       = "StartChildExecutions"
    effect    = "Allow"
    actions   = ["states:StartExecution"]
    resources = [local.state_machine]
  }

  # AWS documents these for the Map Run to follow and stop its children (child executions are named
  # <state machine>/<map run label>:<id>).
  statement {
    sid       = "ManageChildExecutions"
    effect    = "Allow"
    actions   = ["states:DescribeExecution", "states:StopExecution"]
    resources = ["${local.arn_prefix}:execution:${var.state_machine_name}/*"]
  }

  # The summary step reads the Map Run's item counts.
  statement {
    sid       = "DescribeMapRuns"
    effect    = "Allow"
    actions   = ["states:DescribeMapRun"]
    resources = ["${local.arn_prefix}:mapRun:${var.state_machine_name}/*"]
  }

  # The S3 ItemReader (ListObjectsV2) on the bucket, only for prefixes under the listing prefix.
  statement {
    sid       = "ListBackfillPrefix"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [local.listing_glob]
    }
  }

  # ResultWriter: the manifest and result files (multipart for large results), under the results prefix only.
  statement {
    sid       = "WriteMapRunResults"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"]
    resources = [local.results_arn]
  }

  # The bucket is SSE-KMS: writing results needs a data key, through S3 only, of the bucket's key.
  statement {
    sid       = "UseBucketKeyThroughS3"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [local.key_arn_glob]

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = [var.bucket_kms_key_alias]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.region}.amazonaws.com"]
    }
  }
}
