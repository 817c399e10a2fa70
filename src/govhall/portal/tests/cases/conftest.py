"""The case fixtures (a published 最低生活保障 guide with a form, applicants, clerks)."""

from govhall.cases.tests.conftest import (  # noqa: F401 - fixtures
    at,
    clerk,
    other_clerk,
    version,
    yang,
    zhang,
)
from govhall.catalog.tests.conftest import (  # noqa: F401 - fixtures
    base_item,
    handling_item,
    implementation,
    publish,
)
