"""partnerships: French news about international partnerships of local authorities, turned into records."""

__version__ = "0.1.0"
