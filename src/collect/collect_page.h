/*
 * The fetch loop of a paginated query API (IAM's IsTruncated and Marker,
 * EC2's NextToken): one request a page, each page parsed by the collector,
 * the outcome recorded in a snap_part in the words snapshot.h asks for. The
 * loop stops on a page that says there is more without a token, on a token
 * handed back unchanged, and after max_pages, so a misbehaving server cannot
 * keep a collector forever.
 */
#ifndef PRA_COLLECT_COLLECT_PAGE_H
#define PRA_COLLECT_COLLECT_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/client.h"
#include "aws/query.h"
#include "aws/xml.h"
#include "collect/snapshot.h"
#include "util/err.h"

/* Text of child `field` of n (a path like "RoleLastUsed/Region" works too),
 * NULL when absent or empty: AWS never sends an empty name, id or ARN, so an
 * empty one is as good as missing. */
const char *collect_page_text(const struct xml_node *n, const char *field);

/*
 * Parse one page's result element (NULL when the response had none) into
 * the collector's model; a COLLECT_PAGE_* value. On COLLECT_PAGE_OK, *more
 * says whether another page follows and *next is its token (malloc'd, or
 * NULL when the page gave none).
 */
typedef int (*collect_page_fn)(const struct xml_node *result, void *arg, bool *more,
    char **next, struct err *e);

struct collect_pager {
	enum aws_service svc;
	const char *action;	/* "GetAccountAuthorizationDetails" */
	const char *api;	/* "iam:GetAccountAuthorizationDetails", in reasons */
	const char *token;	/* the parameter that asks for the next page: "Marker" */
	const char *still;	/* reason after max_pages: "still truncated" */
	const char *no_token;	/* reason for more without a token: "has IsTruncated
				 * true but no Marker" */
	unsigned max_pages;
	const struct query_param *params;	/* sent with every page */
	size_t nparams;
	collect_page_fn parse;
	void *arg;
};

/*
 * Fetch every page into pg->arg and record the outcome in part: ok, or
 * failed with a reason naming the API, the page and AWS's own words
 * ("throttled out after 5 attempts (iam:..., page 3): Throttling: Rate
 * exceeded"). *pages is the number of pages asked for. 0 when it ran
 * (complete or not); -1 with e only when out of memory.
 */
int collect_pages(struct aws_client *c, const struct collect_pager *pg, struct snap_part *part,
    unsigned *pages, struct err *e);

#endif
