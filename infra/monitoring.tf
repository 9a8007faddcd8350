# Alarms for what needs a human: messages Miniloop gave up on, and stream
# consumers falling behind (a stuck indexer blocks its shard by design, see
# event_sources.tf.json; DynamoDB Streams keep records for 24 hours).

locals {
  alarm_actions = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "queue_not_empty" {
  for_each = {
    outbox_dlq  = aws_sqs_queue.outbox_dlq.name
    rebuild_dlq = aws_sqs_queue.rebuild_dlq.name
    failures    = aws_sqs_queue.failures.name
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
    index_events      = aws_lambda_function.index_events.function_name
    index_behaviour   = aws_lambda_function.index_behaviour.function_name
    project_log       = aws_lambda_function.project_log.function_name
    project_behaviour = aws_lambda_function.project_behaviour.function_name
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

# A projection that fails on an event is parked there (chalicelib/projections/runner.py,
# "Failure isolation") and logs a line starting "projection parked", wherever the
# runner ran: the projector, the schedules (run_due_jobs repeats the line every
# minute while a projection stays parked, so the alarm stays raised until it is
# resumed), the rebuild (rebuild_projections, continue_rebuild) and the API
# (resume, rebuild, jobs/run). Commands and the other
# projections carry on; the parked read model goes stale.
resource "aws_cloudwatch_log_metric_filter" "projection_parked" {
  for_each = toset(["api_handler", "project_log", "project_behaviour", "run_due_jobs", "rebuild_projections", "continue_rebuild"])

  name           = "${local.function_names[each.key]}-projection-parked"
  log_group_name = aws_cloudwatch_log_group.lambda[each.key].name
  pattern        = "\"projection parked\""

  metric_transformation {
    name      = "ProjectionParked"
    namespace = "Miniloop/${var.prefix}"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "projection_parked" {
  alarm_name          = "${var.prefix}-projection-parked"
  alarm_description   = "A projection failed on an event and is parked there; see GET /admin/projections and infra/README.md, Operating."
  namespace           = "Miniloop/${var.prefix}"
  metric_name         = "ProjectionParked"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  depends_on          = [aws_cloudwatch_log_metric_filter.projection_parked]
}

# A rebuild relayed through the rebuild queue (chalicelib/rebuild_relay.py)
# that is still unfinished after MINILOOP_REBUILD_MAX_CONTINUATIONS invocations
# stops handing over and logs a line starting "rebuild stalled": readers stay
# on the current generations, and the next nightly rebuild continues it.
resource "aws_cloudwatch_log_metric_filter" "rebuild_stalled" {
  for_each = toset(["rebuild_projections", "continue_rebuild"])

  name           = "${local.function_names[each.key]}-rebuild-stalled"
  log_group_name = aws_cloudwatch_log_group.lambda[each.key].name
  pattern        = "\"rebuild stalled\""

  metric_transformation {
    name      = "RebuildStalled"
    namespace = "Miniloop/${var.prefix}"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "rebuild_stalled" {
  alarm_name          = "${var.prefix}-rebuild-stalled"
  alarm_description   = "A rebuild of the projections gave up after its maximum number of continuations; see infra/README.md, Operating."
  namespace           = "Miniloop/${var.prefix}"
  metric_name         = "RebuildStalled"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  depends_on          = [aws_cloudwatch_log_metric_filter.rebuild_stalled]
}
