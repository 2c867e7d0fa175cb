"""Loaders of the bundled content in ``templates/``: instrument, question bank, playbook, CRM mappings,
lead-source defaults.

Content is data, validated like client data: each loader returns its model or raises one
:class:`~helpers.content.errors.ContentInvalid` listing every problem.
"""
