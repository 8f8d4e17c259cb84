"""Victim device: the proximity alarm engine (pure Python) and its policy data. Storage,
ingestion over HTTPS/MQTT and the monitoring console follow (issue #8)."""
