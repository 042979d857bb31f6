#include "config.h"

#include "policy/pvar.h"

#include <string.h>

#include "policy/match.h"

struct pvar_out {
	char *p;
	size_t len, cap;
	bool overflow;
};

static void
pvar_put(struct pvar_out *o, char ch)
{
	if (o->len + 1 >= o->cap) {
		o->overflow = true;
		return;
	}
	o->p[o->len++] = ch;
}

static bool
pvar_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

enum pvar_status
pvar_subst(const struct ctx *c, const char *src, bool glob, char *out, size_t outcap)
{
	struct pvar_out o = { out, 0, outcap, false };
	enum pvar_status st = PVAR_OK;
	const char *p = src;

	while (*p != '\0') {
		const char *close;

		if (p[0] != '$' || p[1] != '{' || (close = strchr(p + 2, '}')) == NULL) {
			pvar_put(&o, *p++);
			continue;
		}
		{
			const char *in = p + 2;
			size_t n = (size_t)(close - in);
			const char *key = in, *kend, *def = NULL, *dend = NULL;
			const struct ctx_key *k;

			p = close + 1;
			if (n == 1 && (in[0] == '*' || in[0] == '?' || in[0] == '$')) {
				if (glob)
					pvar_put(&o, MATCH_ESC);
				pvar_put(&o, in[0]);
				continue;
			}
			kend = memchr(in, ',', n);
			if (kend != NULL) {
				def = kend + 1;
				dend = close;
				while (def < dend && pvar_space(*def))
					def++;
				while (dend > def && pvar_space(dend[-1]))
					dend--;
				/* The default is a single-quoted literal. */
				if (dend - def >= 2 && def[0] == '\'' && dend[-1] == '\'') {
					def++;
					dend--;
				}
			} else {
				kend = close;
			}
			while (key < kend && pvar_space(*key))
				key++;
			while (kend > key && pvar_space(kend[-1]))
				kend--;
			k = ctx_get(c, key, (size_t)(kend - key));
			if (k != NULL && k->state == CTX_UNKNOWN) {
				if (st == PVAR_OK)
					st = PVAR_UNKNOWN;
				continue;
			}
			/* A multivalued key cannot stand for one string. */
			if (k != NULL && k->nvals == 1) {
				for (const char *v = k->vals[0]; *v != '\0'; v++) {
					if (glob && (*v == '*' || *v == '?'))
						pvar_put(&o, MATCH_ESC);
					pvar_put(&o, *v);
				}
			} else if (def != NULL) {
				for (const char *v = def; v < dend; v++) {
					if (glob && (*v == '*' || *v == '?'))
						pvar_put(&o, MATCH_ESC);
					pvar_put(&o, *v);
				}
			} else {
				st = PVAR_ABSENT;
			}
		}
	}
	if (outcap > 0)
		out[o.len < outcap ? o.len : outcap - 1] = '\0';
	if (o.overflow)
		return PVAR_TOOLONG;
	/* Absent wins over unknown: the value can never match whatever the
	 * unknown key turns out to be. */
	return st;
}

void
pvar_each_key(const char *src, void (*fn)(void *arg, const char *key, size_t len), void *arg)
{
	const char *p = src;

	while ((p = strstr(p, "${")) != NULL) {
		const char *in = p + 2, *close = strchr(in, '}'), *kend;

		if (close == NULL)
			return;
		kend = memchr(in, ',', (size_t)(close - in));
		if (kend == NULL)
			kend = close;
		while (in < kend && pvar_space(*in))
			in++;
		while (kend > in && pvar_space(kend[-1]))
			kend--;
		if (kend - in > 1 || (kend - in == 1 && *in != '*' && *in != '?' && *in != '$'))
			fn(arg, in, (size_t)(kend - in));
		p = close + 1;
	}
}
