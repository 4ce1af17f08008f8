"""Preparation helpers shared by the Kaggle competitions of the catalog."""
