"""The catalog builders serve the API tests too."""

from govhall.catalog.tests.conftest import (  # noqa: F401
    base_item,
    handling_item,
    implementation,
    publish,
)
