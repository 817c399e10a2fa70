"""Case writes: submitting, and every action of the log. One transaction each, audited."""
