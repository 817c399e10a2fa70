"""Review standards as DMN decision tables, evaluated with provenance (智慧审批).

See docs/rules.md. The rules app owns the tables attached to item versions, the safe
evaluation of their Python-expression cells, the catalogue of inputs and where each comes
from, and the plain-language explanation of a decision. Cases runs the tables on submission
(``govhall.cases.services.automatic``) and stores each decision.
"""
