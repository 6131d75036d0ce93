"""Shipped data: one folder per region (``idlib/``) and the Sphere minimum standards."""

from pathlib import Path

DATA_ROOT = Path(__file__).parent
"""Folder of the shipped regions: ``DATA_ROOT / <region>`` holds its CSV files."""
