"""Names of the flows whose module the registry imports only on first use (issue 17: idle
RSS): the name is stored in the chat's flow state, and routing a stored flow back to its
module must not need the module loaded."""

from __future__ import annotations

IMPORT_PLAN = "import_plan"
