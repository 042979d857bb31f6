/*
 * libFuzzer target: the policy parser on arbitrary bytes.
 *
 * Every input is parsed as each kind of policy (identity, resource,
 * endpoint): the kinds differ in what they require of Principal, so one
 * document reaches different validation paths. A parse either fails with a
 * message or yields a compiled policy that must free cleanly; the statement
 * labels are formatted to touch every compiled statement.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy/policy.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum policy_kind kinds[] = {
		POLICY_KIND_IDENTITY, POLICY_KIND_RESOURCE, POLICY_KIND_ENDPOINT,
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct err e = { "" };
		struct policy *p = policy_parse_text((const char *)data, size, "fuzz", kinds[k], &e);

		if (p == NULL) {
			/* A rejection must say why. */
			if (e.msg[0] == '\0')
				__builtin_trap();
			continue;
		}
		for (size_t i = 0; i < p->nstmts; i++) {
			char label[64];

			policy_stmt_label(&p->stmts[i], label, sizeof(label));
		}
		policy_free(p);
	}
	return 0;
}
