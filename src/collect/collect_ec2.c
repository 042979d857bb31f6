/*
 * ec2:DescribeVpcEndpoints into a struct snap_region: every gateway,
 * interface and load-balancer endpoint of the client's region, with its
 * policy document. A page is parsed into a scratch region and moved into the
 * caller's only when all of it parsed.
 */
#include "config.h"

#include "collect/collect_ec2.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/query.h"
#include "collect/collect_page.h"
#include "log.h"
#include "util/buf.h"

#define DVE_ACTION "DescribeVpcEndpoints"
#define DVE_API "ec2:" DVE_ACTION
/* See GAAD_MAX_PAGES: a guard against a server that never stops. */
#define DVE_MAX_PAGES 100000u

struct dve {
	struct err *e;
	int rc;			/* COLLECT_PAGE_* */
	size_t index;		/* 1-based item number in vpcEndpointSet */
	const char *id;		/* the endpoint's id once known (XML text) */
};

static int
dve_nomem(struct dve *d)
{
	err_set(d->e, "out of memory parsing a %s page", DVE_API);
	d->rc = COLLECT_PAGE_NOMEM;
	return -1;
}

static int dve_bad(struct dve *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
dve_bad(struct dve *d, const char *fmt, ...)
{
	char what[ERR_MSG_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (d->index == 0)
		err_set(d->e, "%s: %s", DVE_API, what);
	else if (d->id != NULL)
		err_set(d->e, "%s: vpcEndpointSet item %zu (%.64s): %s", DVE_API, d->index, d->id,
		    what);
	else
		err_set(d->e, "%s: vpcEndpointSet item %zu: %s", DVE_API, d->index, what);
	d->rc = COLLECT_PAGE_BAD;
	return -1;
}

static int
dve_str(struct dve *d, const struct xml_node *n, const char *field, bool required, char **out)
{
	const char *t = collect_page_text(n, field);

	*out = NULL;
	if (t == NULL)
		return required ? dve_bad(d, "missing %s", field) : 0;
	*out = strdup(t);
	return *out != NULL ? 0 : dve_nomem(d);
}

/* EC2 sends the policy as plain JSON text; decode anyway in case a server
 * percent-encodes it as IAM does (plain JSON text is left alone). Absent, or
 * present and empty: no policy, which means full access. */
static int
dve_policy(struct dve *d, const struct xml_node *item, char **out)
{
	const struct xml_node *n = xml_child(item, "policyDocument");
	struct err de;

	*out = NULL;
	if (n == NULL || n->text_len == 0)
		return 0;
	*out = collect_iam_doc_decode(n->text, n->text_len, &de);
	return *out != NULL ? 0 : dve_bad(d, "policyDocument: %s", de.msg);
}

static int
dve_endpoint(struct dve *d, const struct xml_node *item, struct snap_region *r)
{
	struct snap_endpoint *ep = snap_push((void **)&r->endpoints, &r->nendpoints, sizeof(*ep),
	    NULL);

	if (ep == NULL)
		return dve_nomem(d);
	d->id = collect_page_text(item, "vpcEndpointId");
	if (dve_str(d, item, "vpcEndpointId", true, &ep->id) != 0 ||
	    dve_str(d, item, "vpcEndpointType", true, &ep->type) != 0 ||
	    dve_str(d, item, "serviceName", true, &ep->service_name) != 0 ||
	    dve_str(d, item, "vpcId", false, &ep->vpc_id) != 0 ||
	    dve_str(d, item, "state", false, &ep->state) != 0 ||
	    dve_policy(d, item, &ep->policy) != 0)
		return -1;
	return 0;
}

int
collect_ec2_parse_page(const struct xml_node *root, struct snap_region *r,
    char **next_token, struct err *e)
{
	struct snap_account scratch;	/* one region; snap_account_clear frees it */
	struct snap_region *page;
	const struct xml_node *it;
	struct dve d;
	char *tok = NULL;

	memset(&scratch, 0, sizeof(scratch));
	memset(&d, 0, sizeof(d));
	d.e = e;
	d.rc = COLLECT_PAGE_BAD;
	page = snap_push((void **)&scratch.regions, &scratch.nregions, sizeof(*page), NULL);
	if (page == NULL) {
		dve_nomem(&d);
		goto out;
	}
	if (root == NULL) {
		dve_bad(&d, "no %sResponse element", DVE_ACTION);
		goto out;
	}
	if (dve_str(&d, root, "nextToken", false, &tok) != 0)
		goto out;
	for (it = xml_list_first(xml_child(root, "vpcEndpointSet")); it != NULL;
	    it = xml_list_next(it)) {
		d.index++;
		d.id = NULL;
		if (dve_endpoint(&d, it, page) != 0)
			goto out;
	}
	d.index = 0;
	for (size_t i = 0; i < page->nendpoints; i++) {
		struct snap_endpoint *slot = snap_push((void **)&r->endpoints, &r->nendpoints,
		    sizeof(*slot), NULL);

		if (slot == NULL) {
			dve_nomem(&d);
			goto out;
		}
		*slot = page->endpoints[i];
		memset(&page->endpoints[i], 0, sizeof(page->endpoints[i]));
	}
	*next_token = tok;
	tok = NULL;
	d.rc = COLLECT_PAGE_OK;
out:
	free(tok);
	snap_account_clear(&scratch);
	return d.rc;
}

static int
dve_page(const struct xml_node *result, void *arg, bool *more, char **next, struct err *e)
{
	int rc = collect_ec2_parse_page(result, arg, next, e);

	*more = rc == COLLECT_PAGE_OK && *next != NULL;
	return rc;
}

int
collect_endpoints(struct aws_client *c, struct snap_region *r, int page_size, struct err *e)
{
	struct query_param params[1];
	struct collect_pager pg = {
		.svc = AWS_SVC_EC2, .action = DVE_ACTION, .api = DVE_API, .token = "NextToken",
		.still = "still paginating", .no_token = "has no NextToken",
		.max_pages = DVE_MAX_PAGES, .params = params, .parse = dve_page, .arg = r,
	};
	char max_results[16];
	unsigned pages = 0;

	if (page_size > 0) {
		int n = page_size;

		if (n < COLLECT_EC2_MIN_RESULTS)
			n = COLLECT_EC2_MIN_RESULTS;
		if (n > COLLECT_EC2_MAX_RESULTS)
			n = COLLECT_EC2_MAX_RESULTS;
		snprintf(max_results, sizeof(max_results), "%d", n);
		params[0].name = "MaxResults";
		params[0].value = max_results;
		pg.nparams = 1;
	}
	if (collect_pages(c, &pg, &r->part, &pages, e) != 0)
		return -1;
	if (r->part.complete)
		log_debug("%s in %s: %u page(s), %zu endpoints", DVE_API,
		    r->name != NULL ? r->name : "?", pages, r->nendpoints);
	else
		log_warn("VPC endpoints of %s incomplete: %s", r->name != NULL ? r->name : "?",
		    r->part.why);
	return 0;
}
