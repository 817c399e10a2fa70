"""The staff workbench for cases (办件工作台): the work queue, one case with its actions,
assignment and process diagram, and material downloads. Server-rendered, works without
JavaScript (except the diagram); no models — it calls the cases services and selectors."""
