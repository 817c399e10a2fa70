"""Archive writes: storing uploaded materials, archiving finished cases. One transaction each,
audited."""

from govhall.archive.services.files import stored_file_put
from govhall.archive.services.volumes import EntryInput, archive_volume_create

__all__ = ["EntryInput", "archive_volume_create", "stored_file_put"]
