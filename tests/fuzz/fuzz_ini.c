/*
 * libFuzzer target: the AWS shared config/credentials file parser
 * (ini_parse) on arbitrary bytes; inputs in fuzz_expand's "\0REPEAT N"
 * form reach the 1 MiB file limit.
 *
 * Checked: a refusal names the file ("fuzz.ini:") and returns no file; an
 * accepted file has trimmed, non-empty, unique section names and keys, and
 * every section and key is found again by the lookups the credential chain
 * uses (ini_section exactly, ini_entry/ini_get without regard to case).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/ini.h"
#include "fuzzutil.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* The lookups are linear: check the first sections and keys only, so that
 * the seeds at the count limits (4096 sections, 1024 keys) stay fast. */
#define CHECK_MAX 64

static void
check_file(const struct ini_file *f)
{
	for (size_t i = 0; i < f->n && i < CHECK_MAX; i++) {
		const struct ini_section *s = &f->sections[i];
		size_t len = strlen(s->name);

		if (len == 0 || blank(s->name[0]) || blank(s->name[len - 1]) ||
		    ini_section(f, s->name) != s)
			abort();
		for (size_t j = 0; j < s->n && j < CHECK_MAX; j++) {
			const struct ini_entry *en = &s->entries[j];

			if (en->key[0] == '\0' || en->value == NULL || ini_entry(s, en->key) != en ||
			    ini_get(s, en->key) != en->value)
				abort();
			for (size_t k = 0; k < j; k++)
				if (strcasecmp(s->entries[k].key, en->key) == 0)
					abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini_file *f = (struct ini_file *)1;
	struct err e = { "" };
	uint8_t *big;

	fuzz_expand(&data, &size, &big);
	if (ini_parse((const char *)data, size, "fuzz.ini", &f, &e) != 0) {
		if (f != NULL || strncmp(e.msg, "fuzz.ini:", 9) != 0)
			abort();
	} else {
		check_file(f);
		ini_free(f);
	}
	free(big);
	return 0;
}
