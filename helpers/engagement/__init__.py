"""Engagement readers: one per file of an engagement folder, plus ``load`` and ``scaffold``.

Readers turn files into typed models and problems (never exceptions for what a user can
cause); :mod:`helpers.engagement.load` puts them together; :mod:`helpers.engagement.scaffold`
is the only module here that writes engagement files.
"""
