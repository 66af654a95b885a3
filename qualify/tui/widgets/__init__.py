"""Widgets of the TUI, one module per widget (or small family of widgets)."""
