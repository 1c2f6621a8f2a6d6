"""Saved replies: approved answers kept for reuse in one incident's inbox."""
