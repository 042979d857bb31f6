#include "config.h"

#include "collect/collect_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect_iam.h"	/* COLLECT_PAGE_* */

const char *
collect_page_text(const struct xml_node *n, const char *field)
{
	const char *t = xml_path_text(n, field);

	return t != NULL && t[0] != '\0' ? t : NULL;
}

/* The part's reason for an AWS failure, in the words snapshot.h asks for:
 * what happened, from which API, on which page, and AWS's own message. */
static int
fail_aws(struct snap_part *p, const struct aws_client *c, const struct awserr *ae,
    unsigned page)
{
	char status[32] = "";

	if (ae->flags & AWSERR_THROTTLE)
		return snap_part_fail(p, "throttled out after %u attempts (%s, page %u): %s: %s",
		    aws_client_last_attempts(c), ae->api, page, ae->code, ae->message);
	if (ae->http_status != 0)
		snprintf(status, sizeof(status), ", HTTP %ld", ae->http_status);
	return snap_part_fail(p, "%s from %s (page %u%s): %s%s", ae->code, ae->api, page, status,
	    ae->message, (ae->flags & AWSERR_EXPIRED) ?
	    " [the credentials expired and could not be refreshed]" : "");
}

int
collect_pages(struct aws_client *c, const struct collect_pager *pg, struct snap_part *part,
    unsigned *pages, struct err *e)
{
	struct query_param *params;
	char *token = NULL, *next = NULL;
	unsigned page;
	int rc = -1, pr = 0;

	/* The caller's parameters and, from the second page on, the token. */
	params = calloc(pg->nparams + 1, sizeof(*params));
	if (params == NULL) {
		err_set(e, "out of memory fetching %s", pg->api);
		return -1;
	}
	if (pg->nparams > 0)
		memcpy(params, pg->params, pg->nparams * sizeof(*params));
	params[pg->nparams].name = pg->token;
	for (page = 1;; page++) {
		struct xml_doc *doc = NULL;
		const struct xml_node *res = NULL;
		struct awserr ae;
		struct err ce;
		bool more = false;
		int prc;

		if (page > pg->max_pages) {
			pr = snap_part_fail(part, "%s: %s after %u pages; stopped", pg->api,
			    pg->still, pg->max_pages);
			break;
		}
		params[pg->nparams].value = token;
		if (aws_client_query(c, pg->svc, pg->action, params,
		    pg->nparams + (token != NULL ? 1 : 0), &doc, &res, &ae, &ce) != 0) {
			pr = fail_aws(part, c, &ae, page);
			break;
		}
		prc = pg->parse(res, pg->arg, &more, &next, &ce);
		xml_free(doc);
		if (prc == COLLECT_PAGE_NOMEM) {
			err_set(e, "%s", ce.msg);
			goto out;
		}
		if (prc == COLLECT_PAGE_BAD) {
			pr = snap_part_fail(part, "%s (page %u)", ce.msg, page);
			break;
		}
		if (!more) {
			pr = snap_part_ok(part);
			break;
		}
		if (next == NULL) {
			pr = snap_part_fail(part, "%s: page %u %s", pg->api, page, pg->no_token);
			break;
		}
		if (token != NULL && strcmp(token, next) == 0) {
			pr = snap_part_fail(part, "%s: page %u returned the %s it was given; "
			    "stopped rather than loop", pg->api, page, pg->token);
			break;
		}
		free(token);
		token = next;
		next = NULL;
	}
	if (pr != 0) {
		err_set(e, "out of memory recording the %s outcome", pg->api);
		goto out;
	}
	*pages = page;
	rc = 0;
out:
	free(params);
	free(token);
	free(next);
	return rc;
}
