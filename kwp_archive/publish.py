"""Write a deployable application directory for the site: offline, no account needed.

    python -m kwp_archive.publish DIR [--database archive.db] [--inspect-file inspect-data.json]

The directory holds the database and its inspect file, metadata.yml, plugins/, templates/
and this package (the plugins import it); requirements.txt, pinned as `make run` installs
them, with the app's own plugins; a Procfile with the start command, and a Dockerfile and
fly.toml for Fly (the Dockerfile also serves Cloud Run). The start command is `python -m
kwp_archive.site`: the very code `make run` uses, so the settings cannot drift."""

import argparse
import shutil
import sys
from pathlib import Path

from . import atomic, site

# What `make run` installs, and the published app's plugins: datasette-hashed-urls puts the
# database's hash in every URL with far-future cache headers, so a CDN may keep pages for good
# and a rebuild is never answered from a stale cache; locally it would only get in the way.
REQUIREMENTS = (site.ROOT / "requirements" / "run.txt",
                site.ROOT / "requirements" / "published.txt")
PORT = 8080
# On every address (HOST=0.0.0.0) unless told otherwise: the tests use the loopback alone.
START = f"python -m kwp_archive.site --host ${{HOST:-0.0.0.0}} --port ${{PORT:-{PORT}}}"

DOCKERFILE = f"""\
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
ENV PORT={PORT}
EXPOSE {PORT}
CMD {START}
"""

FLY_TOML = f"""\
# Set the app's name with `fly launch --no-deploy --copy-config` or edit it here.
app = "kwp-archive"
primary_region = "ams"

[http_service]
  internal_port = {PORT}
  force_https = true
  # Replicas are stateless copies of one read-only file: start and stop them freely.
  auto_stop_machines = "stop"
  auto_start_machines = true
  min_machines_running = 1

[[vm]]
  memory = "512mb"
  cpu_kind = "shared"
  cpus = 1
"""


def pinned_requirements():
    """`name==version` for every package the published app installs."""
    return [line for path in REQUIREMENTS for line in path.read_text().splitlines()
            if line and not line.startswith("#")]


def write(directory, database="archive.db", inspect_file="inspect-data.json"):
    directory = atomic.our_directory(directory, empty=True)
    shutil.copy(database, directory / "archive.db")
    shutil.copy(inspect_file, directory / "inspect-data.json")
    shutil.copy(site.METADATA, directory / site.METADATA.name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in (site.PLUGINS, site.TEMPLATES, Path(__file__).resolve().parent):
        shutil.copytree(folder, directory / folder.name, ignore=ignore)
    for name, text in (("requirements.txt", "\n".join(pinned_requirements()) + "\n"),
                       ("Procfile", f"web: {START}\n"), ("Dockerfile", DOCKERFILE),
                       ("fly.toml", FLY_TOML)):
        (directory / name).write_text(text)
    return directory


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--database", default="archive.db")
    parser.add_argument("--inspect-file", default="inspect-data.json")
    args = parser.parse_args(argv)
    try:
        print(write(args.directory, args.database, args.inspect_file))
    except OSError as error:
        sys.exit(f"error: {error.filename}: cannot write: {error.strerror}")


if __name__ == "__main__":
    main()
