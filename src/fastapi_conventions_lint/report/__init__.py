"""Reporters turn sorted diagnostics into output."""
