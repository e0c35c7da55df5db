"""Codebooks: the researcher's codes as plain data, read from YAML or CSV and checked all at once."""
from .checks import warnings
from .csv_reader import load_csv_codebook, parse_csv_codebook
from .load import LOADERS, load_codebook
from .model import Code, Codebook
from .validate import validate_codebook_dict
from .yaml_reader import load_yaml_codebook, parse_yaml_codebook
from .yaml_writer import dump_yaml_codebook

__all__ = [
    "Code",
    "Codebook",
    "LOADERS",
    "dump_yaml_codebook",
    "load_codebook",
    "load_csv_codebook",
    "load_yaml_codebook",
    "parse_csv_codebook",
    "parse_yaml_codebook",
    "validate_codebook_dict",
    "warnings",
]
