"""Miniloop: the Chalice app. Wiring only; the logic lives in chalicelib/.

Importing it registers every route, and loads none of the shop: each view
imports what it uses when first called (README, "Lazy imports").

The event sources below name placeholders: Terraform (infra/) owns the real
event source mappings, with the failure settings Chalice cannot express."""

from chalice.app import Chalice, Cron, Rate

from chalicelib.api import rebuilds, schedules, streams
from chalicelib.api.blueprints import BLUEPRINTS
from chalicelib.api.responses import in_documented_shape

app = Chalice(app_name="miniloop")
for module in BLUEPRINTS:
    app.register_blueprint(module.bp)
app.register_middleware(in_documented_shape, "http")


@app.on_dynamodb_record(stream_arn=streams.EVENTS_STREAM, batch_size=100, name="index_events")
def index_events(event: streams.Records) -> dict[str, list[dict[str, str]]]:
    return streams.index_events(event)


@app.on_dynamodb_record(stream_arn=streams.BEHAVIOUR_STREAM, batch_size=100, name="index_behaviour")
def index_behaviour(event: streams.Records) -> dict[str, list[dict[str, str]]]:
    return streams.index_behaviour(event)


@app.on_dynamodb_record(stream_arn=streams.LOG_STREAM, batch_size=100, name="project_log")
def project_log(event: streams.Records) -> dict[str, list[dict[str, str]]]:
    return streams.project_log(event)


@app.on_dynamodb_record(
    stream_arn=streams.BEHAVIOUR_LOG_STREAM, batch_size=100, name="project_behaviour"
)
def project_behaviour(event: streams.Records) -> dict[str, list[dict[str, str]]]:
    return streams.project_behaviour(event)


@app.on_sqs_message(queue_arn=streams.OUTBOX_QUEUE, batch_size=10, name="send_outbox")
def send_outbox(event: streams.Records) -> dict[str, list[dict[str, str]]]:
    return streams.send_outbox(event)


@app.on_sqs_message(queue_arn=rebuilds.REBUILD_QUEUE, batch_size=1, name="continue_rebuild")
def continue_rebuild(event: rebuilds.LambdaEvent) -> dict[str, list[dict[str, str]]]:
    return rebuilds.continue_rebuild(event)


@app.schedule(Rate(1, unit=Rate.MINUTES))
def run_due_jobs(event: object) -> None:
    schedules.run_due_jobs(event)


@app.schedule(Cron(0, 19, "*", "*", "?", "*"), name="rebuild_projections")
def rebuild_projections(event: object) -> None:
    schedules.rebuild_projections(event)
