"""``python -m diplo_extract`` runs the command line."""

from diplo_extract.cli import main

main()
