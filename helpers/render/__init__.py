"""Rendering: the report notebook executed with papermill, cleaned, exported to the handout and PDF."""
