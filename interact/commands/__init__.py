"""The CLI's commands, one module per area; `interact.cli` imports them on first use."""
