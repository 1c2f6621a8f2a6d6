"""The crisis domain and its application services.

Knows nothing of HTTP or SQL: aggregates hold the rules, services turn an
actor's commands into events, and the event log (`crisis.log`) stores them.
"""
