"""The analysts' review page: queue, record page, overview and read-only JSON API on the store."""
