"""Legacy stock (存量入库): reading an issuer's register of existing licenses from .xlsx or
.csv, checking every row before anything is written, and the template of the columns.

The services that store the file and issue the rows in batches are in
``govhall.licenses.services.imports``.
"""
