"""Archive writes: storing uploaded materials. One transaction each, audited."""

from govhall.archive.services.files import stored_file_put

__all__ = ["stored_file_put"]
