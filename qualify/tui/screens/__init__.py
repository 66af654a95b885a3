"""The screens of the TUI, one module per screen, each with its .tcss beside it."""
