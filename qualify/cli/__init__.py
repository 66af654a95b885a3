"""The `qualify` command line: thin wrappers over the workflow, the store and the reports."""

from qualify.cli.main import main, run

__all__ = ["main", "run"]
