"""Shared data sources identity is verified against (人口库、法人库), as plugins.

``base`` defines what a source answers, ``registry`` finds the configured one, and
``contrib/<name>/`` holds each implementation. The built-in ``demo`` source answers from data
bundled with govhall; a province plugs in its real population and legal-entity databases by
registering a source and naming it in ``GOVHALL_POPULATION_SOURCE`` /
``GOVHALL_LEGAL_ENTITY_SOURCE``.
"""
