# chalice.tf.json adds EndpointURL and RestAPIId.

output "table_prefix" {
  description = "MINILOOP_TABLE_PREFIX of the stage."
  value       = var.prefix
}

output "outbox_queue_url" {
  description = "MINILOOP_OUTBOX_QUEUE_URL of the stage."
  value       = aws_sqs_queue.outbox.url
}

output "dead_letter_queue_url" {
  description = "Outbox messages the sender gave up on (redrive them from the SQS console)."
  value       = aws_sqs_queue.outbox_dlq.url
}

output "failures_queue_url" {
  description = "Stream batches and scheduled runs Lambda gave up on."
  value       = aws_sqs_queue.failures.url
}

output "notify_url" {
  description = "The WeChat Pay notify_url the stage sends with every prepay order."
  value       = "${trimsuffix(var.public_url, "/")}/webhooks/wechatpay/notify"
}

output "partition" {
  description = "aws, or aws-cn in the AWS China regions."
  value       = data.aws_partition.current.partition
}
