"""The `qualify` process (the installed command and ``python -m qualify``).

A short command goes to the resident process when one runs (:mod:`qualify.handover`,
the standard library only); everything else, and every command when none runs, starts
the command line here (:func:`qualify.cli.main.run`).
"""

import sys


def run() -> None:
    from qualify.handover import handed_over

    code = handed_over(sys.argv)
    if code is not None:
        raise SystemExit(code)
    from qualify.cli.main import run as run_here

    run_here()


if __name__ == "__main__":  # not when a worker process (spawned) imports it
    run()
