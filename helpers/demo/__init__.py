"""Side wing: writes the demo engagement folders' exports from a seeded generator (``python -m helpers.demo``)."""
