# Alarms for what needs a human: messages Miniloop gave up on, and stream
# consumers falling behind (a stuck indexer blocks its shard by design, see
# event_sources.tf.json; DynamoDB Streams keep records for 24 hours).

locals {
  alarm_actions = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "queue_not_empty" {
  for_each = {
    outbox_dlq = aws_sqs_queue.outbox_dlq.name
    failures   = aws_sqs_queue.failures.name
  }

  alarm_name          = "${each.value}-not-empty"
  alarm_description   = "Messages Miniloop gave up on wait in ${each.value}; see infra/README.md, Operating."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "stream_behind" {
  for_each = {
    index_events = aws_lambda_function.index_events.function_name
    project_log  = aws_lambda_function.project_log.function_name
  }

  alarm_name          = "${each.value}-behind"
  alarm_description   = "${each.value} is more than 10 minutes behind its DynamoDB stream; see infra/README.md, Operating."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  dimensions          = { FunctionName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 600000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "function_errors" {
  for_each = local.function_names

  alarm_name          = "${each.value}-errors"
  alarm_description   = "${each.value} failed invocations."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}
