"""What a plan becomes for people and pipelines: tables, the HTML report, workbooks."""
