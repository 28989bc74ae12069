# Data-only module: the execution-role policies of the four Lambda functions, each scoped to the
# exact ARNs that function touches. Kept apart from the functions module so the JSON can be checked
# with the real provider in tests.
locals {
  secrets_via = "secretsmanager.${var.region}.amazonaws.com"

  # Known before anything exists: Secrets Manager appends "-" and six random characters to a
  # secret's name, RDS names its secrets rds!db-<uuid> and tags them with the instance, and a KMS
  # key is matched by its alias.
  secret_arn_prefix = "arn:${var.partition}:secretsmanager:${var.region}:${var.account_id}:secret:"
  any_key_arn       = "arn:${var.partition}:kms:${var.region}:${var.account_id}:key/*"

  # RunEtl reads contracts only when the mapping names a contract object; the built-in one is in the package.
  reads_contracts = anytrue([for c in values(var.contracts) : startswith(c, var.contracts_prefix)])
  secret_grants = {
    for fn, g in {
      "run-etl"     = { secrets = var.run_etl_secrets, label = "Database" }
      "migrate"     = { secrets = var.migrate_secrets, label = "Database" }
      "notify-chat" = { secrets = var.notify_chat_secrets, label = "Webhook" }
      } : fn => {
      label = g.label
      named = [for s in values(g.secrets) : "${local.secret_arn_prefix}${s.name}-??????" if s.name != null]
      rds   = distinct([for s in values(g.secrets) : s.rds_db_instance_arn if s.rds_db_instance_arn != null])
      keys  = distinct([for s in values(g.secrets) : s.kms_key_alias])
    }
  }
}

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# StartWorkflow: start executions of the one state machine; consume the file-events queue.
data "aws_iam_policy_document" "start_workflow" {
  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${var.log_group_arns["start-workflow"]}:*"]
  }

  statement {
    sid       = "StartEtlExecutions"
    effect    = "Allow"
    actions   = ["states:StartExecution"]
    resources = [var.state_machine_arn]
  }

  # Lambda's SQS poller calls these with the function's role (the queue uses SSE-SQS: no KMS key).
  statement {
    sid       = "ConsumeFileEvents"
    effect    = "Allow"
    actions   = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
    resources = [var.file_events_queue_arn]
  }
}

# RunEtl: read the dropped file, write its reports, read the loader secret, run in the VPC.
data "aws_iam_policy_document" "run_etl" {
  source_policy_documents = [data.aws_iam_policy_document.secrets["run-etl"].json, data.aws_iam_policy_document.vpc_access.json]

  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${var.log_group_arns["run-etl"]}:*"]
  }

  statement {
    sid       = "ReadIncomingFiles"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${var.bucket_arn}/${var.incoming_prefix}*"]
  }

  # The contract objects and the rule files they name (keys relative to the contract's, so not known
  # here): a HEAD of the current version (s3:GetObject) and a GET pinned to it (s3:GetObjectVersion).
  dynamic "statement" {
    for_each = local.reads_contracts ? { ReadContracts = "${var.bucket_arn}/${var.contracts_prefix}*" } : {}
    content {
      sid       = statement.key
      effect    = "Allow"
      actions   = ["s3:GetObject", "s3:GetObjectVersion"]
      resources = [statement.value]
    }
  }

  # The backfill's counting step (RunEtl mode backfill-summary) GETs the Map Run results the ResultWriter wrote: the
  # manifest.json it is given and the result files beside it, nothing else under reports/.
  dynamic "statement" {
    for_each = var.backfill_results_prefix == null ? {} : { ReadBackfillResults = "${var.bucket_arn}/${var.backfill_results_prefix}/*" }
    content {
      sid       = statement.key
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = [statement.value]
    }
  }

  # Large reports are uploaded in parts; a failed upload is aborted so no parts are left behind.
  statement {
    sid       = "WriteReports"
    effect    = "Allow"
    actions   = ["s3:AbortMultipartUpload", "s3:PutObject"]
    resources = ["${var.bucket_arn}/${var.reports_prefix}*"]
  }

  statement {
    sid       = "UseBucketKeyThroughS3"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [local.any_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = [var.bucket_kms_key_alias]
    }
  }
}

# NotifyChat: read the webhook secret; park alerts it failed on in its on-failure queue.
data "aws_iam_policy_document" "notify_chat" {
  source_policy_documents = [data.aws_iam_policy_document.secrets["notify-chat"].json]

  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${var.log_group_arns["notify-chat"]}:*"]
  }

  # Lambda delivers the on-failure destination record with the function's own role.
  statement {
    sid       = "SendFailedAlerts"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [var.notify_chat_failures_queue_arn]
  }
}

# Migrate: the schema and the loader login role, with the master secret (and the loader secret,
# whose user name and password it sets on the role); in the VPC like RunEtl.
data "aws_iam_policy_document" "migrate" {
  source_policy_documents = [data.aws_iam_policy_document.secrets["migrate"].json, data.aws_iam_policy_document.vpc_access.json]

  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${var.log_group_arns["migrate"]}:*"]
  }
}

# Reading a function's secrets: GetSecretValue on the named ones (and on RDS-managed ones by their
# instance tag), Decrypt of their keys through Secrets Manager only. Merged into the function
# documents above; the Sids say whose secrets (Database for RunEtl and Migrate, Webhook for NotifyChat).
data "aws_iam_policy_document" "secrets" {
  for_each = local.secret_grants

  statement {
    sid       = "Read${each.value.label}Secrets"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = each.value.named
  }

  # An RDS-managed secret's name has a random part; its tag names the instance.
  dynamic "statement" {
    for_each = length(each.value.rds) > 0 ? { ReadRdsManagedSecrets = each.value.rds } : {}
    content {
      sid       = statement.key
      effect    = "Allow"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = ["${local.secret_arn_prefix}rds!db-*"]

      condition {
        test     = "StringEquals"
        variable = "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn"
        values   = statement.value
      }
    }
  }

  statement {
    sid       = "Decrypt${each.value.label}Secrets"
    effect    = "Allow"
    actions   = ["kms:Decrypt"]
    resources = [local.any_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [local.secrets_via]
    }

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = each.value.keys
    }
  }
}

# Lambda creates and deletes an in-VPC function's network interfaces with its role. EC2 does not
# support resource-level permissions for Describe*, and the interfaces do not exist before Lambda
# creates them, so AWS requires "*" here (it is also what AWSLambdaVPCAccessExecutionRole grants).
# The tests allow exactly this statement to use "*". Merged into RunEtl's and Migrate's documents.
data "aws_iam_policy_document" "vpc_access" {
  statement {
    sid    = "ManageVpcNetworkInterfaces"
    effect = "Allow"
    actions = [
      "ec2:AssignPrivateIpAddresses",
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "ec2:UnassignPrivateIpAddresses",
    ]
    resources = ["*"]
  }
}
