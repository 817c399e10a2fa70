"""Settings profiles: ``base`` (embedded default, reads the environment), ``test``, ``production``."""
