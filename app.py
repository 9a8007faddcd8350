"""Miniloop: the Chalice app. Wiring only; the logic lives in chalicelib/."""

from chalice.app import Chalice, Rate

from chalicelib.api import admin, miniprogram, schedules, webhooks

app = Chalice(app_name="miniloop")
app.register_blueprint(miniprogram.bp)
app.register_blueprint(webhooks.bp)
app.register_blueprint(admin.bp)


@app.schedule(Rate(1, unit=Rate.MINUTES))
def run_due_jobs(event: object) -> None:
    schedules.run_due_jobs(event)
