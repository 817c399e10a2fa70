"""Sending text messages (SMS), as plugins: ``base`` (the interface), ``registry`` (finding the
configured backend by ``GOVHALL["SMS_BACKEND"]``) and ``contrib/`` (console, memory, HTTP
gateway)."""
