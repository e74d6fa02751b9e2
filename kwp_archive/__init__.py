"""Declassified documents on the Korean communist movement and the Korean Workers' Party,
1945–1956: the code shared by the build (build.py) and the Datasette plugins (plugins/)."""
