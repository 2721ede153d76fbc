"""The labelled evaluation set of nograd-lint and the script that scores the linter on it."""
