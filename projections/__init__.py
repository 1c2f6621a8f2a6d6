"""Read models, each rebuilt from the event log and kept at a tracked position."""
