"""Account tests delete accounts: every domain's personal_data receivers must be connected."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import elearn

# create_app does not import the domains' personal_data modules yet (elearn/__init__.py is the
# lead's: the lines are asked for); importing them connects their receivers to the domain events.
for _module in sorted(Path(elearn.__path__[0]).glob("*/personal_data.py")):
    import_module(f"elearn.{_module.parent.name}.personal_data")
