"""``python -m dicm`` runs the same command line as the ``dicm`` console script."""

from dicm.cli import main

if __name__ == "__main__":
    main()
