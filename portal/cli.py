"""Command-line commands: `flask --app portal demo`."""
from __future__ import annotations

import click
from flask import Flask


def register_cli(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option("--reset/--no-reset", default=True, help="Empty the tables first (default).")
    def demo_command(reset: bool) -> None:
        """Fill the database with realistic Chinese demo data."""
        from .demo import load_demo

        summary = load_demo(reset=reset)
        click.echo(summary)
