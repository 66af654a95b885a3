"""The `qualify` command line: thin wrappers over the workflow, the store and the reports."""

from qualify.cli.main import main

__all__ = ["main"]
