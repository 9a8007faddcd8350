"""Miniloop's local command line: `python manage.py --help`."""

from local.cli import main

if __name__ == "__main__":
    main()
