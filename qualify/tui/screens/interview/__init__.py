"""The interview: the screen (screen.py), the words of its question pane (pane.py), its
sections list (sections.py) and the summary with the gate (summary.py)."""

from qualify.tui.screens.interview.screen import InterviewScreen
from qualify.tui.screens.interview.sections import SUMMARY

__all__ = ["SUMMARY", "InterviewScreen"]
