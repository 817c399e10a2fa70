"""The citizens' and enterprises' portal (server-rendered, works without JavaScript)."""
