"""Catalog: competitions, splits, agents and runners, registered through the plugin's hooks."""
