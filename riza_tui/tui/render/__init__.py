"""What the widgets draw, as plain functions over rich Text: colours, table columns, text documents, search,
wrap, highlighting, diff lines. No widget state, so most of it can run in a thread."""
