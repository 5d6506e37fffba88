"""Consent pages: the parent portal, staff entry, coverage, and form management."""
