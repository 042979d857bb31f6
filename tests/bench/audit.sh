#!/bin/sh
# Audit speed for a synthetic account of 2,000 principals and 50 privileged
# roles (boundaries, SCP levels, conditions, endpoints, transitive paths).
# Target: audit_cpu_s < 1 in a build configured without --enable-sanitizers.
set -eu
: "${top_builddir:?}"
"$top_builddir/tests/bench/audit-bench"
