"""Ways to show a report: text for the terminal now; figures, tables and notebooks later."""
