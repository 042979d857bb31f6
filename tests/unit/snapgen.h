/*
 * Generated snapshots for the audit's equivalence tests and benchmarks: a
 * seeded, deterministic mix of users, groups, roles and trust policies of
 * every shape the path index must handle (the account root, specific user
 * and role ARNs, "*" with and without aws:PrincipalArn conditions,
 * NotPrincipal, other accounts, services that do and do not act with a
 * passed role, ARNs of principals that do not exist), with boundaries, SCP
 * levels, tag conditions and VPC endpoints. The same seed and parameters
 * give the same snapshot on every machine.
 */
#ifndef PRA_TESTS_SNAPGEN_H
#define PRA_TESTS_SNAPGEN_H

#include "collect/snapshot.h"

struct sg_params {
	unsigned seed;
	int accounts;		/* >= 1 */
	int users, roles;	/* per account */
	int admin_pct;		/* share of roles with administrator access */
	bool org;		/* an organization with SCP levels */
};

/* A sorted snapshot (abort()s on allocation failure: test code). */
struct snapshot *sg_generate(const struct sg_params *p);

#endif
