#!/bin/sh
# Audit speed for a synthetic account of 2,000 principals and 50 privileged
# roles (boundaries, SCP levels, conditions, endpoints, transitive paths).
# Target: audit_cpu_s < 1 in a build configured without --enable-sanitizers.
# Then generated snapshots whose trust policies name specific roles and
# users (tests/unit/snapgen.h): one account of 1,000 principals with 5%
# administrator roles, and ten such accounts, for how transitive paths
# scale.
set -eu
: "${top_builddir:?}"
"$top_builddir/tests/bench/audit-bench"
echo "# generated: 1 account x 1,000 principals, 5% admin roles"
"$top_builddir/tests/bench/audit-bench" gen 1 500 500 5
echo "# generated: 10 accounts x 1,000 principals, 5% admin roles"
"$top_builddir/tests/bench/audit-bench" gen 10 500 500 5
