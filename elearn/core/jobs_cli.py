"""``flask --app elearn jobs …``: the worker that runs the job queue, and the outbox by hand."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from elearn.core import jobs, outbox
from elearn.core.transaction import unit_of_work
from elearn.extensions import db

jobs_cli = AppGroup("jobs", help="The job queue: its worker and scheduler, and the mail outbox.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at the same time (threads).")
@click.option("--processes", is_flag=True, help="Run the workers as processes, not threads (CPU-heavy jobs).")
@click.option("--no-scheduler", is_flag=True, help="Leave the periodic jobs to another worker.")
def worker_command(workers: int, processes: bool, no_scheduler: bool) -> None:
    """Run queued jobs and the periodic ones (mail, digests, clean-ups) until stopped."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    consumer = jobs.consumer(
        app, workers=workers, worker_type="process" if processes else "thread", periodic=not no_scheduler
    )
    click.echo(f"Jobs from {type(jobs.huey.storage).__name__}; {workers} worker(s); Ctrl-C stops.")
    consumer.run()


@jobs_cli.command("send-mail")
@click.option("--failed", is_flag=True, help="Also queue the failed mails again, with a fresh count of attempts.")
def send_mail_command(failed: bool) -> None:
    """Send the queued mail that is due now, here, without waiting for the worker."""
    if failed:
        with unit_of_work():
            ids = list(
                db.session.scalars(select(outbox.OutgoingMail.id).where(outbox.OutgoingMail.status == outbox.FAILED))
            )
            outbox.resend(ids)
        click.echo(f"{len(ids)} failed mail(s) queued again.")
    with unit_of_work():
        sent = outbox.retry_due()
    click.echo(f"{sent} mail(s) sent.")


@jobs_cli.command("run")
@click.argument("name")
def run_command(name: str) -> None:
    """Run the periodic job NAME here and now (the scheduler runs them on their own)."""
    if name not in jobs.PERIODIC:
        raise click.BadParameter(f"choose one of: {', '.join(sorted(jobs.PERIODIC))}", param_hint="NAME")
    result = jobs.PERIODIC[name]()
    click.echo(f"{name}: {result}")
