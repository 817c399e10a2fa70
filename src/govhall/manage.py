"""The ``govhall`` console script: Django's manage command for this project."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a management command (``govhall migrate``, ``govhall audit-verify`` ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.conf.base")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # Commands are spelled with hyphens on the command line (``govhall audit-verify``) and
    # with underscores as Python modules; Django's own commands have no hyphens to clash.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
