# src/audit: privileged roles, PassRole edges, state and diff (issue 6).
