"""Documents made from the log: the review report, its narration and charts.
Templates are passed in, so a report is rendered alike by the CLI and the pages."""
