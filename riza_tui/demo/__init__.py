"""The bundled sample data set and the script that generates it."""
