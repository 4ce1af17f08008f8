"""The LLM gateway: server.py serves it, metering.py counts and prices, prices.csv is the table."""
