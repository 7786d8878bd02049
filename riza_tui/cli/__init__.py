"""The command line: argument parsing, and the commands that print (show, diff, list) or serve."""
