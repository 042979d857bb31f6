/*
 * snapshot-tool: the snapshot loaders from the shell, for tests.
 *
 *   snapshot-tool offline DIR      load an aws-dump folder, print its JSON
 *   snapshot-tool roundtrip FILE   load a snapshot JSON file, print it again
 *   snapshot-tool save DIR FILE    load an aws-dump folder, save it to FILE
 *   snapshot-tool live URL ACCOUNT REGION...
 *                                  the live IAM and EC2 collectors against URL
 *                                  (an emulator; keys from AWS_ACCESS_KEY_ID and
 *                                  AWS_SECRET_ACCESS_KEY) into a one-account
 *                                  snapshot, printed: offline and live must
 *                                  give the same model
 *
 * Exit 0, or 1 with the loader's error on stderr; 64 for a usage error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/credprov.h"
#include "collect/collect.h"
#include "collect/offline.h"
#include "collect/snapjson.h"
#include "collect/snapshot.h"
#include "util/err.h"

static int
usage(void)
{
	fputs("usage: snapshot-tool offline DIR | roundtrip FILE | save DIR FILE |\n"
	    "       live URL ACCOUNT REGION...\n", stderr);
	return 64;
}

static struct aws_client *
client_at(const char *url, const char *region, struct aws_creds_provider *p, struct err *e)
{
	struct aws_client_opts o;

	aws_client_opts_init(&o);
	o.region = region;
	for (size_t i = 0; i < AWS_SVC_COUNT; i++)
		o.endpoint_override[i] = url;
	return aws_client_new(&o, p, e);
}

/* One account as the live collectors see it: IAM, then each region. */
static struct snapshot *
live(const char *url, const char *account, char **regions, int nregions, struct err *e)
{
	const char *akid = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
	struct aws_creds_provider *p = NULL;
	struct aws_client *c = NULL;
	struct snapshot *s = NULL;
	struct snap_account a;

	memset(&a, 0, sizeof(a));
	if (akid == NULL || secret == NULL) {
		err_set(e, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set");
		goto fail;
	}
	if ((p = aws_creds_static_new(akid, secret, NULL, e)) == NULL ||
	    (s = snapshot_new(e)) == NULL || (a.id = snap_strdup(account, e)) == NULL ||
	    (c = client_at(url, "us-east-1", p, e)) == NULL)
		goto fail;
	snap_part_ok(&a.access);
	if (collect_iam(c, &a.iam, 0, e) != 0)
		goto fail;
	aws_client_free(c);
	c = NULL;
	for (int i = 0; i < nregions; i++) {
		struct snap_region *r = snap_push((void **)&a.regions, &a.nregions, sizeof(*r), e);

		if (r == NULL || (r->name = snap_strdup(regions[i], e)) == NULL ||
		    (c = client_at(url, regions[i], p, e)) == NULL ||
		    collect_endpoints(c, r, 0, e) != 0)
			goto fail;
		aws_client_free(c);
		c = NULL;
	}
	if (snapshot_add_account(s, &a, e) != 0)
		goto fail;
	aws_creds_provider_free(p);
	snapshot_sort(s);
	return s;
fail:
	aws_client_free(c);
	aws_creds_provider_free(p);
	snap_account_clear(&a);
	snapshot_free(s);
	return NULL;
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
	} else if (argc >= 5 && strcmp(argv[1], "live") == 0) {
		if ((s = live(argv[2], argv[3], argv + 4, argc - 4, &e)) == NULL ||
		    snapjson_fwrite(s, stdout, &e) != 0)
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
