/*
 * libFuzzer target: the EC2 page parser (DescribeVpcEndpoints answers),
 * through the same steps as the collector: query_parse_response with the
 * EC2 protocol, then collect_ec2_parse_page on the root.
 *
 * Checked: a page is taken whole or not at all (a refused page adds no
 * endpoint, gives no token and its message names the API); an accepted one
 * yields endpoints with their required fields and a non-empty next token
 * or none, and parsing it again appends as many endpoints again.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/endpoint.h"
#include "aws/query.h"
#include "aws/xml.h"
#include "collect/collect_ec2.h"
#include "collect/collect_iam.h"
#include "collect/snapshot.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
str_ok(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static void
check_region(const struct snap_region *r)
{
	for (size_t i = 0; i < r->nendpoints; i++) {
		const struct snap_endpoint *ep = &r->endpoints[i];

		if (!str_ok(ep->id) || !str_ok(ep->type) || !str_ok(ep->service_name))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xml_limits lim;
	struct xml_doc *doc = NULL;
	const struct xml_node *res;
	struct snap_account a;
	struct snap_region *r;
	struct err e = { "" };
	char rid[128], *next = NULL;
	size_t n;
	int rc;

	xml_limits_default(&lim);
	lim.max_bytes = (size_t)1 << 20;
	if (query_parse_response(AWS_PROTO_EC2, (const char *)data, size, "DescribeVpcEndpoints",
	    &lim, &doc, &res, rid, sizeof(rid), &e) != 0) {
		if (doc != NULL || strncmp(e.msg, "DescribeVpcEndpoints response", 29) != 0)
			abort();
		return 0;
	}
	memset(&a, 0, sizeof(a));
	if ((a.regions = calloc(1, sizeof(*a.regions))) == NULL)
		abort();
	a.nregions = 1;
	r = &a.regions[0];
	rc = collect_ec2_parse_page(res, r, &next, &e);
	if (rc == COLLECT_PAGE_BAD) {
		if (r->nendpoints != 0 || next != NULL ||
		    strncmp(e.msg, "ec2:DescribeVpcEndpoints: ", 26) != 0)
			abort();
	} else if (rc == COLLECT_PAGE_OK) {
		if (next != NULL && next[0] == '\0')
			abort();
		check_region(r);
		n = r->nendpoints;
		free(next);
		next = NULL;
		if (collect_ec2_parse_page(res, r, &next, &e) != COLLECT_PAGE_OK ||
		    r->nendpoints != 2 * n)
			abort();
		check_region(r);
	} else if (rc != COLLECT_PAGE_NOMEM) {
		abort();
	}
	free(next);
	snap_account_clear(&a);
	xml_free(doc);
	return 0;
}
