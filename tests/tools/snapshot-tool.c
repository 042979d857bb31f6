/*
 * snapshot-tool: the snapshot loaders from the shell, for tests.
 *
 *   snapshot-tool offline DIR      load an aws-dump folder, print its JSON
 *   snapshot-tool roundtrip FILE   load a snapshot JSON file, print it again
 *   snapshot-tool save DIR FILE    load an aws-dump folder, save it to FILE
 *
 * Exit 0, or 1 with the loader's error on stderr; 64 for a usage error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/offline.h"
#include "collect/snapjson.h"
#include "collect/snapshot.h"
#include "util/err.h"

static int
usage(void)
{
	fputs("usage: snapshot-tool offline DIR | roundtrip FILE | save DIR FILE\n", stderr);
	return 64;
}

int
main(int argc, char **argv)
{
	struct snapshot *s = NULL;
	struct err e = {{0}};
	int rc = 1;

	if (argc == 3 && strcmp(argv[1], "offline") == 0) {
		if ((s = offline_load(argv[2], &e)) == NULL || snapjson_fwrite(s, stdout, &e) != 0)
			goto out;
	} else if (argc == 3 && strcmp(argv[1], "roundtrip") == 0) {
		if (snapjson_load(argv[2], 0, &s, &e) != 0 || snapjson_fwrite(s, stdout, &e) != 0)
			goto out;
	} else if (argc == 4 && strcmp(argv[1], "save") == 0) {
		if ((s = offline_load(argv[2], &e)) == NULL || snapjson_save(s, argv[3], &e) != 0)
			goto out;
	} else {
		return usage();
	}
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "snapshot-tool: %s\n", e.msg);
	snapshot_free(s);
	return rc;
}
