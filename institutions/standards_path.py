"""Where the shipped quality-standard file lives (an illustrative template: see its header)."""
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "standards" / "ws-t-821-2023-template.txt"
