"""Modal dialogs: each is a ``Dialog[T]`` (:mod:`.dialog`) that returns its answer, once,
with ``dismiss``."""
