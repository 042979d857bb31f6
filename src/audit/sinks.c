/*
 * The sinks table, from sinks.def.
 */
#include "config.h"

#include "audit/sinks.h"

#include <string.h>

#define AUD_NEEDS_NOTHING SINK_NEEDS_NOTHING
#define AUD_NEEDS_PROFILE SINK_NEEDS_PROFILE
#define AUD_ACTION(a, r)

static const struct sink sink_table[] = {
#define AUD_SINK(t, p, n, a) { t, p, n, a, false },
#define AUD_EXISTING(t, n, a) { t, NULL, n, a, true },
#include "audit/sinks.def"
#undef AUD_SINK
#undef AUD_EXISTING
};

#undef AUD_ACTION
#define AUD_SINK(t, p, n, a)
#define AUD_EXISTING(t, n, a)

static const struct {
	const char *action, *resource;
} sink_res[] = {
#define AUD_ACTION(a, r) { a, r },
#include "audit/sinks.def"
#undef AUD_ACTION
};

#undef AUD_SINK
#undef AUD_EXISTING

#define SINK_N (sizeof(sink_table) / sizeof(sink_table[0]))
#define SINK_NRES (sizeof(sink_res) / sizeof(sink_res[0]))

size_t
sink_count(void)
{
	return SINK_N;
}

const struct sink *
sink_get(size_t i)
{
	return i < SINK_N ? &sink_table[i] : NULL;
}

const char *
sink_passed_to(const char *trust)
{
	for (size_t i = 0; i < SINK_N; i++)
		if (!sink_table[i].existing && strcmp(sink_table[i].trust, trust) == 0)
			return sink_table[i].passed_to;
	return trust;
}

bool
sink_known(const char *trust)
{
	for (size_t i = 0; i < SINK_N; i++)
		if (!sink_table[i].existing && strcmp(sink_table[i].trust, trust) == 0)
			return true;
	return false;
}

const char *
sink_resource(const char *action)
{
	for (size_t i = 0; i < SINK_NRES; i++)
		if (strcmp(sink_res[i].action, action) == 0)
			return sink_res[i].resource;
	return NULL;
}

size_t
sink_actions(const struct sink *s, char (*out)[128], size_t cap)
{
	const char *p = s->actions;
	size_t n = 0;

	if (cap > 128)
		cap = 128;
	while (*p != '\0') {
		size_t len;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, " ");
		if (n == SINK_MAX_ACTIONS || len >= cap)
			return 0;
		memcpy(out[n], p, len);
		out[n][len] = '\0';
		n++;
		p += len;
	}
	return n;
}
