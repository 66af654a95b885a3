"""The operations of qualifying a prospect, shared by the CLI and the TUI.

The imperative shell around the core: it reads and writes through a
:class:`~qualify.store.base.Store` and decides nothing the core does not decide.
"""
