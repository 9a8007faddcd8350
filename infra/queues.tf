# The outbox queue carries side-effect intents (WeChat Pay refunds, messages)
# from the projector and the schedules to send_outbox. A message the sender
# fails 5 times moves to the dead-letter queue, where an alarm finds it.

locals {
  # AWS: a queue's visibility timeout should be at least 6x the timeout of the
  # function its event source mapping feeds, so a message being retried by the
  # Lambda poller is not handed out again meanwhile.
  outbox_visibility_timeout  = 6 * local.function_timeouts.send_outbox
  rebuild_visibility_timeout = 6 * local.function_timeouts.continue_rebuild
}

resource "aws_sqs_queue" "outbox" {
  name                       = "${var.prefix}-outbox"
  visibility_timeout_seconds = local.outbox_visibility_timeout
  message_retention_seconds  = 4 * 24 * 3600
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.outbox_dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_sqs_queue" "outbox_dlq" {
  name                      = "${var.prefix}-outbox-dlq"
  message_retention_seconds = 14 * 24 * 3600
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue_redrive_allow_policy" "outbox_dlq" {
  queue_url = aws_sqs_queue.outbox_dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.outbox.arn]
  })
}

# The rebuild queue relays a rebuild of the projections from one invocation to
# the next (chalicelib/rebuild_relay.py): rebuild_projections, then each
# continue_rebuild, sends one message while the rebuild is unfinished. A
# continuation that fails 3 times (it raised, or Lambda timed out) moves to the
# dead-letter queue, where an alarm finds it; the next nightly rebuild
# continues from where the new generations stand.
resource "aws_sqs_queue" "rebuild" {
  name                       = "${var.prefix}-rebuild"
  visibility_timeout_seconds = local.rebuild_visibility_timeout
  message_retention_seconds  = 4 * 24 * 3600
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.rebuild_dlq.arn
    maxReceiveCount     = 3
  })
}

resource "aws_sqs_queue" "rebuild_dlq" {
  name                      = "${var.prefix}-rebuild-dlq"
  message_retention_seconds = 14 * 24 * 3600
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue_redrive_allow_policy" "rebuild_dlq" {
  queue_url = aws_sqs_queue.rebuild_dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.rebuild.arn]
  })
}

# Where Lambda parks what it gave up on: stream batches the indexer or the
# projector failed maximum_retry_attempts times (the message holds the shard
# and sequence numbers to replay from), and scheduled invocations that failed.
resource "aws_sqs_queue" "failures" {
  name                      = "${var.prefix}-failures"
  message_retention_seconds = 14 * 24 * 3600
  sqs_managed_sse_enabled   = true
}

# Only TLS connections, on every queue.
resource "aws_sqs_queue_policy" "tls_only" {
  for_each = {
    outbox      = aws_sqs_queue.outbox
    outbox_dlq  = aws_sqs_queue.outbox_dlq
    rebuild     = aws_sqs_queue.rebuild
    rebuild_dlq = aws_sqs_queue.rebuild_dlq
    failures    = aws_sqs_queue.failures
  }

  queue_url = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = each.value.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
