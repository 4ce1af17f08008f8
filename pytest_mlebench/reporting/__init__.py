"""Reporting: collecting records, rates over seeds, gates, summaries and comparisons."""
