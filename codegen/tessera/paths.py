"""Where things live in the repository."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MANIFEST_DIR = REPO / "manifest"
BOARDS_DIR = MANIFEST_DIR / "boards"
SCHEMA_FILE = MANIFEST_DIR / "schema.json"
TEMPLATES_DIR = REPO / "codegen" / "templates"
