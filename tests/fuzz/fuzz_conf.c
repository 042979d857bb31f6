/*
 * libFuzzer target: the daemon's config file, through config_load (libconfig
 * and the settings table, confschema.c) exactly as the daemon loads it: the
 * input is written to fuzz.conf in a scratch directory that also holds
 * inc.conf (a valid fragment to @include) and key (a secret file for the
 * *_file settings, which take absolute paths: "@DIR@" in the input stands
 * for the directory). Inputs in fuzz_expand's "\0REPEAT N" form reach the
 * 1 MiB file limit.
 *
 * Checked: the load succeeds exactly when it reports no problem; every
 * problem is a non-empty line; a valid config has at least one region and
 * prints; whatever was loaded frees cleanly (secrets wiped, leak detection
 * on).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf.h"
#include "confschema.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char conf_path[4200];

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char inc[] = "collect = { concurrency = 2; regions = [\"eu-west-1\"]; };\n";
	static const char key[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFUZZKEY\n";
	char path[4200];

	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	snprintf(path, sizeof(path), "%s/inc.conf", fuzz_dir());
	if (fuzz_write_file(path, inc, sizeof(inc) - 1) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/key", fuzz_dir());
	if (fuzz_write_file(path, key, sizeof(key) - 1) != 0)
		abort();
	snprintf(conf_path, sizeof(conf_path), "%s/fuzz.conf", fuzz_dir());
	return 0;
}

/* The input with every "@DIR@" replaced by the scratch directory; *out
 * malloc'd (NULL when there was none to replace). */
static void
put_dir(const uint8_t **data, size_t *size, uint8_t **out)
{
	const char *dir = fuzz_dir();
	size_t dlen = strlen(dir), n = 0, i, j;

	*out = NULL;
	for (i = 0; i + 5 <= *size; i++)
		if (memcmp(*data + i, "@DIR@", 5) == 0)
			n++;
	if (n == 0)
		return;
	if ((*out = malloc(*size + n * dlen)) == NULL)
		abort();
	for (i = 0, j = 0; i < *size;) {
		if (i + 5 <= *size && memcmp(*data + i, "@DIR@", 5) == 0) {
			memcpy(*out + j, dir, dlen);
			j += dlen;
			i += 5;
		} else {
			(*out)[j++] = (*data)[i++];
		}
	}
	*data = *out;
	*size = j;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct confdiag d = CONFDIAG_INIT;
	struct config c;
	uint8_t *big, *withdir;
	FILE *devnull;
	int rc;

	fuzz_expand(&data, &size, &big);
	put_dir(&data, &size, &withdir);
	if (fuzz_write_file(conf_path, data, size) != 0)
		abort();
	free(withdir);
	free(big);
	rc = config_load(&c, conf_path, &d);
	if ((rc == 0) != (confdiag_count(&d) == 0))
		abort();
	for (size_t i = 0; i < d.n; i++)
		if (d.msgs[i] == NULL || d.msgs[i][0] == '\0')
			abort();
	if (rc == 0) {
		if (c.collect.regions.n == 0)
			abort();
		if ((devnull = fopen("/dev/null", "w")) == NULL)
			abort();
		if (config_print(&c, devnull) != 0)
			abort();
		fclose(devnull);
	}
	config_free(&c);
	confdiag_free(&d);
	return 0;
}
