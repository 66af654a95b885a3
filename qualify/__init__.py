"""qualify: a prospect qualification engine for channel sales."""

__version__ = "0.1.0"
