"""The extraction model's data (patterns, gazetteers, lexicons, taxonomy), installed as ``pipeline.models``.

Nothing here is code: this file only lets the folder travel inside a wheel.
"""
