"""``python -m diplo_extract`` runs the command line."""

from diplo_extract.cli.app import main

main()
