"""The embedded runtime on one machine: the run command, the ticker, the CLI.

Not shipped to Lambda: on AWS, API Gateway, EventBridge schedules and the
projector functions take these roles.
"""
