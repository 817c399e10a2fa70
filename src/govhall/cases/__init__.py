"""Case processing (申请、受理、审查、决定、送达): applications and their way to a decision."""
