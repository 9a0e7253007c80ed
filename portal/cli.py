"""Command-line commands: demo data, the first committee, closing calls past their deadline."""
from __future__ import annotations

import click
from flask import Flask


def register_cli(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option("--reset/--no-reset", default=True, help="Empty the tables first (default).")
    def demo_command(reset: bool) -> None:
        """Fill the database with realistic Chinese demo data."""
        from .demo import load_demo

        click.echo(load_demo(reset=reset))

    @app.cli.command("create-committee")
    @click.option("--name", prompt="主办方名称 (committee name)")
    @click.option("--owner-email", prompt="负责人邮箱 (owner email)")
    @click.option("--owner-name", prompt="负责人姓名 (owner name)")
    @click.password_option("--password", prompt="密码 (password)")
    def create_committee_command(name: str, owner_email: str, owner_name: str, password: str) -> None:
        """Create a verified committee and its owner (committees do not self-register)."""
        from .accounts.services import create_committee

        committee = create_committee(name=name, owner_email=owner_email, owner_name=owner_name, password=password)
        click.echo(f"created committee {committee.name} (id {committee.id}), owner {owner_email}")

    @app.cli.command("close-calls")
    def close_calls_command() -> None:
        """Close every published call whose deadline has passed (run from cron)."""
        from .calls.services import close_due_calls

        closed = close_due_calls()
        click.echo(f"closed {len(closed)} call(s)" + "".join(f"\n  {call.code} {call.title}" for call in closed))

    @app.cli.command("remind-judges")
    def remind_judges_command() -> None:
        """Remind judges with unfinished sheets in open rounds closing within 48 hours (run from cron)."""
        from .judging.assignment import remind_due_rounds

        done = remind_due_rounds()
        click.echo(f"checked {len(done)} round(s)" + "".join(
            f"\n  {round_.call.code} {round_.name}: {count} judge(s) reminded" for round_, count in done))

    from .grants.reminders import grants_remind_command  # report reminders for cron

    app.cli.add_command(grants_remind_command)
