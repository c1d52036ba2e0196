"""Charts for hosts, at a glance: what each shows is computed by plain functions (figures.py shapes a chart and its
table, counts.py reads the numbers), drawn in the browser by Chart.js from the JSON its canvas carries, and always
beside a table of the same numbers, which is what screen readers and browsers without JavaScript get."""
